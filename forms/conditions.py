"""The condition language: visibility, requiredness, eligibility and computed values as data.

Why a language of our own instead of Python expressions: catalogues arrive over the network
(signed, but still data), are written by catalogue editors rather than programmers, and must be
checked before use (every name must be a field, no cycles). So conditions are parsed into a small
AST, checked, and evaluated by walking it; nothing is ever passed to `eval` or `exec`.

Grammar (whitespace between tokens is free)::

    expr       := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := sum [("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in") sum]
    sum        := unary (("+" | "-") unary)*
    unary      := "-" unary | primary
    primary    := NUMBER | STRING | "true" | "false" | "null" | "[" [expr ("," expr)*] "]"
                | NAME "(" [expr ("," expr)*] ")" | NAME | "(" expr ")"

NAME is a field id (or a computed value id): `[A-Za-z_][A-Za-z0-9_]*`. STRING is "…" or '…' with
backslash escapes for the quote and the backslash. Evaluation never fails: a field without an
answer (or hidden) is `null`; comparing values of different kinds is false; arithmetic on
non-numbers gives `null`. The functions are a fixed list (FUNCTIONS below).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from forms.errors import ConditionSyntaxError
from forms.validators import is_ascii_digits

MAX_LENGTH = 2000
MAX_DEPTH = 40

KEYWORDS = {"and", "or", "not", "in", "true", "false", "null"}


class Environment(Protocol):
    """What an expression may look at: answers by name, today's date, which items apply."""

    today: date

    def value(self, name: str) -> Any: ...

    def item_applies(self, code: str) -> bool: ...


# --------------------------------------------------------------------------------------- tokens

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>[0-9]+(?:\.[0-9]+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,|\+|-)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class _Token:
    kind: str  # number, name, keyword, op, string, end
    text: str
    position: int


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN_RE.match(source, position)
        if match is None:
            char = source[position]
            if char in "\"'":
                raise ConditionSyntaxError("引号没有配对", source, position)
            if char in "=!":
                raise ConditionSyntaxError(f"“{char}”应写成 == 或 !=", source, position)
            raise ConditionSyntaxError(f"不认识的字符“{char}”", source, position)
        kind = match.lastgroup or ""
        text = match.group()
        if kind != "ws":
            if kind == "name" and text in KEYWORDS:
                kind = "keyword"
            tokens.append(_Token(kind, text, position))
        position = match.end()
    tokens.append(_Token("end", "", len(source)))
    return tokens


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", lambda m: m.group(1), body, flags=re.DOTALL)


# ------------------------------------------------------------------------------------------ AST


class Node:
    """An AST node. `evaluate` is total: it returns a value for any environment, never raises."""

    def evaluate(self, env: Environment) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def children(self) -> tuple[Node, ...]:
        return ()

    def names(self) -> set[str]:
        """Field / computed-value ids this expression reads (for the reference and cycle checks)."""
        found: set[str] = set()
        for child in self.children():
            found |= child.names()
        return found

    def item_codes(self) -> set[str]:
        """Item codes passed to `applies(...)`."""
        found: set[str] = set()
        for child in self.children():
            found |= child.item_codes()
        return found


@dataclass(frozen=True)
class Literal(Node):
    value: Any

    def evaluate(self, env: Environment) -> Any:
        return self.value


@dataclass(frozen=True)
class Name(Node):
    name: str

    def evaluate(self, env: Environment) -> Any:
        return env.value(self.name)

    def names(self) -> set[str]:
        return {self.name}


@dataclass(frozen=True)
class ListOf(Node):
    items: tuple[Node, ...]

    def evaluate(self, env: Environment) -> Any:
        return [item.evaluate(env) for item in self.items]

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(frozen=True)
class Not(Node):
    operand: Node

    def evaluate(self, env: Environment) -> Any:
        return not truthy(self.operand.evaluate(env))

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class And(Node):
    operands: tuple[Node, ...]

    def evaluate(self, env: Environment) -> Any:
        return all(truthy(op.evaluate(env)) for op in self.operands)

    def children(self) -> tuple[Node, ...]:
        return self.operands


