"""The catalog's pages: the admin edits with a reason; a provider proposes a change or a new
entry and the authority reviews it in the inbox; an emergency is asked for on the entry's page
and takes effect when the city authority approves it (Flask test client)."""
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, HumanTask, Resource, ResourceVersion
from tests.web_support import Pages

ENTRY = {"name": "人口户籍基础信息", "share_type": "conditional", "share_conditions": "仅限履行法定职责所需,不得向第三方提供",
         "legal_basis": "《中华人民共和国居民身份证法》第十三条", "open_type": "closed", "security_level": "一般",
         "update_cycle": "每日", "on_platform": "on"}


def _one(query):
    row = db.session.scalar(query)
    db.session.remove()
    return row


def _versions(code: str) -> list[int]:
    rows = db.session.scalars(select(ResourceVersion.version).join(Resource, Resource.id == ResourceVersion.resource_id)
                              .where(Resource.code == code).order_by(ResourceVersion.version)).all()
    db.session.remove()
    return list(rows)


def _open_task(key: str) -> str:
    return _one(select(HumanTask.id).where(HumanTask.task_key == key, HumanTask.state == "open"))


def test_the_admin_registers_and_edits_with_a_reason(demo):
    admin = Pages(demo, "admin")
    missing = admin.post("/admin/catalog", {"code": "GA-NEW", "name": "新资源", "provider": "DY-GA",
                                            "share_type": "conditional", "open_type": "closed"})
    assert missing.status_code == 422 and "有条件共享的资源必须填写共享条件和依据" in missing.get_data(as_text=True)
    assert admin.post("/admin/catalog", {"code": "GA-NEW", "name": "新资源", "provider": "DY-GA",
                                         "share_type": "conditional", "share_conditions": "仅限办案",
                                         "legal_basis": "某法第一条", "open_type": "closed",
                                         "on_platform": "on", "reason": "补录"}).status_code == 302
    assert _one(select(Resource).where(Resource.code == "GA-NEW")).on_platform is True
    edit = {"name": "新资源(改)", "share_type": "none", "legal_basis": "某法", "open_type": "closed"}
    assert admin.post("/admin/catalog/GA-NEW", edit).status_code == 422  # no reason
    assert admin.post("/admin/catalog/GA-NEW", {**edit, "reason": "依法调整"}).status_code == 302
    entry = _one(select(Resource).where(Resource.code == "GA-NEW"))
    assert entry.share_type == "none" and entry.share_conditions is None
    assert _versions("GA-NEW") == [1, 2]
    event = _one(select(AuditEvent).where(AuditEvent.type == "resource_changed").order_by(AuditEvent.seq.desc()))
    assert event.data["reason"] == "依法调整" and event.data["after"]["share_type"] == "none"
    assert 'data-version="2"' in admin.text("/admin/catalog/GA-NEW")


def test_a_provider_proposes_a_change_the_authority_reviews_it_and_a_version_is_published(demo):
    provider = Pages(demo, "ga_wang")
    page = provider.text("/admin/catalog/GA-HJ-001")
    assert "申请变更目录信息" in page and 'data-version="1"' in page
    resp = provider.post("/admin/catalog/GA-HJ-001", {**ENTRY, "open_type": "on_request", "reason": "拟依申请开放"})
    assert resp.status_code == 302 and "/requests/" in resp.headers["Location"]
    case_page = provider.text(resp.headers["Location"])
    assert "目录变更" in case_page and "依申请开放" in case_page
    assert _one(select(Resource).where(Resource.code == "GA-HJ-001")).open_type == "closed"

    authority = Pages(demo, "dsj_li")
    review = _open_task("catalog_review")
    assert "目录审核汇总" in authority.text("/inbox")
    assert authority.post(f"/tasks/{review}/complete", {"decision": "return"}).status_code == 422
    assert authority.post(f"/tasks/{review}/complete", {"decision": "approve", "confirm": "1"}).status_code == 302
    security = _open_task("security_review")
    assert authority.post(f"/tasks/{security}/complete", {"decision": "approve", "confirm": "1"}).status_code == 302
    assert _one(select(Resource).where(Resource.code == "GA-HJ-001")).open_type == "on_request"
    assert _versions("GA-HJ-001") == [1, 2]
    assert 'data-version="2"' in provider.text("/admin/catalog/GA-HJ-001")


def test_a_provider_proposes_a_new_entry(demo):
    provider = Pages(demo, "ga_wang")
    page = provider.text("/admin/catalog")
    assert "申请新增资源" in page and 'option value="DY-GS"' not in page  # only its own department
    resp = provider.post("/admin/catalog", {"code": "GA-NEW", "name": "新资源", "provider": "DY-GA",
                                            "share_type": "none", "legal_basis": "某法", "open_type": "closed",
                                            "reason": "编制目录"})
    assert resp.status_code == 302
    assert "新增资源" in provider.text(resp.headers["Location"])
    assert _one(select(Resource).where(Resource.code == "GA-NEW")) is None
    assert Pages(demo, "dsj_li").post(f"/tasks/{_open_task('catalog_review')}/complete",
                                      {"decision": "approve", "confirm": "1"}).status_code == 302
    assert _versions("GA-NEW") == [1]


def test_an_emergency_asked_on_the_page_takes_effect_when_the_city_authority_approves(demo):
    county = Pages(demo, "kl_dsj_zhao")
    page = county.text("/admin/catalog/GA-ZDRY-002")
    assert "申请变更目录信息" not in page and "突发事件临时调整共享属性" in page
    tighter = county.post("/admin/catalog/GA-ZDRY-002/emergency", {"share_type": "none", "until": "2026-03-10",
                                                                  "reason": "应急"})
    assert tighter.status_code == 422 and "只能放宽" in tighter.get_data(as_text=True)
    resp = county.post("/admin/catalog/GA-ZDRY-002/emergency", {"share_type": "unconditional",
                                                               "until": "2026-03-10", "reason": "防汛应急"})
    assert resp.status_code == 302
    assert "临时调整为" not in county.text("/admin/catalog/GA-ZDRY-002")
    city = Pages(demo, "dsj_li")
    assert city.post(f"/tasks/{_open_task('emergency_review')}/complete", {"decision": "approve", "confirm": "1"}).status_code == 302
    assert "临时调整为「无条件共享」至 2026-03-10" in county.text("/admin/catalog/GA-ZDRY-002")
