"""Commands for the community's data: ``netweave backup``, ``restore`` and ``purge``.

Registered on the main group next to the web commands; like them, each imports Django
inside the function, after the environment is set.
"""

from __future__ import annotations

from pathlib import Path

import click

from netweave.web.commands import _require_secret_key, _setup_django

__all__ = ["backup", "purge", "restore"]


def _print_counts(counts: dict[str, int]) -> None:
    for label, count in sorted(counts.items()):
        click.echo(f"  {label}: {count}")


@click.command()
@click.argument("community_slug")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="The JSON file to write.",
)
@click.option("--media", is_flag=True, help="Also zip the intro videos into FILE.media.zip.")
def backup(community_slug: str, output: Path, media: bool) -> None:
    """Write one community, with all its events, plans and people, to a JSON file."""
    _require_secret_key()
    _setup_django()
    from netweave.web.backup import BackupError, backup_community, media_path  # noqa: PLC0415 - after Django is set up

    try:
        counts = backup_community(community_slug, output, media=media)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Wrote {sum(counts.values())} rows of {community_slug} to {output}:")
    _print_counts(counts)
    if media:
        click.echo(f"Intro media in {media_path(output)}")
    click.echo("The file holds personal data: keep it as safe as the database.")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--media", is_flag=True, help="Also restore FILE.media.zip into the media storage.")
def restore(file: Path, media: bool) -> None:
    """Load a community written by `netweave backup`, all or nothing, into a database that
    does not have it (best: a new, migrated one)."""
    _require_secret_key()
    _setup_django()
    from netweave.web.backup import BackupError  # noqa: PLC0415 - after Django is set up
    from netweave.web.backup import restore as run  # noqa: PLC0415 - after Django is set up

    try:
        counts = run(file, media=media)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored {sum(counts.values())} rows from {file}:")
    _print_counts(counts)


@click.command()
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Keep this many days after an event (default: NETWEAVE_RETENTION_DAYS or 730).",
)
def purge(dry_run: bool, days: int | None) -> None:
    """Remove the personal data of events that ended longer ago than the retention period;
    counts stay. Run it from cron, e.g. daily."""
    _require_secret_key()
    _setup_django()
    from netweave.web.privacy.domain import purge_expired  # noqa: PLC0415 - after Django is set up

    report = purge_expired(days=days, dry_run=dry_run)
    verb = "Would remove" if dry_run else "Removed"
    click.echo(f"Cut-off: events that ended before {report.cutoff:%Y-%m-%d %H:%M} UTC.")
    if not report.events:
        click.echo("No event is past the retention period.")
    for name, counts in report.events.items():
        detail = ", ".join(f"{k}: {v}" for k, v in counts.items())
        click.echo(f"{verb} the personal data of {name} ({detail}).")
    click.echo(f"{verb} address and text of {report.outbox_messages} old outbox message(s).")
    click.echo(f"{verb} {report.confirmations} old emailed confirmation(s).")