@dataclass(frozen=True)
class Or(Node):
    operands: tuple[Node, ...]

    def evaluate(self, env: Environment) -> Any:
        return any(truthy(op.evaluate(env)) for op in self.operands)

    def children(self) -> tuple[Node, ...]:
        return self.operands


@dataclass(frozen=True)
class Compare(Node):
    op: str
    left: Node
    right: Node

    def evaluate(self, env: Environment) -> Any:
        return compare(self.op, self.left.evaluate(env), self.right.evaluate(env))

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Arithmetic(Node):
    op: str  # "+", "-", "neg"
    left: Node
    right: Node | None = None

    def evaluate(self, env: Environment) -> Any:
        a = self.left.evaluate(env)
        if self.op == "neg":
            return -a if _is_number(a) else None
        b = self.right.evaluate(env) if self.right is not None else None
        if self.op == "+" and isinstance(a, str) and isinstance(b, str):
            return a + b
        if not (_is_number(a) and _is_number(b)):
            return None
        return a + b if self.op == "+" else a - b

    def children(self) -> tuple[Node, ...]:
        return (self.left,) if self.right is None else (self.left, self.right)


@dataclass(frozen=True)
class Call(Node):
    function: str
    args: tuple[Node, ...]

    def evaluate(self, env: Environment) -> Any:
        spec = FUNCTIONS[self.function]
        if self.function == "applies":
            code = self.args[0].evaluate(env)
            return bool(isinstance(code, str) and env.item_applies(code))
        return spec.implementation(env, *(arg.evaluate(env) for arg in self.args))

    def children(self) -> tuple[Node, ...]:
        return self.args

    def item_codes(self) -> set[str]:
        found = super().item_codes()
        if self.function == "applies" and isinstance(self.args[0], Literal):
            found.add(str(self.args[0].value))
        return found


# ------------------------------------------------------------------------------ value semantics


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def truthy(value: Any) -> bool:
    """null, false, 0, "" and [] are false; everything else is true."""
    if value is None or value is False:
        return False
    if _is_number(value):
        return value != 0
    if isinstance(value, (str, list, dict)):
        return len(value) > 0
    return True


def compare(op: str, a: Any, b: Any) -> bool:
    """Comparison without surprises: different kinds are simply unequal / not ordered."""
    if op in ("==", "!="):
        same = _same(a, b)
        return same if op == "==" else not same
    if op in ("in", "not in"):
        if isinstance(b, list):
            found = any(_same(a, item) for item in b)
        elif isinstance(b, str) and isinstance(a, str):
            found = a in b
        else:
            found = False
        return found if op == "in" else not found
    if _is_number(a) and _is_number(b) or isinstance(a, str) and isinstance(b, str):
        if op == "<":
            return a < b
        if op == "<=":
            return a <= b
        if op == ">":
            return a > b
        if op == ">=":
            return a >= b
    return False


def _same(a: Any, b: Any) -> bool:
    if _is_number(a) and _is_number(b):
        return a == b
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return type(a) is type(b) and a == b


# ---------------------------------------------------------------------------------- functions


@dataclass(frozen=True)
class Function:
    arity: int
    implementation: Callable[..., Any]
    help: str


