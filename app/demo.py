"""A demo data set for a newcomer's first run: departments, a user per role, a catalog."""
from __future__ import annotations

import os

from sqlalchemy import select

from app.cases.uow import UnitOfWork
from app.extensions import db
from app.catalog import commands as catalog
from app.identity import NewPassword, create_department, create_user
from app.models import User

DEPARTMENTS = [
    ("DY-DSJ", "东营市大数据局", "authority", "东营市"),
    ("KL-DSJ", "垦利区大数据局", "authority", "垦利区"),
    ("DY-GA", "东营市公安局", "government", "东营市"),
    ("DY-SCJG", "东营市市场监督管理局", "government", "东营市"),
    ("DY-ZRZY", "东营市自然资源和规划局", "government", "东营市"),
    ("DY-GS", "东营市供水公司", "public_service", "东营市"),
    ("KL-MZ", "垦利区民政局", "government", "垦利区"),
]
USERS = [
    ("admin", "平台管理员", None, ["admin"]),
    ("auditor", "审计员", None, ["auditor"]),
    ("dsj_li", "李主任(市大数据局)", "DY-DSJ", ["authority"]),
    ("kl_dsj_zhao", "赵科长(垦利区大数据局)", "KL-DSJ", ["authority"]),
    ("ga_wang", "王审核(市公安局)", "DY-GA", ["approver"]),
    ("ga_chen", "陈审核(市公安局)", "DY-GA", ["approver"]),
    ("scjg_liu", "刘申请(市市场监管局)", "DY-SCJG", ["applicant", "approver"]),
    ("zrzy_sun", "孙申请(市自然资源和规划局)", "DY-ZRZY", ["applicant"]),
    ("gs_zhou", "周审核(市供水公司)", "DY-GS", ["approver"]),
    ("kl_mz_wu", "吴申请(垦利区民政局)", "KL-MZ", ["applicant"]),
    ("citizen_he", "何市民", None, ["citizen"]),
]
RESOURCES = [
    # code, name, provider, share_type, conditions, legal_basis, open_type, on_platform
    ("GA-HJ-001", "人口户籍基础信息", "DY-GA", "conditional", "仅限履行法定职责所需,不得向第三方提供",
     "《中华人民共和国居民身份证法》第十三条", "closed", True),
    ("GA-ZDRY-002", "重点人员管控信息", "DY-GA", "none", None, "《中华人民共和国保守国家秘密法》第二十九条",
     "closed", True),
    ("SCJG-QY-001", "市场主体登记信息", "DY-SCJG", "unconditional", None, None, "unconditional", True),
    ("SCJG-XY-002", "企业信用监管信息", "DY-SCJG", "conditional", "用于信用联合奖惩", "《企业信息公示暂行条例》第十条",
     "on_request", False),
    ("ZRZY-BDC-001", "不动产登记信息", "DY-ZRZY", "conditional", "用于不动产相关行政审批",
     "《不动产登记暂行条例》第二十七条", "on_request", True),
    ("GS-YS-001", "居民用水信息", "DY-GS", "unconditional", None, None, "closed", False),
]


def demo_password() -> str:
    """Demo accounts only: never load this data set into a production database."""
    return os.environ.get("DSF_DEMO_PASSWORD", "demo-pass-2026")


def load() -> bool:
    """Load the demo data set into an empty database; False when users already exist."""
    if db.session.scalar(select(User.id).limit(1)) is not None:
        return False
    password = NewPassword.of(demo_password())  # one hash for every demo account
    with UnitOfWork("system:demo") as uow:
        for code, name, kind, region in DEPARTMENTS:
            create_department(uow, code, name, kind, region)
        for username, display, dept, roles in USERS:
            create_user(uow, username, password, display, dept, roles, via="demo")
    with UnitOfWork("system:demo") as uow:  # the demo catalog as published: each entry's version 1
        for code, name, provider, share, cond, basis, open_type, on_platform in RESOURCES:
            catalog.create(uow, {"code": code, "name": name, "provider": provider, "share_type": share,
                                 "share_conditions": cond, "legal_basis": basis, "open_type": open_type,
                                 "security_level": "一般", "update_cycle": "每日", "on_platform": on_platform},
                           reason="演示数据")
    return True


def accounts() -> list[tuple[str, str, str]]:
    return [(u, d, ",".join(r)) for u, d, _dept, r in USERS]
