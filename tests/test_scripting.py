"""The restricted BPMN script language: what is refused at deploy time, what runs, and how it
runs inside real SpiffWorkflow.

Pure tests: no Flask, no database, no conftest fixtures.
"""
from __future__ import annotations

import time

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from app.engine.script_check import SAFE_BUILTIN_NAMES, compile_checked
from app.engine.scripting import (BUILTINS, RestrictedEnvironment, ScriptError, check_source,
                                  restricted_script_engine)

REFUSED = [
    ('__import__("os")', "eval"),
    ('__import__("os").system("id")', "exec"),
    ("import os", "exec"),
    ("from os import path", "exec"),
    ("().__class__.__base__.__subclasses__()", "eval"),
    ("x.__class__", "eval"),
    ('getattr(x, "a")', "eval"),
    ('eval("1")', "eval"),
    ('exec("1")', "exec"),
    ('open("/etc/passwd")', "eval"),
    ("while True: pass", "exec"),
    ("def f(): pass", "exec"),
    ("class C: pass", "exec"),
    ("[c for c in ().__class__.__mro__]", "eval"),
    ('"{0.__class__}".format(x)', "eval"),
    ('"{0.__class__}".format_map(x)', "eval"),
    ("f = 'x'.format", "exec"),
    ("'a'*10**9", "eval"),
    ("10**10**10", "eval"),
    ("1 << 10**6", "eval"),
    ("globals()", "eval"),
    ("vars()", "eval"),
    ("locals()", "eval"),
    ("type(x)", "eval"),
    ("x.y = 1", "exec"),
    ("try:\n    pass\nexcept Exception:\n    pass", "exec"),
    ("with x:\n    pass", "exec"),
    ("raise ValueError()", "exec"),
    ("global x", "exec"),
    ("lambda: (yield)", "eval"),
    ("f(*args)", "eval"),
    ("f(**kwargs)", "eval"),
    ("[*a, *a]", "eval"),
    ('f"{x:>1000000000}"', "eval"),
    ('f"{x:{width}}"', "eval"),
    ('"%1000000d" % 1', "eval"),
    ("print(1)", "exec"),
    ("x @ y", "eval"),
    ("lambda _a: 1", "eval"),
    ("x = (", "exec"),
]


@pytest.mark.parametrize("source,mode", REFUSED)
def test_deploy_check_refuses(source, mode):
    with pytest.raises(ScriptError) as err:
        check_source(source, mode)
    assert err.value.line == 1
    assert err.value.message


def test_refusal_names_the_line():
    with pytest.raises(ScriptError) as err:
        check_source("a = 1\nb = 2\nimport os\n", "exec")
    assert err.value.line == 3 and "import" in err.value.message


ALLOWED_EXPRESSIONS = [
    ('decision == "approve"', {"decision": "approve"}, True),
    ('share_type in ("conditional", "none")', {"share_type": "none"}, True),
    ('share_type in ("conditional", "none")', {"share_type": "open"}, False),
    ("0 < amount <= 10", {"amount": 3}, True),
    ("0 < amount <= 10", {"amount": 11}, False),
    ("[i for i in range(9) if 2 < i < 5]", {}, [3, 4]),
    ('"PT" + str(days) + "D"', {"days": 5}, "PT5D"),
    ('f"{amount:>5.1f}|{name!r}"', {"amount": 2, "name": "a"}, "  2.0|'a'"),
    ('"%s-%03d" % (name, amount)', {"name": "a", "amount": 7}, "a-007"),
    ("len([x for x in items if x > 1])", {"items": [1, 2, 3]}, 2),
    ('sorted(items, key=lambda i: -i)[0]', {"items": [1, 3, 2]}, 3),
    ("2 ** 10 + 7 // 2", {}, 1027),
]


@pytest.mark.parametrize("expression,data,expected", ALLOWED_EXPRESSIONS)
def test_allowed_expressions_evaluate(expression, data, expected):
    check_source(expression, "eval")
    assert RestrictedEnvironment().evaluate(expression, dict(data)) == expected


SCRIPT = """
x = a + 1
total = sum([1, 2, 3])
d = {"k": 1}; v = d.get("k")
s = "abc".upper()
doubled = []
for i in [1, 2, 3]:
    doubled.append(i * 2)
pairs = {k: n for k, n in d.items()}
first, *rest = [1, 2, 3]
n = 0
n += 5
joined = "-".join(["a", "b"])
summed = add(a, 40)
"""


def test_allowed_script_sets_task_data_and_leaves_no_helpers():
    check_source(SCRIPT, "exec")
    data = {"a": 2}
    RestrictedEnvironment({"add": lambda p, q: p + q}).execute(SCRIPT, data)
    assert data == {"a": 2, "x": 3, "total": 6, "d": {"k": 1}, "v": 1, "s": "ABC",
                    "doubled": [2, 4, 6], "i": 3, "pairs": {"k": 1}, "n": 5,
                    "first": 1, "rest": [2, 3], "joined": "a-b", "summed": 42}