def _to_date(value: Any) -> date | None:
    """An ISO date string, or the birth date inside an 18-character ID number."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if len(text) == 10 and text[4] == "-":
            return date.fromisoformat(text)
        if len(text) == 18 and is_ascii_digits(text[:17]):
            return date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return None
    return None


def full_years(born: date, on: date) -> int:
    """Completed years from `born` to `on` (the age as every office counts it)."""
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


def _fn_age(env: Environment, value: Any) -> Any:
    born = _to_date(value)
    return None if born is None else full_years(born, env.today)


def _fn_days_since(env: Environment, value: Any) -> Any:
    then = _to_date(value)
    return None if then is None else (env.today - then).days


def _fn_birth_date(env: Environment, value: Any) -> Any:
    born = _to_date(value) if isinstance(value, str) and len(value.strip()) == 18 else None
    return None if born is None else born.isoformat()


def _fn_sex(env: Environment, value: Any) -> Any:
    if isinstance(value, str) and len(value.strip()) == 18 and is_ascii_digits(value.strip()[16]):
        return "男" if int(value.strip()[16]) % 2 == 1 else "女"
    return None


def _fn_id_type(env: Environment, value: Any) -> Any:
    from forms.validators import id_kind

    return id_kind(value) if isinstance(value, str) else None


def _fn_province(env: Environment, value: Any) -> Any:
    """The province (GB/T 2260 "xx0000") of an address answer, or of an 18-digit ID number's first
    registration; null when neither. Lets a form ask about a 居住证 only of someone registered in
    another province."""
    if isinstance(value, dict):
        code = value.get("province")
        return code if isinstance(code, str) and len(code) == 6 and is_ascii_digits(code) else None
    if isinstance(value, str) and len(value.strip()) == 18 and is_ascii_digits(value.strip()[:2]):
        return value.strip()[:2] + "0000"
    return None


def _fn_len(env: Environment, value: Any) -> Any:
    return len(value) if isinstance(value, (str, list, dict)) else 0


FUNCTIONS: dict[str, Function] = {
    "answered": Function(1, lambda env, v: truthy(v) or v is False or v == 0, "已作答（含“否”和 0）"),
    "age": Function(1, _fn_age, "周岁：参数为日期（YYYY-MM-DD）或 18 位身份号码"),
    "days_since": Function(1, _fn_days_since, "某日期距今天数"),
    "birth_date": Function(1, _fn_birth_date, "18 位身份号码中的出生日期（YYYY-MM-DD）"),
    "sex": Function(1, _fn_sex, "18 位身份号码对应的性别：“男”或“女”"),
    "len": Function(1, _fn_len, "文字的字数或多选的项数"),
    "id_type": Function(1, _fn_id_type, "证件号码的种类：\"resident\"、\"hmt\"、\"foreign\" 或 null"),
    "province": Function(1, _fn_province, "地址或 18 位身份号码所在的省（如 \"210000\"）"),
    "today": Function(0, lambda env: env.today.isoformat(), "今天（YYYY-MM-DD）"),
    "applies": Function(1, lambda env, v: False, "该事项编码是否适用（参数为事项编码字符串）"),
}


# ------------------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _tokenize(source)
        self.index = 0
        self.depth = 0

    # token helpers
    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def _advance(self) -> _Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def _is(self, kind: str, text: str | None = None) -> bool:
        return self.token.kind == kind and (text is None or self.token.text == text)

    def _expect_op(self, text: str, what: str) -> None:
        if not self._is("op", text):
            self._fail(f"这里应有{what}")
        self._advance()

    def _fail(self, message: str) -> None:
        found = "表达式结尾" if self.token.kind == "end" else f"“{self.token.text}”"
        raise ConditionSyntaxError(f"{message}，实际是{found}", self.source, self.token.position)

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConditionSyntaxError(f"嵌套超过 {MAX_DEPTH} 层", self.source, self.token.position)

    # grammar
    def parse(self) -> Node:
        if not self.source.strip():
            raise ConditionSyntaxError("表达式是空的", self.source, 0)
        node = self._or()
        if self.token.kind != "end":
            self._fail("表达式应在此结束（是否缺少 and / or？）")
        return node

    def _or(self) -> Node:
        self._enter()
        operands = [self._and()]
        while self._is("keyword", "or"):
            self._advance()
            operands.append(self._and())
        self.depth -= 1
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def _and(self) -> Node:
        operands = [self._not()]
        while self._is("keyword", "and"):
            self._advance()
            operands.append(self._not())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def _not(self) -> Node:
        if self._is("keyword", "not"):
            self._advance()
            self._enter()
            node = Not(self._not())
            self.depth -= 1
            return node
        return self._comparison()

    def _comparison(self) -> Node:
        left = self._sum()
        if self.token.kind == "op" and self.token.text in ("==", "!=", "<", "<=", ">", ">="):
            op = self._advance().text
            return Compare(op, left, self._sum())
        if self._is("keyword", "in"):
            self._advance()
            return Compare("in", left, self._sum())
        if self._is("keyword", "not") and self.tokens[self.index + 1].text == "in":
            self._advance()
            self._advance()
            return Compare("not in", left, self._sum())
        return left

    def _sum(self) -> Node:
        node = self._unary()
        while self.token.kind == "op" and self.token.text in ("+", "-"):
            op = self._advance().text
            node = Arithmetic(op, node, self._unary())
        return node

    def _unary(self) -> Node:
        if self._is("op", "-"):
            self._advance()
            self._enter()
            node = Arithmetic("neg", self._unary())
            self.depth -= 1
            return node
        return self._primary()

    def _primary(self) -> Node:
        token = self.token
        if token.kind == "number":
            self._advance()
            return Literal(float(token.text) if "." in token.text else int(token.text))
        if token.kind == "string":
            self._advance()
            return Literal(_unquote(token.text))
        if token.kind == "keyword" and token.text in ("true", "false", "null"):
            self._advance()
            return Literal({"true": True, "false": False, "null": None}[token.text])
        if self._is("op", "["):
            self._advance()
            self._enter()
            items: list[Node] = []
            if not self._is("op", "]"):
                items.append(self._or())
                while self._is("op", ","):
                    self._advance()
                    items.append(self._or())
            self._expect_op("]", "“]”")
            self.depth -= 1
            return ListOf(tuple(items))
        if self._is("op", "("):
            self._advance()
            self._enter()
            node = self._or()
            self._expect_op(")", "右括号“)”")
            self.depth -= 1
            return node
        if token.kind == "name":
            self._advance()
            if self._is("op", "("):
                return self._call(token)
            return Name(token.text)
        self._fail("这里应有字段名、数值、文字或左括号")
        raise AssertionError("unreachable")  # pragma: no cover

    def _call(self, name: _Token) -> Node:
        spec = FUNCTIONS.get(name.text)
        if spec is None:
            known = "、".join(FUNCTIONS)
            raise ConditionSyntaxError(f"没有函数“{name.text}”（可用：{known}）", self.source, name.position)
        self._advance()  # "("
        self._enter()
        args: list[Node] = []
        if not self._is("op", ")"):
            args.append(self._or())
            while self._is("op", ","):
                self._advance()
                args.append(self._or())
        self._expect_op(")", "右括号“)”")
        self.depth -= 1
        if len(args) != spec.arity:
            raise ConditionSyntaxError(
                f"函数 {name.text} 需要 {spec.arity} 个参数，给了 {len(args)} 个", self.source, name.position)
        if name.text == "answered" and not isinstance(args[0], Name):
            raise ConditionSyntaxError("answered 的参数应是字段名", self.source, name.position)
        if name.text == "applies" and not (isinstance(args[0], Literal) and isinstance(args[0].value, str)):
            raise ConditionSyntaxError("applies 的参数应是用引号括起的事项编码", self.source, name.position)
        return Call(name.text, tuple(args))


def parse(source: Any) -> Node:
    """Parse a condition. Raises ConditionSyntaxError (and only that) for anything malformed."""
    if not isinstance(source, str):
        raise ConditionSyntaxError("条件应是一段文字")
    if len(source) > MAX_LENGTH:
        raise ConditionSyntaxError(f"表达式超过 {MAX_LENGTH} 个字符", source, MAX_LENGTH)
    return _Parser(source).parse()


@dataclass(frozen=True)
class Condition:
    """A parsed condition together with its source text (for messages and the README outline)."""

    source: str
    tree: Node

    @classmethod
    def compile(cls, source: str) -> Condition:
        return cls(source, parse(source))

    def holds(self, env: Environment) -> bool:
        return truthy(self.tree.evaluate(env))

    def value(self, env: Environment) -> Any:
        return self.tree.evaluate(env)

    def names(self) -> set[str]:
        return self.tree.names()

    def item_codes(self) -> set[str]:
        return self.tree.item_codes()
