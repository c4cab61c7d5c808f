"""The long lists (GET /tasks, GET /requests) answer with what app/api/present.py builds,
without a second pass through their response schemas (app/api/present.py ``listed``): so what
they send must be exactly what the documented schema would send, for every kind of row (a
paused and restarted clock, an escalation, a refusal with its coordination, a grant)."""
from app.api.schemas import RequestList
from app.api.schemas_daily import InboxList
from tests.support import at


def _varied_cases(api):
    granted = api.share("zrzy_sun", "GA-HJ-001")
    api.complete(granted["id"], "provider_review", "ga_wang", {"decision": "approve", "conditions": "仅限本项目"})
    refused = api.share("zrzy_sun", "GA-HJ-001", "核验")
    api.complete(refused["id"], "provider_review", "ga_wang", {"decision": "refuse", "reason": "不符合共享条件"})
    api.ok("POST", f"/requests/{refused['id']}/coordinate", "zrzy_sun", json={"reason": "属于法定职责所需"})
    returned = api.share("zrzy_sun", "GA-HJ-001", "用途")
    review = api.task_of(returned, "provider_review")
    api.ok("POST", f"/tasks/{review['id']}/claim", "ga_wang")
    api.ok("POST", f"/tasks/{review['id']}/return", "ga_wang", json={"reason": "用途不明确,请补充"})
    api.share("zrzy_sun", "GA-HJ-001", "迟办")
    api.set_clock(at(2026, 3, 18, 10))
    assert api.run_timers() >= 1


def test_list_answers_are_what_their_schemas_would_send(api):
    _varied_cases(api)
    for user in ("zrzy_sun", "ga_wang", "dsj_li", "auditor"):
        requests = api.ok("GET", "/requests", user)
        assert requests["items"], user
        assert RequestList().dump(requests) == requests
        for path in ("/tasks", "/tasks?scope=department", "/tasks?q=GA"):
            tasks = api.ok("GET", path, user)
            assert InboxList().dump(tasks) == tasks
    kinds = {c["kind"] for c in api.ok("GET", "/requests", "auditor")["items"]}
    assert kinds == {"share", "coordination"}
    linked = [c for c in api.ok("GET", "/requests", "auditor")["items"] if c["linked"]]
    assert len(linked) == 2  # the refusal and its coordination, each naming the other
    assert any(t for t in api.ok("GET", "/tasks", "dsj_li")["items"])
