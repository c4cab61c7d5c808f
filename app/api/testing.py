"""The testing clock (only registered with DSF_FAKE_CLOCK=1)."""
from flask_smorest import Blueprint

from app.api.schemas import ClockIn, ClockOut, FiredOut
from app.services import clock

blp = Blueprint("testing", __name__, description="测试时钟 Testing clock")


@blp.get("/testing/clock")
@blp.response(200, ClockOut)
def get_clock():
    return {"now": clock().now().isoformat()}


@blp.post("/testing/clock")
@blp.arguments(ClockIn)
@blp.response(200, ClockOut)
def set_clock(body):
    clock().set(body["now"])
    return {"now": clock().now().isoformat()}


@blp.post("/testing/run-due-timers")
@blp.response(200, FiredOut)
def run_due_timers():
    """Fire every timer due at the current clock, synchronously."""
    from app.timers.runner import run_due

    return {"fired": run_due(owner="testing-endpoint")}
