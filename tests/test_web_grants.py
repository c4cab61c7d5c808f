"""Grants on the pages: the using and the providing department list them, the provider's
approver revokes with a reason (same command as the API), the case page shows its grant."""
import re

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Grant
from tests.web_support import Pages


def _rows(page: str) -> dict[str, str]:
    return dict((g, s) for g, s in re.findall(r'<tr data-grant="(\w+)" data-state="(\w+)"', page))


def test_grants_page_lists_used_and_provided_grants_and_the_provider_revokes(api):
    case = api.share("zrzy_sun", "SCJG-QY-001", purpose="核验企业登记")
    grant = db.session.scalar(select(Grant.id).where(Grant.case_id == case["id"]))
    db.session.remove()
    user = Pages(api.app, "zrzy_sun").text("/grants")
    assert _rows(user) == {grant: "active"} and "核验企业登记" in user and "撤销授权" not in user
    assert _rows(Pages(api.app, "ga_wang").text("/grants")) == {}  # neither user nor provider
    provider = Pages(api.app, "scjg_liu")
    page = provider.text("/grants")
    assert _rows(page) == {grant: "active"} and f'/grants/{grant}/revoke' in page
    empty = provider.post(f"/grants/{grant}/revoke", {"reason": "", "next": "/grants"})
    assert empty.status_code == 302 and _rows(provider.text("/grants")) == {grant: "active"}
    done = provider.post(f"/grants/{grant}/revoke", {"reason": "超范围使用", "next": "//evil.example/x"})
    assert done.status_code == 302 and done.headers["Location"] == "/grants"  # never an open redirect
    assert _rows(provider.text("/grants?state=revoked")) == {grant: "revoked"}
    assert _rows(provider.text("/grants?state=active")) == {}
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.type == "grant_revoked")).all()
    assert (event.actor, event.data["reason"]) == ("scjg_liu", "超范围使用")
    db.session.remove()
    case_page = Pages(api.app, "zrzy_sun").text(f"/requests/{case['id']}")
    assert _rows(case_page) == {grant: "revoked"} and "超范围使用" in case_page
    assert Pages(api.app, "zrzy_sun").post(f"/grants/{grant}/revoke", {"reason": "x"}).status_code == 403
