"""The static half of the BPMN script language: what a script may say, checked at deploy time.

A source passes two gates before it can ever run:

1. our own AST pass (clear messages, with the line): no imports, ``while``, ``def``/``class``,
   ``try``/``with``/``raise``/``match``, ``global``/``nonlocal``, ``yield``/``await``, no
   ``*``/``**`` unpacking outside assignment targets, no name or attribute starting with ``_``,
   no dangerous builtin names (``eval``, ``open``, ``getattr``, ``type`` ...), only whitelisted
   attribute names (plain data methods; never ``format``, which reaches attributes through its
   format string), f-string format specs constant and below 1000, and constant arithmetic folded
   through the same size guard the runtime uses (so ``'a' * 10**9`` or ``10**10**10`` fail here);
2. RestrictedPython's ``compile_restricted`` with a policy that also routes every call, binary
   operator, comparison and f-string value through runtime guards (``_call_``, ``_binop_``,
   ``_compare_``/``_compare_chain_``, ``_format_``), so ``scripting.py`` can charge a step
   budget and refuse huge values before they are built.

``lambda`` is allowed (``sorted(key=...)``): every call is charged, so recursion is bounded too.
Names a script reads but never assigns are task data, unknown at deploy time, so they are
allowed unless the caller passes ``allowed_names`` (then they must be in it).
"""
from __future__ import annotations

import ast
import functools
import operator
import re
import textwrap
from datetime import date, datetime, time, timedelta

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.transformer import RestrictingNodeTransformer

MAX_SOURCE_CHARS = 50_000
MAX_INT_BITS = 4096          # ~1230 decimal digits: far beyond any amount or count
MAX_STR_LEN = 200_000        # characters in a string a script builds by an operator or method
MAX_ITEMS = 100_000          # items in a list/tuple a script builds by an operator

SAFE_BUILTIN_NAMES = frozenset({
    "len", "min", "max", "sum", "abs", "round", "sorted", "range", "str", "int", "float", "bool",
    "list", "dict", "set", "tuple", "enumerate", "zip", "any", "all", "isinstance",
})

# Refused even as task-data names, for a clear message: none of them is a builtin here anyway
# (the runtime offers only SAFE_BUILTIN_NAMES), so common field names like ``id`` or ``format``
# stay usable.
FORBIDDEN_NAMES = frozenset({
    "exec", "eval", "open", "getattr", "setattr", "delattr", "hasattr", "compile", "globals",
    "locals", "vars", "breakpoint", "input", "memoryview", "type", "object", "super", "dir",
    "help", "exit", "quit", "print", "printed", "builtins",
})

_STR_ATTRS = frozenset({
    "capitalize", "casefold", "count", "endswith", "find", "index", "isalnum", "isalpha",
    "isdecimal", "isdigit", "islower", "isnumeric", "isspace", "istitle", "isupper", "join",
    "lower", "lstrip", "partition", "removeprefix", "removesuffix", "replace", "rfind", "rindex",
    "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase",
    "title", "upper",
})
_DICT_ATTRS = frozenset({"clear", "copy", "get", "items", "keys", "pop", "setdefault", "update",
                         "values"})
_LIST_ATTRS = frozenset({"append", "clear", "copy", "count", "extend", "index", "insert", "pop",
                         "remove", "reverse", "sort"})
_SET_ATTRS = frozenset({"add", "clear", "copy", "difference", "discard", "intersection",
                        "issubset", "issuperset", "remove", "union"})
_DATE_ATTRS = frozenset({"year", "month", "day", "weekday", "isoweekday", "isoformat",
                         "strftime", "replace"})
_TIME_ATTRS = frozenset({"hour", "minute", "second", "microsecond", "isoformat", "strftime",
                         "replace"})

# First isinstance match wins (datetime before date, bool is never looked up: ints have none).
ATTRS_BY_TYPE: tuple[tuple[type | tuple[type, ...], frozenset[str]], ...] = (
    (str, _STR_ATTRS),
    (dict, _DICT_ATTRS),
    (list, _LIST_ATTRS),
    (tuple, frozenset({"count", "index"})),
    ((set, frozenset), _SET_ATTRS),
    (datetime, _DATE_ATTRS | _TIME_ATTRS | {"date", "time"}),
    (date, _DATE_ATTRS),
    (time, _TIME_ATTRS),
    (timedelta, frozenset({"days", "seconds", "microseconds", "total_seconds"})),
)
ALLOWED_ATTRS = frozenset().union(*(attrs for _, attrs in ATTRS_BY_TYPE))

