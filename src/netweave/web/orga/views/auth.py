"""Signing organizers in and out, with Django's own views and our templates."""

from django.contrib.auth import views as auth_views

from netweave.web.common.security import ip_and_page, rate_limit

# django-axes locks one username after 5 wrong passwords; this limit stops one address from
# trying many usernames (password spraying)
login = rate_limit((ip_and_page, "login"))(
    auth_views.LoginView.as_view(template_name="orga/login.html", redirect_authenticated_user=True)
)
# POST only (Django's LogoutView refuses GET), so a link elsewhere cannot sign anyone out
logout = auth_views.LogoutView.as_view()
