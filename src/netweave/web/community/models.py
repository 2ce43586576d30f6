"""Communities of practice, their organizers, and the members who last across events."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Community(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    #: people who run this community's events; an organizer sees only their communities
    organizers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="communities", blank=True
    )
    timezone = models.CharField(max_length=64, default="UTC")
    #: how the organizers' last imported files were read (a ColumnMapping's to_dict): the
    #: starting guess for next year's file, for the columns whose headers match
    import_mapping = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "communities"

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A person in a community, across events. ``email`` is stored lower-cased (the core's id)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="members")
    email = models.EmailField()
    name = models.CharField(max_length=200)
    pronouns = models.CharField(max_length=40, blank=True)
    organization = models.CharField(max_length=200, blank=True)
    #: the community this member manages (the core's ``community`` field)
    manages = models.CharField("community they manage", max_length=200, blank=True)
    #: the kind of community they manage ("open source", "research lab"; the core's
    #: ``community_kind``), for the optional rule "meet across kinds of community"
    community_kind = models.CharField("kind of community", max_length=100, blank=True)
    location = models.CharField(max_length=200, blank=True)
    timezone = models.CharField(max_length=64, default="UTC")
    interests = models.JSONField(default=list, blank=True)
    about = models.TextField(blank=True)
    #: topics this member can help others with, lower-cased (the core's ``offers``)
    offers = models.JSONField(default=list, blank=True)
    #: topics this member looks for help with, lower-cased (the core's ``seeks``)
    seeks = models.JSONField(default=list, blank=True)
    #: organizer-only knowledge: never shown to participants
    notes = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)
    #: other columns of an imported table, kept as free-text profile fields
    extra = models.JSONField(default=dict, blank=True)
    #: consent: may appear in the member list others pick from when registering
    listed = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "email"], name="member_unique_email")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)
