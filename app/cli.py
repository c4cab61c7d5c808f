"""Command-line tools: ``flask --app wsgi users|demo|bpmn|calendar|audit ...``."""
from __future__ import annotations

import os

import click
from flask import Flask
from flask.cli import AppGroup

from app.errors import AppError
from app.extensions import db

users_cli = AppGroup("users", help="Users and accounts.")
demo_cli = AppGroup("demo", help="The demo data set.")
bpmn_cli = AppGroup("bpmn", help="BPMN process definitions.")
calendar_cli = AppGroup("calendar", help="The working-day calendar (official holiday schedules).")
audit_cli = AppGroup("audit", help="The hash-chained audit trail.")
sla_cli = AppGroup("sla", help="Supervision statistics.")


@users_cli.command("create-admin")
@click.option("--username", default="admin")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin(username: str, password: str) -> None:
    """Create an administrator account."""
    from app.cases.uow import UnitOfWork
    from app.identity import NewPassword, create_user

    try:
        new_password = NewPassword.of(password, username)
        with UnitOfWork("system:cli") as uow:
            create_user(uow, username, new_password, "平台管理员", None, ["admin"], via="cli")
    except AppError as exc:
        raise click.ClickException(exc.code) from None
    click.echo(f"created admin {username}")


@bpmn_cli.command("deploy")
@click.argument("directory", default=os.path.join(os.path.dirname(os.path.dirname(__file__)), "bpmn"))
def deploy_bpmn(directory: str) -> None:
    """Deploy every changed model in DIRECTORY as a new version."""
    from app.cases.definitions import deploy_directory

    try:
        created = deploy_directory(directory)  # one unit of work, actor "system"
    except AppError as exc:
        raise click.ClickException(f"{exc.code}: {exc.details}") from None
    for d in created:
        click.echo(f"deployed {d.key} v{d.version}")


@demo_cli.command("load")
def demo_load() -> None:
    """Load the demo data set when the database is empty, and print the demo accounts."""
    from app import demo

    if demo.load():
        click.echo("demo data loaded")
    click.echo("demo accounts (password: %s):" % demo.demo_password())
    for username, display, roles in demo.accounts():
        click.echo(f"  {username:<14} {roles:<20} {display}")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain; exit status 1 when it is broken."""
    from app.audit.verify import verify

    verdict = verify()
    if verdict.ok:
        click.echo(f"ok: {verdict.events} events, chain intact")
        return
    click.echo(f"BROKEN at seq {verdict.first_bad_seq} ({verdict.problem}); {verdict.events} events read",
               err=True)
    raise SystemExit(1)


@audit_cli.command("replay")
@click.argument("case_id")
def audit_replay(case_id: str) -> None:
    """Re-execute one case from its audit events; exit status 1 when it diverges."""
    import json

    from app.audit.replay import replay
    from app.models import Case

    case = db.session.get(Case, case_id)
    if case is None:
        raise click.ClickException(f"not_found: {case_id}")
    result = replay(case)
    click.echo(json.dumps({k: result[k] for k in ("consistent", "events", "divergence")}, ensure_ascii=False,
                          indent=2, default=str))
    if not result["consistent"]:
        raise SystemExit(1)


@calendar_cli.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--actor", default="system:cli", show_default=True, help="Recorded in the audit log.")
def calendar_load(file: str, actor: str) -> None:
    """Load a year's official schedule from FILE (JSON like config/calendar/2026.json) and
    recompute the open deadlines that counted on it."""
    from app.calendar import ScheduleError
    from app.cases.calendar_reload import load_year, read_schedule_file

    try:
        schedule = read_schedule_file(file)
        result = load_year(schedule, actor)
    except ScheduleError as exc:
        problems = "".join(f"\n  - {e['message']}" for e in exc.details.get("errors", []))
        raise click.ClickException(f"{exc.code}: {exc.message}{problems}") from None
    except AppError as exc:
        raise click.ClickException(f"{exc.code}: {exc.details}") from None
    click.echo(f"loaded {schedule.year} ({schedule.source_ref}): "
               f"{len(result['recomputed'])} deadline(s) recomputed, {len(result['failed'])} failed")
    for change in result["recomputed"]:
        click.echo(f"  {change['request']} {change['clock']}: {change['old_due_date']} -> {change['new_due_date']}")


@sla_cli.command("rollup")
def sla_rollup() -> None:
    """Bring the dashboard's totals up to date with the cases changed since the last run (the
    scheduler does this every few minutes; the dashboard computes what changed since then live)."""
    from app.sla.rollup import refresh_now

    click.echo(f"marked {refresh_now()} cases")


def register(app: Flask) -> None:
    for group in (users_cli, demo_cli, bpmn_cli, calendar_cli, audit_cli, sla_cli):
        app.cli.add_command(group)
