"""Daily work on a request: the applicant's amendment after 退回修改."""
from flask_smorest import Blueprint

from app import auth
from app.api import present
from app.api.schemas import RequestOut
from app.api.schemas_daily import AmendIn
from app.cases import access, handover

blp = Blueprint("casework", __name__, description="办理 Casework")


@blp.post("/requests/<case_id>/amend")
@auth.require()
@blp.arguments(AmendIn)
@blp.response(200, RequestOut)
def amend(body, case_id):
    """The applicant amends a returned request (purpose, legal basis, a note); the review resumes."""
    user = auth.current_user()
    access.case_for_reading(user, case_id)
    return present.case(handover.amend(user, case_id, body))