def test_execute_drops_callables_builtins_and_external_context():
    data = {"a": 1}
    env = RestrictedEnvironment({"add": lambda p, q: p + q})
    env.execute("f = lambda q: q\ng = len\nb = add(a, seen)\n", data, {"seen": 10})
    assert data == {"a": 1, "b": 11}
    assert not any(key.startswith("_") for key in data)


@pytest.mark.parametrize("script", ["r = range(3)", "e = enumerate([1])", "g = (i for i in [1])",
                                    "t = list[int]()\nu = [zip([1], [2])]"])
def test_only_plain_data_is_left_in_task_data(script):
    with pytest.raises(ScriptError, match="cannot be stored"):
        RestrictedEnvironment().execute(script, {})


def test_failed_script_leaves_task_data_unchanged():
    data = {"a": 1}
    with pytest.raises(NameError):
        RestrictedEnvironment().execute("b = 2\nc = missing + 1\n", data)
    assert data == {"a": 1}


def test_task_data_may_not_shadow_a_helper():
    with pytest.raises(ValueError, match="add"):
        RestrictedEnvironment({"add": max}).execute("x = 1", {"add": 3})


@pytest.mark.parametrize("name", ["_private", "eval", "not an identifier"])
def test_helper_names_are_checked(name):
    with pytest.raises(ValueError):
        RestrictedEnvironment({name: max})


def test_unknown_names_allowed_unless_a_name_list_is_given():
    check_source("y = amount * 2", "exec")
    check_source("y = amount * 2 + len(items)", "exec", {"amount", "items"})
    with pytest.raises(ScriptError) as err:
        check_source("y = 1\nz = amount * 2", "exec", {"items"})
    assert err.value.line == 2 and "amount" in err.value.message


def test_builtins_are_the_checked_set_and_common_field_names_stay_usable():
    assert set(BUILTINS) == SAFE_BUILTIN_NAMES
    data = {"format": "csv", "id": 7}
    assert RestrictedEnvironment().evaluate('format == "csv" and id > 3', data) is True
    with pytest.raises(NameError):
        RestrictedEnvironment().evaluate('repr(1)', {})


def test_compiled_code_is_cached():
    assert compile_checked('decision == "x"', "eval") is compile_checked('decision == "x"', "eval")


def test_bpmn_indentation_is_tolerated():
    data = {}
    RestrictedEnvironment().execute("\n        a = 1\n        b = a + 1\n    ", data)
    assert data == {"a": 1, "b": 2}
    assert RestrictedEnvironment().evaluate('\n   "PT1H"\n  ', {}) == "PT1H"


# --- bounded work ----------------------------------------------------------------------------

def test_nested_loops_stop_on_the_step_budget():
    started = time.monotonic()
    with pytest.raises(ScriptError) as err:
        RestrictedEnvironment().execute(
            "x = 0\nfor i in range(10000):\n    for j in range(10000):\n        pass\n", {})
    assert time.monotonic() - started < 1
    assert "steps" in err.value.message and err.value.line in (2, 3)


@pytest.mark.parametrize("script", [
    "y = 'a' * n",
    "y = [0] * n",
    "y = 2 ** n",
    "y = 1 << n",
    "y = 'a'.replace('', 'b' * 1000)\nz = y.replace('', y)",
    "y = ''.join(['a' * 1000] * 1000)",
    "y = sum([[1] * 1000] * 100, [])",
    "y = round(5, -n)",
    "y = range(n)",
    "y = 'ab'\nfor i in range(40):\n    y = y + y",
    "y = [1]\nfor i in range(40):\n    y.extend(y)",
    "y = 2\nfor i in range(40):\n    y = y * y",
    "y = '%*d' % (n, 1)",
    "f = lambda f, k: k and f(f, k - 1) + f(f, k - 1) or 1\ny = f(f, 60)",
])
def test_huge_values_are_refused_at_run_time(script):
    with pytest.raises(ScriptError):
        RestrictedEnvironment().execute(script, {"n": 10**8})


@pytest.mark.parametrize("sink", ["str(x)", 'f"{x}"', "x == y", "0 < 1 < x < y", "sorted([x, y])",
                                  "{}.get(t)", "t in {}", '"%s" % (t,)'])
def test_aliasing_cannot_make_a_small_value_expensive(sink):
    """x = [x, x] sixty times is 60 objects but a 2**60-node tree for str(), ==, hash()."""
    script = ("x = []\ny = []\nt = ()\nfor i in range(60):\n"
              "    x = [x, x]\n    y = [y, y]\n    t = (t, t)\nz = " + sink)
    with pytest.raises(ScriptError):
        RestrictedEnvironment().execute(script, {})


@pytest.mark.parametrize("sink", ["str(x)", 'f"{x}"', '"%s" % (x,)', "sorted(x)"])
def test_repeated_big_strings_cannot_be_formatted_for_free(sink):
    """50 000 references to one 200 000-character string: 10**10 characters if formatted."""
    with pytest.raises(ScriptError, match="steps"):
        RestrictedEnvironment().execute("s = 'a' * 200000\nx = [s] * 50000\ny = " + sink, {})


