"""The condition language: parsing, evaluation semantics, and fuzzing of the parser."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forms.conditions import MAX_DEPTH, Condition, parse
from forms.errors import ConditionSyntaxError


class Env:
    def __init__(self, values: dict, applies: set[str] | None = None) -> None:
        self.values = values
        self.applies = applies or set()
        self.today = date(2026, 11, 27)

    def value(self, name: str):
        return self.values.get(name)

    def item_applies(self, code: str) -> bool:
        return code in self.applies


ENV = Env(
    {
        "n": 3,
        "s": "x",
        "tags": ["a", "b"],
        "flag": True,
        "no": False,
        "zero": 0,
        "id": "11010519491231002X",
        "d": "2026-11-20",
        "f": 2.5,
    },
    {"000000001000"},
)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("n == 3", True),
        ("n != 3", False),
        ("n > 2 and n < 4", True),
        ('n >= 4 or s == "x"', True),
        ("not flag", False),
        ("not missing", True),
        ("missing == null", True),
        ("missing > 1", False),
        ('"a" in tags', True),
        ('"z" not in tags', True),
        ("n in [1, 2, 3]", True),
        ('s in "xyz"', True),
        ('n == "3"', False),
        ("flag == 1", False),
        ("zero == false", False),
        ("n + 1 == 4", True),
        ("-n < 0", True),
        ('s + "y" == "xy"', True),
        ("s - 1", None),
        ("age(id) == 76", True),
        ("sex(id)", "女"),
        ("birth_date(id)", "1949-12-31"),
        ("days_since(d)", 7),
        ("today()", "2026-11-27"),
        ("len(tags) == 2", True),
        ("len(missing)", 0),
        ("answered(no)", True),
        ("answered(zero)", True),
        ("answered(missing)", False),
        ('applies("000000001000")', True),
        ("applies('000000002000')", False),
        ("id_type(id)", "resident"),
        ('id_type("810000199408230021")', "hmt"),
        ("id_type(n)", None),
        ("f > 2", True),
        ('(n == 3 or s == "y") and not no', True),
        ("d < today()", True),
        ('n == 3 and s == "x" or false', True),
        ("'it\\'s' == \"it's\"", True),
    ],
)
def test_evaluation(source: str, expected) -> None:
    assert Condition.compile(source).value(ENV) == expected


def test_not_in_and_precedence() -> None:
    # `not a in b` is `not (a in b)`; `and` binds tighter than `or`.
    assert Condition.compile('not "a" in tags').holds(ENV) is False
    assert Condition.compile("true or false and false").holds(ENV) is True


def test_names_and_item_codes_are_collected() -> None:
    cond = Condition.compile('a == 1 and (age(b) > 2 or applies("000000002000")) and "x" in c')
    assert cond.names() == {"a", "b", "c"}
    assert cond.item_codes() == {"000000002000"}


@pytest.mark.parametrize(
    "source, fragment",
    [
        ("", "空"),
        ("a >", "字段名"),
        ("(a", "右括号"),
        ("a = 1", "=="),
        ('"abc', "引号"),
        ("a b", "结束"),
        ("foo(1)", "没有函数"),
        ("age()", "1 个参数"),
        ("answered(1)", "字段名"),
        ("applies(x)", "事项编码"),
        ("a $ b", "不认识"),
        ("[1, 2", "]"),
        ("a ! b", "=="),
        ("not", "字段名"),
    ],
)
def test_syntax_errors_are_typed_and_located(source: str, fragment: str) -> None:
    with pytest.raises(ConditionSyntaxError) as info:
        parse(source)
    assert fragment in str(info.value)
    assert 0 <= info.value.position <= len(source)


def test_deep_nesting_is_refused_not_a_crash() -> None:
    with pytest.raises(ConditionSyntaxError, match="嵌套"):
        parse("(" * (MAX_DEPTH + 5) + "a" + ")" * (MAX_DEPTH + 5))
    with pytest.raises(ConditionSyntaxError, match="嵌套"):
        parse("not " * 300 + "a")
    with pytest.raises(ConditionSyntaxError):
        parse("a == 1 and " * 1000 + "b")


def test_non_text_is_refused() -> None:
    with pytest.raises(ConditionSyntaxError):
        parse(None)  # type: ignore[arg-type]


ALPHABET = st.sampled_from(
    list("abn_ 0123456789.()[],=!<>+-\"'\\")
    + [
        "and",
        "or",
        "not",
        "in",
        "true",
        "false",
        "null",
        "age(",
        "answered(",
        "applies(",
        "len(",
        "==",
        "!=",
        "<=",
        ">=",
        "中",
        "\n",
        "\t",
        "\x00",
    ]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map(" ".join) | st.text(max_size=80))
def test_fuzz_parser_only_raises_the_typed_error(source: str) -> None:
    try:
        node = parse(source)
    except ConditionSyntaxError:
        return
    # Whatever parsed must evaluate without raising, in any environment.
    node.evaluate(ENV)
    node.evaluate(Env({}))


def _expressions() -> st.SearchStrategy[str]:
    atoms = st.one_of(
        st.sampled_from(["n", "s", "tags", "flag", "missing", "id", "d", "f", "zero"]),
        st.integers(-5, 5).map(str),
        st.sampled_from(['"x"', '"a"', "true", "false", "null"]),
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(
                inner,
                st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "in", "not in", "+", "-", "and", "or"]),
                inner,
            ).map(lambda t: f"({t[0]}) {t[1]} ({t[2]})"),
            inner.map(lambda e: f"not ({e})"),
            inner.map(lambda e: f"[{e}, 1]"),
            inner.map(lambda e: f"age({e})"),
            inner.map(lambda e: f"len({e})"),
            inner.map(lambda e: f"-({e})"),
        )

    return st.recursive(atoms, extend, max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(_expressions())
def test_fuzz_grammar_generated_expressions_parse_and_evaluate(source: str) -> None:
    node = parse(source)
    node.evaluate(ENV)
    assert node.names() <= {"n", "s", "tags", "flag", "missing", "id", "d", "f", "zero"}