_REFUSED_NODES: dict[type, str] = {
    ast.Import: "imports are not allowed",
    ast.ImportFrom: "imports are not allowed",
    ast.While: "while loops are not allowed (loop with for over a list or range)",
    ast.FunctionDef: "function definitions are not allowed",
    ast.AsyncFunctionDef: "function definitions are not allowed",
    ast.ClassDef: "class definitions are not allowed",
    ast.Global: "global/nonlocal are not allowed",
    ast.Nonlocal: "global/nonlocal are not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.Await: "await is not allowed",
    ast.AsyncFor: "async is not allowed",
    ast.AsyncWith: "async is not allowed",
    ast.Try: "try/except is not allowed",
    ast.TryStar: "try/except is not allowed",
    ast.With: "with is not allowed",
    ast.Raise: "raise is not allowed (use assert)",
    ast.Match: "match is not allowed",
}

_BINOP_SYMBOLS = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
    ast.Pow: "**", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|", ast.BitXor: "^",
    ast.BitAnd: "&",
}
_OPERATORS = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "//": operator.floordiv, "%": operator.mod, "**": operator.pow, "<<": operator.lshift,
    ">>": operator.rshift, "|": operator.or_, "^": operator.xor, "&": operator.and_,
}
_INPLACE_OPERATORS = {
    "+": operator.iadd, "-": operator.isub, "*": operator.imul, "/": operator.itruediv,
    "//": operator.ifloordiv, "%": operator.imod, "**": operator.ipow, "<<": operator.ilshift,
    ">>": operator.irshift, "|": operator.ior, "^": operator.ixor, "&": operator.iand,
}
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_BIG_NUMBER = re.compile(r"\d{4,}")


