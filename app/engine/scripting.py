"""The restricted script language BPMN models may use, and the SpiffWorkflow engine that runs it.

Plain SpiffWorkflow ``eval``s expressions, so anyone who edits BPMN runs code on the server.
Here every script and expression is first checked and compiled by ``script_check`` (AST pass +
RestrictedPython; cached per source), then runs with RestrictedPython's guard protocol and a
small builtin set -- never RestrictedPython's ``safe_globals`` with plain ``exec``:

* attributes: only whitelisted data methods per type (``ATTRS_BY_TYPE``), never ``_`` names;
* writes: ``full_write_guard`` (only dicts and lists take item assignment);
* builtins: ``len min max sum abs round sorted range str int float bool list dict set tuple
  enumerate zip any all isinstance`` plus the helpers the service passes in.

Bounded work, deterministic (no clock): each run gets a budget of ``max_steps`` steps. A step
is charged per loop/comprehension iteration, call, operator, comparison and f-string value, plus
the size of what they touch: call arguments, compared and formatted values counted as trees (so
aliasing, ``x = [x, x]`` sixty times, cannot make ``str(x)`` or ``x == y`` free), receivers,
results and slices by length (text per 64 characters). ``while``/``def``/``class`` do not exist,
``range`` holds at most 10 000 numbers, and anything that could build a huge value in one go
(``*``, ``**``, ``<<``, ``+``, ``%``, ``str.join``, ``str.replace``, ``sum``, ``round``) is
refused *before* it is computed past the limits in ``script_check``. What a script leaves in
task data is counted as a tree too, so nothing exponential reaches the serializer.
"""
from __future__ import annotations

import traceback
from datetime import date, time, timedelta
from decimal import Decimal
from uuid import UUID

from RestrictedPython.Guards import (full_write_guard, guarded_iter_unpack_sequence,
                                     guarded_unpack_sequence)
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from app.engine.limits import EngineLimit, timer_too_long
from app.engine.script_check import (ATTRS_BY_TYPE, FORBIDDEN_NAMES, MAX_STR_LEN, ScriptError,
                                     check_source, compile_checked, guarded_binop)

__all__ = ["ScriptError", "check_source", "RestrictedEnvironment", "restricted_script_engine"]

DEFAULT_MAX_STEPS = 100_000
MAX_RANGE = 10_000
MAX_DATA_NODES = 200_000     # values a script leaves behind, counted as a tree (no aliasing tricks)
CHARS_PER_STEP = 64
BITS_PER_STEP = 212          # ~64 decimal digits

DATA_TYPES = (type(None), bool, int, float, complex, str, bytes, list, tuple, dict, set,
              frozenset, date, time, timedelta, Decimal, UUID)  # datetime is a date
_SIZED = (list, tuple, dict, set, frozenset, range,
          type({}.keys()), type({}.values()), type({}.items()))
_GUARD_NAMES = frozenset({"_getattr_", "_getitem_", "_getiter_", "_write_", "_inplacevar_",
                          "_iter_unpack_sequence_", "_unpack_sequence_", "_call_", "_binop_",
                          "_compare_", "_compare_chain_", "_format_"})


def _size(value) -> int:
    """Work units a value stands for: items of a container, 64-character chunks of text,
    ~64-digit chunks of a number."""
    if isinstance(value, (str, bytes)):
        return len(value) // CHARS_PER_STEP
    if isinstance(value, _SIZED):
        return len(value)
    if isinstance(value, int):
        return value.bit_length() // BITS_PER_STEP
    return 0


_CONTAINERS = (list, tuple, dict, set, frozenset)


