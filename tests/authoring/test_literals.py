import ast

import pytest

from kurskit.authoring.literals import MAX_TEXT, LiteralRefused, ensure_literal, literal_source


@pytest.mark.parametrize("value", [
    None, True, 3, 2.5, "Art. 6 Abs. 1 lit. e", ["a", "b"], {"Fall": "lit. c"}, [],
    "'); import os; os.system('x') #", "\u00e4\u00f6\u00fc\u00df \"quoted\" \\ backslash",
])
def test_literal_source_round_trips(value):
    source = literal_source(value)
    assert ast.literal_eval(source) == value


def test_code_in_a_string_stays_a_string():
    source = literal_source("__import__('os').system('rm -rf /')")
    tree = ast.parse(f"x = {source}")
    assert isinstance(tree.body[0].value, ast.Constant)  # one constant, nothing callable


@pytest.mark.parametrize("value, reason", [
    (float("nan"), "not finite"),
    (float("inf"), "not finite"),
    ("x" * (MAX_TEXT + 1), "longer"),
    ([[[["tief"]]]], "nested"),
    ({1: "a"}, "keys"),
    (object(), "not literal"),
    (b"bytes", "not literal"),
    (10**20, "too large"),
    (list(range(500)), "too long"),
])
def test_refuses_non_literal_or_oversized(value, reason):
    with pytest.raises(LiteralRefused, match=reason) as refused:
        ensure_literal(value)
    assert refused.value.german  # learners get a German message