class ScriptError(Exception):
    """A script or expression that is refused (deploy time) or stopped (run time)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)  # SpiffWorkflow reads args[0] and adds the line itself
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return self.message if self.line is None else f"line {self.line}: {self.message}"


# --- size guards shared by constant folding (deploy) and _binop_ (run time) -----------------

def _is_int(value) -> bool:
    return isinstance(value, int)


def _check_len(length: int, limit: int) -> None:
    if length > limit:
        raise ScriptError(f"result too large ({length} > {limit} items/characters)")


def _seq_limit(value) -> int | None:
    if isinstance(value, (str, bytes)):
        return MAX_STR_LEN
    if isinstance(value, (list, tuple)):
        return MAX_ITEMS
    return None


def _check_repeat(a, b) -> None:
    """``seq * n``: the result length is known before it is built."""
    seq, n = (a, b) if _seq_limit(a) is not None else (b, a)
    if _seq_limit(seq) is not None and _is_int(n):
        _check_len(len(seq) * max(n, 0), _seq_limit(seq))
    elif _is_int(a) and _is_int(b):
        _check_bits(a.bit_length() + b.bit_length())


def _check_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise ScriptError(f"number too large (about {bits} bits > {MAX_INT_BITS})")


def _check_pow(a, b) -> None:
    if _is_int(a) and _is_int(b) and b > 0 and abs(a) > 1:
        _check_bits(a.bit_length() * b)


def _check_add(a, b) -> None:
    limit = _seq_limit(a)
    if limit is not None and type(a) is type(b):
        _check_len(len(a) + len(b), limit)


def _check_percent(fmt, _args) -> None:
    """``'%9999999d' % 1`` would allocate the width: keep widths and precisions small."""
    if isinstance(fmt, bytes):
        raise ScriptError("%-formatting of bytes is not allowed")
    if not isinstance(fmt, str):
        return
    for width, precision in _PERCENT_SPEC.findall(fmt):
        for part in (width, precision):
            if part == "*" or len(part) > 3:
                raise ScriptError("%-format width/precision must be a literal below 1000")


def _check_shift(a, b) -> None:
    if _is_int(a) and _is_int(b) and a:
        _check_bits(a.bit_length() + b)


_PRECHECKS = {"*": _check_repeat, "**": _check_pow, "+": _check_add, "%": _check_percent,
              "<<": _check_shift}


def guarded_binop(op: str, a, b, inplace: bool = False):
    """``a <op> b`` refused before it is computed if its result would be huge."""
    check = _PRECHECKS.get(op)
    if check is not None:
        check(a, b)
    result = (_INPLACE_OPERATORS if inplace else _OPERATORS)[op](a, b)
    if _is_int(result):
        _check_bits(result.bit_length())
    return result


# --- the static AST pass ----------------------------------------------------------------

class _NotConstant(Exception):
    pass


class _Checker(ast.NodeVisitor):
    """Walks every node once; raises ScriptError at the first refused construct."""

    def __init__(self):
        self._folded: dict[int, object] = {}

    def generic_visit(self, node):
        message = _REFUSED_NODES.get(type(node))
        if message:
            self._refuse(node, message)
        super().generic_visit(node)

    @staticmethod
    def _refuse(node, message: str):
        raise ScriptError(message, getattr(node, "lineno", None))

    def visit_Name(self, node: ast.Name):
        if node.id.startswith("_"):
            self._refuse(node, f"names starting with '_' are not allowed ({node.id})")
        if node.id in FORBIDDEN_NAMES:
            self._refuse(node, f"'{node.id}' is not allowed")

    def visit_Attribute(self, node: ast.Attribute):
        if node.attr.startswith("_"):
            self._refuse(node, f"attributes starting with '_' are not allowed ({node.attr})")
        if node.attr not in ALLOWED_ATTRS:
            self._refuse(node, f"attribute '{node.attr}' is not allowed")
        if not isinstance(node.ctx, ast.Load):
            self._refuse(node, "assigning or deleting attributes is not allowed")
        self.generic_visit(node)

    def visit_Starred(self, node: ast.Starred):
        if not isinstance(node.ctx, ast.Store):
            self._refuse(node, "* unpacking is only allowed on the left of an assignment")
        self.generic_visit(node)

    def visit_keyword(self, node: ast.keyword):
        if node.arg is None:
            self._refuse(node, "** unpacking is not allowed")
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict):
        if any(key is None for key in node.keys):
            self._refuse(node, "** unpacking is not allowed")
        self.generic_visit(node)

    def visit_FormattedValue(self, node: ast.FormattedValue):
        spec = node.format_spec
        if spec is not None:
            if any(not isinstance(part, ast.Constant) for part in spec.values):
                self._refuse(node, "f-string format specs must be constant")
            if any(_BIG_NUMBER.search(str(part.value)) for part in spec.values):
                self._refuse(node, "f-string widths and precisions must be below 1000")
        self.visit(node.value)

    def visit_BinOp(self, node: ast.BinOp):
        if type(node.op) not in _BINOP_SYMBOLS:
            self._refuse(node, "this operator is not allowed")
        try:
            self._fold(node)
        except _NotConstant:
            pass
        self.generic_visit(node)

    def _fold(self, node):
        """Evaluate constant arithmetic through the runtime size guard (memoized per node)."""
        key = id(node)
        if key not in self._folded:
            self._folded[key] = self._fold_uncached(node)
        value = self._folded[key]
        if value is _NotConstant:
            raise _NotConstant
        return value

    def _fold_uncached(self, node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, bytes)):
            return node.value
        try:
            if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
                return -self._fold(node.operand)
            if isinstance(node, ast.BinOp) and type(node.op) in _BINOP_SYMBOLS:
                left, right = self._fold(node.left), self._fold(node.right)
                return guarded_binop(_BINOP_SYMBOLS[type(node.op)], left, right)
        except ScriptError as exc:
            raise ScriptError(exc.message, exc.line or node.lineno) from None
        except _NotConstant:
            pass
        except Exception:  # 1/0, -'a' ...: a run-time matter
            pass
        return _NotConstant


def _names(tree) -> tuple[set[str], dict[str, int]]:
    """Names the source assigns (anywhere) and the names it reads, with their first line."""
    stored, read = set(), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                read.setdefault(node.id, node.lineno)
            else:
                stored.add(node.id)
        elif isinstance(node, ast.arg):
            stored.add(node.arg)
    return stored, read


# --- RestrictedPython policy: route calls, operators and comparisons to runtime guards -------

_NO_ARGS = ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                         kwarg=None, defaults=[])


def _guard_call(name: str, node: ast.AST, args: list, keywords=()) -> ast.Call:
    """``name(*args)`` placed where ``node`` was; new leaf nodes get its location too."""
    for arg in args:
        if isinstance(arg, ast.Constant) and not hasattr(arg, "lineno"):
            ast.copy_location(arg, node)
    func = ast.copy_location(ast.Name(name, ast.Load()), node)
    return ast.copy_location(ast.Call(func=func, args=args, keywords=list(keywords)), node)


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's checks plus hooks the runtime uses to count work and bound sizes."""

    def visit_Call(self, node):
        node = super().visit_Call(node)
        return _guard_call("_call_", node, [node.func, *node.args], node.keywords)

    def visit_BinOp(self, node):
        node = super().visit_BinOp(node)
        symbol = ast.Constant(_BINOP_SYMBOLS[type(node.op)])
        return _guard_call("_binop_", node, [symbol, node.left, node.right])

    def visit_Compare(self, node):
        node = super().visit_Compare(node)
        ops = [ast.Constant(type(op).__name__) for op in node.ops]
        if len(ops) == 1:
            return _guard_call("_compare_", node, [ops[0], node.left, node.comparators[0]])
        # 0 < x < y: each later operand as a thunk, so evaluation stays lazy and single
        args = [node.left]
        for op, operand in zip(ops, node.comparators):
            args += [op, ast.copy_location(ast.Lambda(args=_NO_ARGS, body=operand), operand)]
        return _guard_call("_compare_chain_", node, args)

    def visit_FormattedValue(self, node):
        node = super().visit_FormattedValue(node)
        node.value = _guard_call("_format_", node.value, [node.value])
        return node


