"""netweave backup / restore: one community, every kind of row, back exactly as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from netweave.cli import main
from netweave.web.backup import BackupError, backup_community, restore
from netweave.web.community.models import Community
from netweave.web.events.models import RegistrationRequest
from netweave.web.followup.models import DailyNews, Delivery, EmailPreference
from netweave.web.intros.models import (
    CallProposal,
    Digest,
    FollowUp,
    Nudge,
    Post,
    PostReport,
    Reminder,
)
from netweave.web.intros.storage import intro_storage
from netweave.web.live.models import LiveState, Replan
from netweave.web.mail.models import OutboxMessage
from netweave.web.matching.models import Group, Meeting
from netweave.web.privacy.models import PrivacyConfirmation, PurgeRecord
from tests.web.factories import (
    AnswersFactory,
    AttendanceFactory,
    EventFeedbackFactory,
    ForbiddenPairFactory,
    HeldMeetingFactory,
    IntroFactory,
    IntroSettingsFactory,
    MeetingFeedbackFactory,
    StayInTouchFactory,
    UserFactory,
    mp4_bytes,
    published_example,
)

pytestmark = pytest.mark.django_db


def _full_community() -> Community:
    """A community with a row of every kind netweave stores."""
    regs, version = published_example(intro=False)
    event, community = regs[0].event, regs[0].event.community
    maker = UserFactory()
    # created out of alphabetical order: a restore creates users sorted by username, so
    # their ids come back in another order, which must not change the backup
    community.organizers.add(UserFactory(username="zoe"), UserFactory(username="amir"))
    version.created_by = maker
    version.save()
    regs[0].requests.add(regs[1].member)
    regs[0].avoid.add(regs[2].member)
    ForbiddenPairFactory(event=event, a=regs[3], b=regs[4])
    message = OutboxMessage.objects.create(community=community, to=regs[0].member.email, body="b")
    Delivery.objects.create(registration=regs[0], kind="summary", message=message)
    EmailPreference.objects.create(member=regs[1].member, optional_emails=False)
    LiveState.objects.create(event=event, phase="round", round=1)
    AttendanceFactory(registration=regs[0])
    held = HeldMeetingFactory(event=event, seats=[regs[0], regs[1]])
    Replan.objects.create(
        event=event, round=2, meetings=[{"members": [regs[0].pk]}], created_by=maker
    )
    StayInTouchFactory(meeting=held, from_registration=regs[0], to_registration=regs[1])
    MeetingFeedbackFactory(meeting=held, registration=regs[0], note="n")
    EventFeedbackFactory(registration=regs[0])
    IntroSettingsFactory(event=event)
    name = intro_storage().save("intros/backup-test.mp4", ContentFile(mp4_bytes()))
    IntroFactory(registration=regs[8], video_name=name)
    AnswersFactory(subject=regs[8], author=regs[0])
    Nudge.objects.create(subject=regs[8], author=regs[1], sent_at=timezone.now())
    Digest.objects.create(registration=regs[8], due_at=timezone.now())
    FollowUp.objects.create(owner=regs[8], partner=regs[0], done_at=timezone.now())
    Reminder.objects.create(registration=regs[8], kind="intro")
    post = Post.objects.create(
        group=Group.objects.filter(plan=version).first(), author=regs[0], text="hi"
    )
    Post.objects.create(pair_low=regs[0], pair_high=regs[8], author=regs[8], text="hello")
    PostReport.objects.create(post=post, reporter=regs[1], reason="spam")
    CallProposal.objects.create(
        proposer=regs[0], pair_low=regs[0], pair_high=regs[8], slots=["2026-12-07T09:00:00+00:00"]
    )
    DailyNews.objects.create(member=regs[0].member, sent_through=timezone.now())
    PurgeRecord.objects.create(event=event, counts={"registrations": 9})
    RegistrationRequest.objects.create(
        event=event, email=regs[1].member.email, answers={"name": "B"}
    )
    PrivacyConfirmation.objects.create(member=regs[2].member, action="download")
    return community


def _canonical(path: Path) -> dict:
    data = json.loads(path.read_text())
    data["objects"].sort(key=lambda o: (o["model"], o["pk"]))
    return data


def _wipe(community: Community) -> None:
    """Leave an empty database behind, as a restore onto a new server finds it."""
    community.delete()
    get_user_model().objects.all().delete()


def test_backup_restore_round_trips_community_exactly(tmp_path):
    community = _full_community()
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    backup_community(community.slug, first)
    _wipe(community)
    restore(first)
    backup_community(community.slug, second)
    before, after = _canonical(first), _canonical(second)
    # row by row, so a failure names the rows that came back different
    rows = {(o["model"], o["pk"]): o for o in before.pop("objects")}
    again = {(o["model"], o["pk"]): o for o in after.pop("objects")}
    changed = [(key, row, again.get(key)) for key, row in rows.items() if again.get(key) != row]
    assert (changed, sorted(again.keys() - rows.keys())) == ([], [])
    assert before == after


def test_backup_contains_every_kind_of_row(tmp_path):
    from django.apps import apps

    community = _full_community()
    backup_community(community.slug, tmp_path / "b.json")
    stored = {o["model"] for o in _canonical(tmp_path / "b.json")["objects"]}
    expected = {
        m._meta.label_lower
        for c in apps.get_app_configs()
        if c.name.startswith("netweave.web.")
        for m in c.get_models()
    }
    assert expected - stored == set()


def test_backup_names_organizers_by_username(tmp_path):
    community = _full_community()
    backup_community(community.slug, tmp_path / "b.json")
    data = _canonical(tmp_path / "b.json")
    row = next(o for o in data["objects"] if o["model"] == "community.community")
    usernames = {u["username"] for u in data["users"]}
    assert {name for (name,) in row["fields"]["organizers"]} <= usernames


def test_restore_refuses_existing_community(tmp_path):
    community = _full_community()
    backup_community(community.slug, tmp_path / "b.json")
    with pytest.raises(BackupError, match="already exists"):
        restore(tmp_path / "b.json")


def test_restore_creates_organizers_without_usable_password(tmp_path):
    community = _full_community()
    backup_community(community.slug, tmp_path / "b.json")
    usernames = list(community.organizers.values_list("username", flat=True))
    _wipe(community)
    restore(tmp_path / "b.json")
    users = get_user_model().objects.filter(username__in=usernames)
    assert [u.has_usable_password() for u in users] == [False] * len(usernames)


def test_restore_with_media_brings_intro_files_back(tmp_path):
    community = _full_community()
    backup_community(community.slug, tmp_path / "b.json", media=True)
    (name,) = _canonical(tmp_path / "b.json")["media"]
    _wipe(community)
    intro_storage().delete(name)
    restore(tmp_path / "b.json", media=True)
    assert intro_storage().exists(name)


def test_backup_command_writes_file(tmp_path):
    community = _full_community()
    out = tmp_path / "cli.json"
    result = CliRunner().invoke(main, ["backup", community.slug, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert _canonical(out)["community"] == community.slug


def test_backup_command_unknown_community_fails(tmp_path):
    result = CliRunner().invoke(main, ["backup", "nope", "-o", str(tmp_path / "x.json")])
    assert result.exit_code == 1


def test_restore_command_loads_file(tmp_path):
    community = _full_community()
    backup_community(community.slug, tmp_path / "b.json")
    _wipe(community)
    result = CliRunner().invoke(main, ["restore", str(tmp_path / "b.json")])
    assert result.exit_code == 0, result.output
    assert Meeting.objects.filter(plan__event__community__slug=community.slug).exists()