def test_aliased_result_cannot_reach_task_data():
    with pytest.raises(ScriptError, match="too large"):
        RestrictedEnvironment().execute("x = []\nfor i in range(40):\n    x = [x, x]\n", {})


def test_run_time_attribute_guard_checks_the_actual_type():
    """Statically ``join``/``upper`` are known names; at run time they must fit the object."""
    env = RestrictedEnvironment({"number": lambda: 5})
    with pytest.raises(ScriptError, match="join"):
        env.execute("s = str\nj = s.join", {})
    with pytest.raises(ScriptError, match="upper"):
        env.evaluate("number().upper", {})


# --- inside SpiffWorkflow ---------------------------------------------------------------------

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  id="defs" targetNamespace="http://example.org/bpmn">
  <bpmn:process id="review" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
    <bpmn:scriptTask id="decide" name="Decide">
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="to_refused"/>
    <bpmn:sequenceFlow id="to_granted" sourceRef="gw" targetRef="granted">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_refused" sourceRef="gw" targetRef="refused"/>
    <bpmn:scriptTask id="granted"><bpmn:script>outcome = "granted"</bpmn:script></bpmn:scriptTask>
    <bpmn:scriptTask id="refused"><bpmn:script>outcome = "refused"</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="granted" targetRef="end"/>
    <bpmn:sequenceFlow id="f4" sourceRef="refused" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""

TIMER_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  id="defs" targetNamespace="http://example.org/bpmn">
  <bpmn:process id="wait" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="timer"/>
    <bpmn:intermediateCatchEvent id="timer">
      <bpmn:timerEventDefinition>
        <bpmn:timeDuration>{expression}</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="timer" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""

DECIDE = """
        approved = decision == "approve" and add(score, 1) > 5
        notes = [n.strip().lower() for n in notes if n]
    """
HELPERS = {"add": lambda a, b: a + b}


def _workflow(xml: str, key: str, data: dict, helpers=HELPERS) -> BpmnWorkflow:
    parser = BpmnParser()
    parser.add_bpmn_str(xml.encode("utf-8"), filename=f"{key}.bpmn")
    workflow = BpmnWorkflow(parser.get_spec(key), script_engine=restricted_script_engine(helpers))
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(data)
    return workflow


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.mark.parametrize("decision,score,outcome", [("approve", 7, "granted"),
                                                     ("approve", 2, "refused"),
                                                     ("reject", 9, "refused")])
def test_script_task_and_gateway_run_in_spiff(decision, score, outcome):
    xml = BPMN.format(script=_escape(DECIDE), condition="approved")
    workflow = _workflow(xml, "review", {"decision": decision, "score": score,
                                         "notes": [" A ", "", "B"]})
    workflow.do_engine_steps()
    assert workflow.is_completed()
    data = workflow.last_task.data
    assert data["outcome"] == outcome and data["notes"] == ["a", "b"]
    assert "add" not in data and "__builtins__" not in data
    assert not any(callable(v) for v in data.values())


def test_runaway_script_fails_the_task_instead_of_running():
    script = "for i in range(10000):\n    for j in range(10000):\n        pass"
    workflow = _workflow(BPMN.format(script=script, condition="True"), "review", {})
    started = time.monotonic()
    with pytest.raises(WorkflowTaskException) as err:
        workflow.do_engine_steps()
    assert time.monotonic() - started < 1
    assert err.value.error_type == "ScriptError"
    assert err.value.task.task_spec.name == "decide" and err.value.line_number in (1, 2)


def test_forbidden_gateway_condition_does_not_run_in_spiff():
    xml = BPMN.format(script="x = 1", condition=_escape('__import__("os").getcwd() != ""'))
    workflow = _workflow(xml, "review", {})
    with pytest.raises(WorkflowTaskException) as err:
        workflow.do_engine_steps()
    assert err.value.error_type == "ScriptError"


def test_timer_expression_cannot_import():
    expression = '__import__("os").getcwd()'
    with pytest.raises(ScriptError):
        check_source(expression, "eval")
    with pytest.raises(ScriptError):
        restricted_script_engine().validate(expression)
    workflow = _workflow(TIMER_BPMN.format(expression=_escape(expression)), "wait", {})
    with pytest.raises(WorkflowTaskException) as err:
        workflow.do_engine_steps()
    assert err.value.error_type == "ScriptError"


def test_timer_expression_may_use_data_and_helpers():
    expression = '"PT" + str(add(days, 1)) + "H"'
    restricted_script_engine().validate(expression)
    workflow = _workflow(TIMER_BPMN.format(expression=_escape(expression)), "wait", {"days": 1})
    workflow.do_engine_steps()
    waiting = workflow.get_tasks(state=TaskState.WAITING)
    assert [t.task_spec.bpmn_id for t in waiting] == ["timer"]