def _deep_size(value, cap: int) -> int:
    """``value`` counted as a tree (what ``str``/``==``/``sorted`` walk), up to ``cap``.

    Aliasing (``x = [x, x]`` repeated, or ``[text] * 50000``) makes a small object a huge
    tree; counting it as one stops such a value from being formatted or compared for free."""
    if not isinstance(value, _CONTAINERS):
        return _size(value)
    stack, count = [value], 0
    while stack and count <= cap:
        item = stack.pop()
        count += len(item)
        if isinstance(item, dict):
            stack.extend(k for k in item if isinstance(k, tuple))
            item = item.values()
        for element in item:
            if isinstance(element, _CONTAINERS):
                stack.append(element)
            else:
                count += _size(element)
    return count


# --- builtins that need a bound ------------------------------------------------------------

def _bounded_range(*args):
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise ScriptError(f"range() may hold at most {MAX_RANGE} numbers")
    return numbers


def _numeric_sum(iterable, start=0):
    """``sum(lists, [])`` would concatenate quadratically: sum adds numbers only."""
    if not isinstance(start, (int, float)):
        raise ScriptError("sum() adds numbers only")
    return sum(iterable, start)


def _safe_round(number, ndigits=None):
    """``round(5, -10**9)`` computes ``10**10**9``: keep ``ndigits`` small."""
    if ndigits is not None and isinstance(ndigits, int) and abs(ndigits) > 100:
        raise ScriptError("round() ndigits must be between -100 and 100")
    return round(number) if ndigits is None else round(number, ndigits)


BUILTINS = {
    "len": len, "min": min, "max": max, "sum": _numeric_sum, "abs": abs, "round": _safe_round,
    "sorted": sorted, "range": _bounded_range, "str": str, "int": int, "float": float,
    "bool": bool, "list": list, "dict": dict, "set": set, "tuple": tuple,
    "enumerate": enumerate, "zip": zip, "any": any, "all": all, "isinstance": isinstance,
}
_CHEAP_CALLS = frozenset(id(f) for f in (len, bool, isinstance, abs))


# --- attribute access ------------------------------------------------------------------------

def _str_join(sep: str):
    def join(items):
        items = list(items)
        total = sum(len(i) for i in items if isinstance(i, str)) + len(sep) * max(len(items) - 1, 0)
        if total > MAX_STR_LEN:
            raise ScriptError(f"join() result too large ({total} > {MAX_STR_LEN} characters)")
        return sep.join(items)
    return join


def _str_replace(text: str):
    def replace(old, new, count=-1):
        if isinstance(old, str) and isinstance(new, str):
            hits = text.count(old) if old else len(text) + 1
            hits = hits if count < 0 else min(hits, count)
            if len(text) + hits * (len(new) - len(old)) > MAX_STR_LEN:
                raise ScriptError(f"replace() result too large (> {MAX_STR_LEN} characters)")
        return text.replace(old, new, count)
    return replace


_STR_WRAPPERS = {"join": _str_join, "replace": _str_replace}


def _allowed_attrs(obj) -> frozenset[str]:
    for types, attrs in ATTRS_BY_TYPE:
        if isinstance(obj, types):
            return attrs
    return frozenset()


def guarded_getattr(obj, name):
    """RestrictedPython's ``_getattr_``: only the whitelist for ``obj``'s type, never ``_``."""
    if not isinstance(name, str) or name.startswith("_") or name not in _allowed_attrs(obj):
        raise ScriptError(f"attribute '{name}' of {type(obj).__name__} is not allowed")
    if isinstance(obj, str) and name in _STR_WRAPPERS:
        return _STR_WRAPPERS[name](obj)
    return getattr(obj, name)


# --- the per-run budget and the guards that charge it ----------------------------------------

_COMPARISONS = {
    "Eq": lambda a, b: a == b, "NotEq": lambda a, b: a != b, "Lt": lambda a, b: a < b,
    "LtE": lambda a, b: a <= b, "Gt": lambda a, b: a > b, "GtE": lambda a, b: a >= b,
    "Is": lambda a, b: a is b, "IsNot": lambda a, b: a is not b,
    "In": lambda a, b: a in b, "NotIn": lambda a, b: a not in b,
}
_HASHED = (dict, set, frozenset)


