"""The live projection and the replay take one decision (``derive``): a difference between
what a command writes and what the replay expects cannot come from two copies of the rule."""
from types import SimpleNamespace

import pytest

from app.audit.replay_checks import Diverged, ProjectedState
from app.cases.definitions import version
from app.cases.projection import derive
from app.engine.runner import Snapshot

PAUSED = {"key": "open_data_reply", "name": "答复", "started_on": "2026-03-02", "due_date": "2026-03-30",
          "state": "paused", "working_days": 20}
RUNNING = {**PAUSED, "state": "running"}


def _snap(clock: dict) -> Snapshot:
    return Snapshot(ready_user_tasks=[("s-1", "open_data_review")], sla={"open_data_reply": clock})


def _created(due_date):
    return SimpleNamespace(type="task_created", element="open_data_review", seq=2,
                           data={"task": "row-1", "department": "ZFXX", "role": "approver", "due_date": due_date})


@pytest.mark.parametrize("clock, due", [(PAUSED, None), (RUNNING, "2026-03-30")])
def test_a_task_on_a_paused_clock_has_no_due_date_live_and_in_the_replay(api, clock, due):
    definition = version("open_data_request")
    lanes = {lane["lane"]: "ZFXX" for lane in definition.elements.values() if lane.get("lane")}
    live = derive(definition.elements, lanes, "pending", None, {}, _snap(clock))
    [(spiff_id, facts)] = live.created
    assert spiff_id == "s-1" and (facts.due_date.isoformat() if facts.due_date else None) == due
    # the replay accepts exactly what the live command recorded ...
    state = ProjectedState()
    state.project(definition, SimpleNamespace(kind="open_data", lanes=lanes), _snap(clock),
                  SimpleNamespace(outputs=[_created(due)]), 2)
    assert [t.due_date for t in state.open_tasks()] == [due]
    # ... and reports a recorded due date the rule does not give (the drift it once had)
    other = "2026-03-30" if due is None else None
    with pytest.raises(Diverged) as found:
        ProjectedState().project(definition, SimpleNamespace(kind="open_data", lanes=lanes), _snap(clock),
                                 SimpleNamespace(outputs=[_created(other)]), 2)
    assert found.value.body["what"] == "task_created"
