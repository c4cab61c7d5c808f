"""Bounded work per command: engine steps, loop rounds and multi-instance cardinality, timer
durations, the size of the stored state. A deployed model is code the service runs; these
bounds keep one model from holding a worker (or the case row) for long.

Past a limit the command fails with ``EngineLimit`` (422 ``engine_limit`` naming the element);
the unit of work rolls back, so nothing is stored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MAX_TIMER_YEARS = 10
_DAYS_IN = {"Y": 366, "M": 31, "W": 7, "D": 1}           # upper bounds, for a "≤ 10 years" check
_SECONDS_IN = {"H": 3600, "M": 60, "S": 1}
_NUMBER = r"(\d{1,40}(?:[.,]\d{1,40})?)"
_DURATION = re.compile(rf"P(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
                       rf"(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?", re.IGNORECASE)


class EngineFailure(Exception):
    """A model failed while running (a script error, a missing variable)."""

    code = "engine_error"

    def __init__(self, problem: str, element: str | None = None):
        super().__init__(problem)
        self.problem = problem
        self.element = element


class EngineLimit(EngineFailure):
    """A model or command went past one of the bounds of ``Limits``."""

    code = "engine_limit"


@dataclass(frozen=True)
class Limits:
    max_steps: int = 10_000        # engine steps (automatic tasks run) per command
    max_instances: int = 200       # loop rounds and multi-instance cardinality
    max_data: int = 1024 * 1024    # bytes of serialized workflow state

    @classmethod
    def from_config(cls, config) -> Limits:
        return cls(int(config.get("DSF_MAX_ENGINE_STEPS", cls.max_steps)),
                   int(config.get("DSF_MAX_INSTANCES", cls.max_instances)),
                   int(config.get("DSF_MAX_CASE_DATA", cls.max_data)))


def duration_days(text: str) -> float | None:
    """An upper bound, in days, of the ISO 8601 durations in a timer's text (a duration
    ``P…``, or the durations of a cycle ``R…/…``); None when there is none. Read with a
    bounded regex before SpiffWorkflow parses it (which counts months one by one)."""
    longest = None
    for part in str(text).strip().split("/"):
        match = _DURATION.fullmatch(part.strip())
        if match is None or not any(match.groups()):
            continue
        date_part = zip("YMWD", match.groups()[:4])
        time_part = zip("HMS", match.groups()[4:])
        days = sum(float(v.replace(",", ".")) * _DAYS_IN[u] for u, v in date_part if v)
        days += sum(float(v.replace(",", ".")) * _SECONDS_IN[u] for u, v in time_part if v) / 86400
        longest = days if longest is None else max(longest, days)
    return longest


def timer_too_long(text) -> str | None:
    """The problem with a timer's text, or None when it is within ten years."""
    if not isinstance(text, str):
        return None
    days = duration_days(text[:200])
    if len(text) > 200 or (days is not None and days > MAX_TIMER_YEARS * 366):
        return f"timer duration longer than {MAX_TIMER_YEARS} years: {text[:60]!r}"
    return None


class StepBudget:
    """Counts the engine steps of one command and the rounds of the loops they run."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.left = limits.max_steps
        self.runs: dict[str, int] = {}

    def __call__(self, task) -> None:
        """SpiffWorkflow's ``will_complete_task`` callback (and called for completed user tasks).

        An element run more than ``max_instances`` times in one command is a loop going round
        (a gateway cycle): refused early, as SpiffWorkflow's work per step grows with the tree."""
        element = task.task_spec.bpmn_id or task.task_spec.name
        self.left -= 1
        if self.left < 0:
            raise EngineLimit(f"more than {self.limits.max_steps} engine steps in one command", element)
        self.runs[element] = self.runs.get(element, 0) + 1
        if self.runs[element] > self.limits.max_instances:
            raise EngineLimit(f"more than {self.limits.max_instances} loop rounds in one command", element)
        iteration = task.internal_data.get("iteration")
        if isinstance(iteration, int) and iteration >= self.limits.max_instances:
            owner = task.parent.task_spec if task.parent is not None else task.task_spec
            raise EngineLimit(f"more than {self.limits.max_instances} loop rounds",
                              owner.bpmn_id or owner.name)


def bound_multi_instances(spec, limits: Limits) -> None:
    """Wrap each multi-instance task spec so its cardinality (or input collection) is checked
    before SpiffWorkflow creates one child per instance."""
    from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask

    for task_spec in spec.task_specs.values():
        if isinstance(task_spec, MultiInstanceTask) and "_update_hook" not in vars(task_spec):
            task_spec._update_hook = _bounded_update(task_spec, task_spec._update_hook, limits)


def _bounded_update(task_spec, original, limits: Limits):
    def update(my_task):
        my_task._inherit_data()  # what the original does first: the collection may come from upstream
        if task_spec.data_input is not None:
            collection = task_spec.data_input.get(my_task)
            count = len(collection) if hasattr(collection, "__len__") else None
        else:
            count = my_task.workflow.script_engine.evaluate(my_task, task_spec.cardinality)
        if not isinstance(count, int) or count > limits.max_instances:
            raise EngineLimit(f"multi-instance cardinality {count!r} is over {limits.max_instances}",
                              task_spec.bpmn_id or task_spec.name)
        return original(my_task)
    return update