class _Budget:
    """Steps left for one run; every guard below charges it."""

    def __init__(self, max_steps: int):
        self.limit = self.left = max_steps

    def charge(self, steps: int) -> None:
        self.left -= steps
        if self.left < 0:
            raise ScriptError(f"script stopped after {self.limit} steps "
                              "(too many loop iterations or too much data)")

    def iterate(self, iterable):
        for item in iterable:
            self.charge(1)
            yield item

    def deep(self, value) -> int:
        return _deep_size(value, self.left + 1)

    def getitem(self, obj, key):
        if isinstance(key, tuple):
            self.charge(self.deep(key))
        result = obj[key]
        if isinstance(key, slice):
            self.charge(1 + _size(result))
        return result

    def call(self, func, *args, **kwargs):
        """One step, plus the receiver's length, the arguments as trees, and the result."""
        if id(func) in _CHEAP_CALLS:
            self.charge(1)
        else:
            self.charge(1 + _size(getattr(func, "__self__", None)))
            for arg in (*args, *kwargs.values()):
                self.charge(self.deep(arg))
        result = func(*args, **kwargs)
        self.charge(_size(result))
        return result

    def binop(self, op: str, a, b):
        self.charge(1 + (self.deep(b) if op == "%" else 0))
        result = guarded_binop(op, a, b)
        self.charge(_size(result))
        return result

    def inplace(self, op: str, a, b):
        self.charge(1)
        result = guarded_binop(op[:-1], a, b, inplace=True)
        self.charge(_size(result))
        return result

    def compare(self, op: str, a, b):
        hashed = op in ("In", "NotIn") and isinstance(b, _HASHED)
        self.charge(1 + self.deep(a) + (0 if hashed else self.deep(b)))
        return _COMPARISONS[op](a, b)

    def compare_chain(self, left, *ops_and_thunks):
        """``a < b < c`` with Python's semantics: each operand evaluated once, lazily."""
        result = True
        for op, thunk in zip(ops_and_thunks[::2], ops_and_thunks[1::2]):
            right = thunk()
            result = self.compare(op, left, right)
            if not result:
                return result
            left = right
        return result

    def format(self, value):
        """f-string values: formatting walks the whole value."""
        self.charge(1 + self.deep(value))
        return value

    def guards(self) -> dict:
        return {
            "_getattr_": guarded_getattr, "_getitem_": self.getitem, "_getiter_": self.iterate,
            "_write_": full_write_guard, "_inplacevar_": self.inplace,
            "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
            "_unpack_sequence_": guarded_unpack_sequence,
            "_call_": self.call, "_binop_": self.binop, "_compare_": self.compare,
            "_compare_chain_": self.compare_chain, "_format_": self.format,
        }


def _check_data(values, limit: int = MAX_DATA_NODES, plain: bool = True,
                max_bytes: int | None = None) -> None:
    """Count what a script leaves behind as a tree, so aliasing (``x = [x, x]`` repeated)
    cannot hand an exponentially large value to the serializer (stops at ``limit``); with
    ``plain``, refuse non-data (iterators, ranges, types) rather than fail at save time, and
    refuse dict keys JSON cannot hold (tuples). ``max_bytes`` bounds the text it holds (the
    case's whole serialized state has the same bound, ``DSF_MAX_CASE_DATA``)."""
    stack, count, size = list(values), 0, 0
    while stack:
        value = stack.pop()
        count += 1
        if count > limit:
            raise ScriptError(f"script result too large (more than {limit} values)")
        if plain and not isinstance(value, DATA_TYPES):
            raise ScriptError(f"a {type(value).__name__} cannot be stored in task data")
        if isinstance(value, (str, bytes)):
            size += len(value)
            if max_bytes is not None and size > max_bytes:
                raise EngineLimit(f"script result holds more than {max_bytes} bytes of text")
        if isinstance(value, dict):
            if plain and any(not isinstance(k, (str, int, float, bool, type(None))) for k in value):
                raise ScriptError("task data keys must be text or numbers")
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, (list, tuple, set, frozenset)):
            stack.extend(value)