_RESTRICTED_LINE = re.compile(r"Line (\d+): (.*)", re.S)


def _restricted_compile(source: str, mode: str):
    compiler = compile_restricted_exec if mode == "exec" else compile_restricted_eval
    result = compiler(source, filename="<string>", policy=_Policy)
    if result.errors:
        match = _RESTRICTED_LINE.match(result.errors[0])
        if match:
            raise ScriptError(match.group(2), int(match.group(1)))
        raise ScriptError(result.errors[0])
    return result.code


def normalize(source: str | None, mode: str) -> str:
    """BPMN text comes indented inside XML: dedent scripts, strip expressions."""
    source = source or ""
    return textwrap.dedent(source) if mode == "exec" else source.strip()


def _parse(source: str, mode: str):
    if mode not in ("exec", "eval"):
        raise ValueError(f"mode must be 'exec' or 'eval', not {mode!r}")
    if not isinstance(source, str):
        raise ScriptError("a script must be text")
    if len(source) > MAX_SOURCE_CHARS:
        raise ScriptError(f"script longer than {MAX_SOURCE_CHARS} characters")
    try:
        return ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise ScriptError(f"syntax error: {exc.msg}", exc.lineno) from None


@functools.lru_cache(maxsize=4096)
def compile_checked(source: str, mode: str):
    """Checked, restricted bytecode for ``source`` (cached: expressions run on every step)."""
    source = normalize(source, mode)
    try:
        _Checker().visit(_parse(source, mode))
        return _restricted_compile(source, mode)
    except RecursionError:
        raise ScriptError("script is too deeply nested") from None


@functools.lru_cache(maxsize=1024)
def _check_known_names(source: str, mode: str, allowed: frozenset[str]) -> None:
    stored, read = _names(_parse(normalize(source, mode), mode))
    for name, line in read.items():
        if name not in stored and name not in allowed and name not in SAFE_BUILTIN_NAMES:
            raise ScriptError(f"unknown name '{name}'", line)


def check_source(source: str, mode: str, allowed_names: set[str] = frozenset()) -> None:
    """Raise ScriptError (with its line) if ``source`` is not in the script language.

    ``mode`` is 'exec' for scriptTask scripts and 'eval' for expressions. With a non-empty
    ``allowed_names`` every name read but never assigned must be one of them (or a builtin).
    """
    compile_checked(source, mode)
    if allowed_names:
        _check_known_names(source, mode, frozenset(allowed_names))
