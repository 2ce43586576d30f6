import pytest

from tests.web.factories import RegistrationFactory


@pytest.mark.django_db
def test_registration_factory_member_in_event_community():
    reg = RegistrationFactory()
    assert reg.member.community == reg.event.community