def _script_line(tb) -> int | None:
    lines = [lineno for frame, lineno in traceback.walk_tb(tb)
             if frame.f_code.co_filename == "<string>"]
    return lines[-1] if lines else None


class _located:
    """Fill in the script line of a ScriptError raised by a guard while the script ran."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if isinstance(exc, ScriptError) and exc.line is None:
            exc.line = _script_line(tb)
        return False


# --- the SpiffWorkflow environment and engine -------------------------------------------------

class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """TaskDataEnvironment's semantics, but checked, guarded and bounded.

    ``execute`` replaces ``context`` (task data) with the script's variables, minus helpers,
    builtins, external context and anything callable; on error ``context`` is left as it was
    (values the script mutated in place excepted).
    """

    def __init__(self, helpers: dict | None = None, max_steps: int = DEFAULT_MAX_STEPS,
                 max_data: int | None = None):
        helpers = dict(helpers or {})
        for name in helpers:
            if not name.isidentifier() or name.startswith("_") or name in FORBIDDEN_NAMES:
                raise ValueError(f"helper name not allowed: {name!r}")
        super().__init__(helpers)
        self.max_steps = max_steps
        self.max_data = max_data
        self._reserved = frozenset(helpers) | _GUARD_NAMES | {"__builtins__"}

    def evaluate(self, expression, context, external_context=None):
        code = compile_checked(expression, "eval")
        namespace = self._namespace(context, external_context or {})
        with _located():
            result = eval(code, namespace)
            _check_data([result], plain=False, max_bytes=self.max_data)
        return result

    def execute(self, script, context, external_context=None):
        external = external_context or {}
        self._check_for_overwrite(context, external)
        code = compile_checked(script, "exec")
        namespace = self._namespace(context, external)
        with _located():
            exec(code, namespace)
            results = {k: v for k, v in namespace.items()
                       if k not in self._reserved and k not in external and not callable(v)}
            _check_data(results.values(), max_bytes=self.max_data)
        context.clear()
        context.update(results)
        return True

    def _namespace(self, context: dict, external: dict) -> dict:
        """Builtins, helpers, external context, task data, then a fresh budget's guards."""
        namespace = {"__builtins__": BUILTINS, **self.globals, **external, **context}
        namespace.update(_Budget(self.max_steps).guards())
        return namespace

    def _check_for_overwrite(self, context: dict, external: dict) -> None:
        """As SpiffWorkflow: task data must not shadow a helper (fail with a clear message)."""
        clash = (set(self.globals) | set(external)) & set(context)
        if clash:
            raise ValueError("task data overwrites predefined function(s); rename: "
                             + ", ".join(sorted(clash)))


class RestrictedScriptEngine(PythonScriptEngine):
    """A PythonScriptEngine whose ``validate`` applies the script-language check."""

    def validate(self, expression):
        check_source(expression, "eval")

    def evaluate(self, task, expression, external_context=None):
        """As SpiffWorkflow, but a timer's text is checked before SpiffWorkflow parses it
        (it counts a duration's months one by one: "P200000Y" would hold the worker)."""
        result = super().evaluate(task, expression, external_context)
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, TimerEventDefinition) and definition.expression == expression:
            problem = timer_too_long(result)
            if problem:
                raise EngineLimit(problem, task.task_spec.bpmn_id or task.task_spec.name)
        return result


def restricted_script_engine(helpers: dict | None = None, max_steps: int = DEFAULT_MAX_STEPS,
                             max_data: int | None = None) -> PythonScriptEngine:
    """The script engine every workflow of the service runs with."""
    return RestrictedScriptEngine(environment=RestrictedEnvironment(helpers, max_steps, max_data))
