"""The chart template is filled without recursion (issue #20: recursion replaced by iteration)."""

from __future__ import annotations

import sys

from toolkit_timeline.views import _fill


def test_a_template_deeper_than_the_recursion_limit_is_filled() -> None:
    # regression: _fill recursed once per nesting level
    depth = sys.getrecursionlimit() + 300
    node: object = {"height": "@H", "groups": ["@G"], "keep": True}
    for level in range(depth):
        node = [{"level": level, "child": node}] if level % 2 else {"child": node, "title": "@T"}
    filled = _fill(node, {"@H": 120, "@G": ["a", "b"], "@T": "happened on"})
    for level in reversed(range(depth)):
        if level % 2:
            assert filled[0]["level"] == level
            filled = filled[0]["child"]
        else:
            assert filled["title"] == "happened on"
            assert list(filled) == ["child", "title"]  # keys keep their order
            filled = filled["child"]
    assert filled == {"height": 120, "groups": ["a", "b"], "keep": True}


def test_placeholders_only_where_they_stand_alone() -> None:
    template = {"a": ["@G", "x"], "b": ["@G"], "c": 7, "d": True, "e": "@H"}
    filled = _fill(template, {"@G": ["g"], "@H": 1, 7: "seven"})
    assert filled == {"a": [["g"], "x"], "b": ["g"], "c": "seven", "d": True, "e": 1}
    assert template == {"a": ["@G", "x"], "b": ["@G"], "c": 7, "d": True, "e": "@H"}  # the template is untouched
