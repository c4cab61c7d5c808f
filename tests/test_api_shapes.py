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
    inbox_rows = 0
    for user in ("zrzy_sun", "ga_wang", "dsj_li", "auditor"):
        requests = api.ok("GET", "/requests", user)
        assert requests["items"], user
        assert RequestList().dump(requests) == requests
        for path in ("/tasks", "/tasks?scope=department", "/tasks?q=GA"):
            tasks = api.ok("GET", path, user)
            assert InboxList().dump(tasks) == tasks
            inbox_rows += len(tasks["items"])
    # rows of every kind were compared: an escalated review and its coordination, a returned
    # request's amendment, a coordination of a refusal, overdue and in time
    keys = {t["task_key"] for u in ("ga_wang", "dsj_li", "zrzy_sun") for t in api.ok("GET", "/tasks", u)["items"]}
    assert {"provider_review", "coordinate_overdue", "coordinate_refusal", "applicant_amendment"} <= keys
    assert inbox_rows >= 10
    kinds = {c["kind"] for c in api.ok("GET", "/requests", "auditor")["items"]}
    assert kinds == {"share", "coordination"}
    linked = [c for c in api.ok("GET", "/requests", "auditor")["items"] if c["linked"]]
    assert len(linked) == 2  # the refusal and its coordination, each naming the other


def test_a_case_readable_in_several_ways_is_listed_once(api):
    """scjg_liu's department files and provides SCJG-XY-002: the case is theirs to read in three
    ways (app/cases/lists.py merges them), and shows once, counted once, on every page size."""
    own = api.share("scjg_liu", "SCJG-XY-002", "本局核验")
    api.set_clock(at(2026, 3, 2, 10))  # filed later: listed first
    other = api.share("zrzy_sun", "SCJG-XY-002", "核验")
    listed = api.ok("GET", "/requests", "scjg_liu")
    assert [c["id"] for c in listed["items"]] == [other["id"], own["id"]]
    assert listed["total"] == 2 and listed["total_exact"] is True
    first = api.ok("GET", "/requests?per_page=1", "scjg_liu")
    second = api.ok("GET", "/requests?per_page=1&page=2", "scjg_liu")
    assert [c["id"] for c in first["items"] + second["items"]] == [other["id"], own["id"]]
    assert first["total"] == second["total"] == 2
    assert api.ok("GET", "/requests?per_page=1&page=3", "scjg_liu")["items"] == []
    assert [c["id"] for c in api.ok("GET", "/requests?status=pending", "scjg_liu")["items"]] == [other["id"],
                                                                                                  own["id"]]
