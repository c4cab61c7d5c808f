"""The hash chain detects any change made underneath the service, and names where."""
from datetime import timedelta

import pytest
from sqlalchemy import delete, insert, select, text, update

from app.audit.log import chain_hash, event_body
from app.extensions import db
from app.models import AuditEvent, ChainHead

EVENTS = AuditEvent.__table__


@pytest.fixture()
def chain(api):
    """A few real cases: started, reviewed, refused, escalated, withdrawn (about 15 events)."""
    from tests.support import at

    approved = api.share("zrzy_sun", "GA-HJ-001")
    review = api.task_of(approved, "provider_review")
    api.ok("POST", f"/tasks/{review['id']}/claim", "ga_wang")
    api.ok("POST", f"/tasks/{review['id']}/complete", "ga_wang", json={"decision": "approve"})
    api.share("zrzy_sun", "SCJG-QY-001")
    withdrawn = api.share("zrzy_sun", "GA-HJ-001")
    api.ok("POST", f"/requests/{withdrawn['id']}/withdraw", "zrzy_sun")
    api.share("scjg_liu", "GA-HJ-001")
    api.set_clock(at(2026, 3, 17, 9))
    assert api.run_timers() == 1
    api.token("auditor"), api.token("admin")  # logging in is audited: the chain is complete before a test
    return api


def verdict(api, user="auditor") -> dict:
    return api.ok("GET", "/audit/verify", user)


def last_seq() -> int:
    return db.session.scalar(select(ChainHead.last_seq))


def change(stmt) -> None:
    db.session.execute(stmt)
    db.session.commit()


def row(seq: int):
    return db.session.execute(select(EVENTS).where(EVENTS.c.seq == seq)).one()


def test_an_untouched_chain_verifies(chain):
    n = last_seq()
    assert n >= 12
    assert verdict(chain) == {"ok": True, "events": n, "first_bad_seq": None, "problem": None}
    assert verdict(chain, "admin")["ok"] is True


def test_only_auditors_and_admins_verify(chain):
    for user in ("ga_wang", "zrzy_sun", "dsj_li", "citizen_he"):
        assert chain.get("/audit/verify", user).status_code == 403
    assert chain.get("/audit/verify").status_code == 401


@pytest.mark.parametrize("column, value", [
    ("data", {"input": {"resource": "GA-HJ-001", "purpose": "篡改后的用途"}}),
    ("actor", "ga_chen"),
    ("type", "task_cancelled"),
    ("element", "coordinate_overdue"),
])
def test_a_changed_field_breaks_that_event(chain, column, value):
    target = 5
    change(update(EVENTS).where(EVENTS.c.seq == target).values({column: value}))
    assert verdict(chain) == {"ok": False, "events": last_seq(), "first_bad_seq": target,
                              "problem": "hash_mismatch"}


def test_a_changed_time_breaks_that_event(chain):
    target = 4
    change(update(EVENTS).where(EVENTS.c.seq == target).values(at=row(target).at - timedelta(days=1)))
    assert verdict(chain)["first_bad_seq"] == target


def test_changed_completion_data_breaks_the_chain(chain):
    seq = db.session.scalar(select(EVENTS.c.seq).where(EVENTS.c.type == "task_completed"))
    data = dict(row(seq).data)
    data["data"] = {**data["data"], "decision": "refuse", "reason": "伪造"}
    change(update(EVENTS).where(EVENTS.c.seq == seq).values(data=data))
    assert verdict(chain)["first_bad_seq"] == seq


def test_a_deleted_middle_event_is_named(chain):
    change(delete(EVENTS).where(EVENTS.c.seq == 6))
    body = verdict(chain)
    assert (body["ok"], body["first_bad_seq"], body["problem"]) == (False, 6, "missing_event")
    assert body["events"] == last_seq() - 1


def test_a_forged_event_with_a_valid_hash_but_the_wrong_link_is_named(chain):
    n = last_seq()
    before = row(n - 1)  # links to the event before the last: the hash itself is consistent
    body = event_body(n + 1, before.case_id, before.at, "ga_wang", "task_completed", "provider_review",
                      {"task": "x", "data": {"decision": "approve"}})
    forged = dict(seq=n + 1, case_id=before.case_id, at=before.at, actor="ga_wang",
                  type="task_completed", element="provider_review", data=body["data"],
                  prev_hash=before.hash, hash=chain_hash(before.hash, body))
    change(insert(EVENTS).values(**forged))
    change(update(ChainHead).values(last_seq=n + 1, last_hash=forged["hash"]))
    assert verdict(chain)["first_bad_seq"] == n + 1
    assert verdict(chain)["problem"] == "broken_link"


def test_a_well_linked_event_appended_behind_the_heads_back_is_named(chain):
    n = last_seq()
    last = row(n)
    body = event_body(n + 1, last.case_id, last.at, "auditor", "case_withdrawn", None, {})
    change(insert(EVENTS).values(seq=n + 1, case_id=last.case_id, at=last.at, actor="auditor",
                                 type="case_withdrawn", element=None, data={}, prev_hash=last.hash,
                                 hash=chain_hash(last.hash, body)))
    assert verdict(chain) == {"ok": False, "events": n + 1, "first_bad_seq": n + 1,
                              "problem": "head_mismatch"}


