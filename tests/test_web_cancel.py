"""An administrator cancels a broken case from its page: a reason is required (the API's
schema), the case ends as cancelled with its task closed, audited, and the replay agrees."""
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from tests.web_support import Pages


def test_the_admin_cancels_a_case_on_its_page_with_a_reason(api):
    case = api.share("zrzy_sun", "GA-HJ-001")
    admin = Pages(api.app, "admin")
    page = admin.text(f"/requests/{case['id']}")
    assert f"/requests/{case['id']}/cancel" in page
    assert f"/requests/{case['id']}/cancel" not in Pages(api.app, "zrzy_sun").text(f"/requests/{case['id']}")

    without = admin.post(f"/requests/{case['id']}/cancel", {"reason": ""})
    assert without.status_code == 302
    assert api.ok("GET", f"/requests/{case['id']}", "admin")["status"] == "pending"  # nothing changed

    done = admin.post(f"/requests/{case['id']}/cancel", {"reason": "模型故障,无法继续办理"})
    assert done.status_code == 302
    after = api.ok("GET", f"/requests/{case['id']}", "admin")
    assert after["status"] == "cancelled" and after["open_tasks"] == []
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case["id"],
                                                        AuditEvent.type == "case_cancelled")).one()
    assert event.actor == "admin" and event.data["reason"] == "模型故障,无法继续办理"
    db.session.remove()
    assert api.ok("POST", f"/requests/{case['id']}/replay", "auditor")["consistent"] is True
    refused = Pages(api.app, "zrzy_sun").post(f"/requests/{case['id']}/cancel", {"reason": "x"})
    assert refused.status_code == 403
