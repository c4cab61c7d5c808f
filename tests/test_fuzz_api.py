"""Property-based fuzzing of the whole OpenAPI document (schemathesis), as every role.

Operations are discovered from /api/v1/openapi.json, so endpoints added later are fuzzed too.
Valid and invalid inputs alike must never yield a 5xx; answers to valid inputs must match
the documented response schemas where one is documented. No stateful phase: flask-smorest
writes no OpenAPI links, so schemathesis has no operation chains to follow."""
from __future__ import annotations

import time
from datetime import datetime

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from tests.support import SHANGHAI  # noqa: E402

ROLES = {"admin": "admin", "applicant": "zrzy_sun", "approver": "ga_wang", "authority": "dsj_li",
         "auditor": "auditor", "citizen": "citizen_he"}
EXAMPLES = 6           # per operation, role and generation mode
BUDGET_SECONDS = 150   # the whole run stops generating after this (every operation gets a turn)
HUGE = 10 ** 30
START = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def _fuzz(operation, headers: dict, reset, failures: list, deadline: float) -> int:
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                         operation.as_strategy(GenerationMode.NEGATIVE))
    calls, probed = [], []

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    @given(case=strategy)
    def run(case):
        if time.monotonic() > deadline:
            return
        response = case.call(headers=dict(headers))
        calls.append(response.status_code)
        reset()
        huge = {k: HUGE for k, v in (case.query or {}).items() if type(v) is int}
        if huge and not probed:  # hypothesis seldom draws huge numbers: probe each operation once
            probed.append(True)
            big = case.call(headers=dict(headers), params=huge)
            reset()
            if big.status_code >= 500:
                failures.append(f"{big.status_code} {case.method} {case.formatted_path} query={huge}")
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {case.method} {case.formatted_path} "
                            f"query={case.query} body={str(case.body)[:200]}")
            return
        if case.meta is None or case.meta.generation.mode == GenerationMode.POSITIVE:
            try:
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
            except BaseExceptionGroup as exc:  # schemathesis raises a group of check failures
                failures.append(f"nonconforming {response.status_code} {case.method} {case.formatted_path}: "
                                + "; ".join(str(e).splitlines()[0] for e in exc.exceptions))

    run()
    return len(calls)


def test_no_operation_answers_5xx_for_any_role(api):
    tokens = {role: api.token(user) for role, user in ROLES.items()}
    clock = api.app.extensions["dsf_clock"]
    operations = _operations(api.app)
    assert len(operations) >= 30  # the document is read whole (it is valid, or loading fails)
    failures: list[str] = []
    deadline = time.monotonic() + BUDGET_SECONDS
    calls = 0
    for token in tokens.values():
        for operation in operations:
            # the clock may be moved by /testing/clock: bring it back so tokens stay valid
            calls += _fuzz(operation, {"Authorization": f"Bearer {token}"},
                           lambda: clock.set(START), failures, deadline)
    print(f"fuzzed {len(operations)} operations as {len(ROLES)} roles: {calls} calls")
    assert calls >= len(operations) * len(ROLES), calls
    assert not failures, "\n".join(sorted(set(failures))[:40])