def test_swapped_events_are_named(chain):
    a, b = row(7), row(8)
    swap = lambda r, seq: update(EVENTS).where(EVENTS.c.seq == seq).values(  # noqa: E731
        case_id=r.case_id, at=r.at, actor=r.actor, type=r.type, element=r.element, data=r.data,
        prev_hash=r.prev_hash, hash=r.hash)
    db.session.execute(swap(b, 7))
    db.session.execute(swap(a, 8))
    db.session.commit()
    assert verdict(chain)["first_bad_seq"] == 7


def test_a_truncated_tail_is_named_by_the_first_missing_seq(chain):
    n = last_seq()
    change(delete(EVENTS).where(EVENTS.c.seq > n - 2))
    assert verdict(chain) == {"ok": False, "events": n - 2, "first_bad_seq": n - 1,
                              "problem": "head_mismatch"}


def test_a_head_that_does_not_match_the_last_event_is_named(chain):
    n = last_seq()
    change(text("UPDATE audit_chain_head SET last_hash = :h").bindparams(h="f" * 64))
    assert verdict(chain)["first_bad_seq"] == n


def test_verify_streams_in_batches(chain):
    from app.audit.verify import verify

    assert verify(batch=2).to_dict() == verify().to_dict() == {
        "ok": True, "events": last_seq(), "first_bad_seq": None, "problem": None}
    change(delete(EVENTS).where(EVENTS.c.seq == 3))
    assert verify(batch=2).first_bad_seq == 3


def test_the_cli_exits_non_zero_when_the_chain_is_broken(chain):
    runner = chain.app.test_cli_runner()
    good = runner.invoke(args=["audit", "verify"])
    assert good.exit_code == 0 and "ok" in good.output
    change(update(EVENTS).where(EVENTS.c.seq == 2).values(actor="someone"))
    bad = runner.invoke(args=["audit", "verify"])
    assert bad.exit_code == 1
    assert "seq 2" in bad.output


@pytest.mark.parametrize("one_statement_events", [200, 1])
def test_events_appended_in_one_statement_or_in_batches_verify(chain, monkeypatch, one_statement_events):
    """A command's events go in with the new chain head in one INSERT on PostgreSQL, a bigger
    batch (a deadline storm's) in batches then the head (app/audit/log.py): both give the same
    chain, gap-free, with the head at its last event. A filing appends two events, so a limit of
    one sends every command the batched way."""
    from sqlalchemy import event

    from app.audit import log

    monkeypatch.setattr(log, "ONE_STATEMENT_EVENTS", one_statement_events)
    chain.token("zrzy_sun")  # the login (one event of its own) before the statements are watched
    statements = []
    listen = (db.engine, "before_cursor_execute", lambda _c, _cur, sql, *_: statements.append(sql))
    event.listen(*listen)
    try:
        before = last_seq()
        withdrawn = chain.share("zrzy_sun", "GA-HJ-001")  # case_started, task_created
        chain.ok("POST", f"/requests/{withdrawn['id']}/withdraw", "zrzy_sun")
    finally:
        event.remove(*listen)
    one_statement = [sql for sql in statements if sql.startswith("WITH new_head AS")]
    batched = [sql for sql in statements if sql.startswith("INSERT INTO audit_events")]
    if db.engine.dialect.name == "postgresql" and one_statement_events == 200:
        assert (len(one_statement), len(batched)) == (2, 0)
    else:
        assert (len(one_statement), len(batched)) == (0, 2)
    seqs = db.session.scalars(select(EVENTS.c.seq).where(EVENTS.c.seq > before).order_by(EVENTS.c.seq)).all()
    assert len(seqs) > 2 and seqs == list(range(before + 1, before + 1 + len(seqs)))
    assert last_seq() == seqs[-1]
    assert verdict(chain) == {"ok": True, "events": seqs[-1], "first_bad_seq": None, "problem": None}


def test_a_storm_of_events_appended_at_once_verifies(chain):
    """A deadline storm's batch appends hundreds of events at once (app/cases/uow.py Batch)."""
    from datetime import datetime, timezone

    from app.audit import log

    before = last_seq()
    at = datetime(2026, 3, 17, 0, 0, 1, tzinfo=timezone.utc)
    appended = log.append_many([(None, "system", "timer_fired", f"元素_{i}", {"i": i, "名称": "提供单位审核"}, at)
                                for i in range(450)])
    db.session.commit()
    assert [e.seq for e in appended] == list(range(before + 1, before + 451))
    assert appended[0].prev_hash == row(before).hash and appended[-1].hash == row(before + 450).hash
    assert verdict(chain) == {"ok": True, "events": before + 450, "first_bad_seq": None, "problem": None}
