"""Estimated boxes of the text labels in an inline SVG chart, and which of them overlap.

Vega writes each label as ``<text transform="translate(x,y) rotate(a)" text-anchor=… font-size=…>`` inside
groups moved by ``translate``. A label's box is estimated from its position, font size and length (an
average glyph is ~0.55 of the font size in the sans-serif fonts Vega uses), turned by its rotation: close
enough to tell labels printed over each other from labels that merely sit near each other. Turned labels
are compared as turned rectangles (separating axes), not by their upright bounding boxes: two parallel
labels at 45 degrees have bounding boxes that overlap although their text does not.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

GLYPH_WIDTH = 0.55  # average advance of a glyph, as a share of the font size
_TRANSLATE = re.compile(r"translate\(\s*([-\d.e]+)[ ,]+([-\d.e]+)\s*\)")
_ROTATE = re.compile(r"rotate\(\s*([-\d.e]+)")
_SVG = re.compile(r"<svg\b.*?</svg>", re.S)


Point = tuple[float, float]


@dataclass(frozen=True)
class Label:
    text: str
    corners: tuple[Point, Point, Point, Point]  # in order around the rectangle

    @property
    def left(self) -> float:
        return min(x for x, _ in self.corners)

    @property
    def top(self) -> float:
        return min(y for _, y in self.corners)

    @property
    def right(self) -> float:
        return max(x for x, _ in self.corners)

    @property
    def bottom(self) -> float:
        return max(y for _, y in self.corners)

    def overlap(self, other: Label) -> float:
        """How far the two rectangles overlap along the axis where they overlap least (<= 0: apart)."""
        least = math.inf
        for shape in (self, other):
            for (x1, y1), (x2, y2) in zip(shape.corners, shape.corners[1:] + shape.corners[:1]):
                length = math.hypot(x2 - x1, y2 - y1)
                if not length:
                    continue
                axis = (-(y2 - y1) / length, (x2 - x1) / length)  # the edge's normal
                mine = [x * axis[0] + y * axis[1] for x, y in self.corners]
                theirs = [x * axis[0] + y * axis[1] for x, y in other.corners]
                least = min(least, min(max(mine), max(theirs)) - max(min(mine), min(theirs)))
        return least


def svgs(markup: str) -> list[str]:
    return _SVG.findall(markup)


def _offset(element: ET.Element) -> tuple[float, float]:
    found = _TRANSLATE.search(element.get("transform", ""))
    return (float(found[1]), float(found[2])) if found else (0.0, 0.0)


def labels(svg: str) -> list[Label]:
    """Every visible text label of one chart, with its estimated box in the chart's coordinates."""
    root = ET.fromstring(svg)
    found: list[Label] = []

    def walk(element: ET.Element, dx: float, dy: float) -> None:
        ox, oy = _offset(element)
        dx, dy = dx + ox, dy + oy
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "text":
            text = "".join(element.itertext()).strip()
            hidden = element.get("opacity") == "0" or element.get("fill-opacity") == "0"
            if text and not hidden:
                found.append(_box(element, text, dx, dy))
            return
        for child in element:
            walk(child, dx, dy)

    walk(root, 0.0, 0.0)
    return found


def _box(element: ET.Element, text: str, x: float, y: float) -> Label:
    size = float(re.sub(r"[^\d.]", "", element.get("font-size", "10")) or 10)
    width, height = len(text) * GLYPH_WIDTH * size, size
    anchor = element.get("text-anchor", "start")
    left = {"start": 0.0, "middle": -width / 2, "end": -width}.get(anchor, 0.0)
    # around the rectangle, so consecutive corners are its edges
    corners = [(left, -0.8 * height), (left + width, -0.8 * height), (left + width, 0.2 * height), (left, 0.2 * height)]
    turned = _ROTATE.search(element.get("transform", ""))
    angle = math.radians(float(turned[1])) if turned else 0.0
    a, b, c, d = (
        (x + cx * math.cos(angle) - cy * math.sin(angle), y + cx * math.sin(angle) + cy * math.cos(angle))
        for cx, cy in corners
    )
    return Label(text, (a, b, c, d))


def overlapping(svg: str, *, tolerance: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of labels of one chart whose boxes overlap by more than ``tolerance`` pixels every way.

    >>> def chart(*texts: str) -> str:
    ...     return "<svg>" + "".join(texts) + "</svg>"
    >>> upright = chart(
    ...     '<text transform="translate(0,10)">Kastovia</text>', '<text transform="translate(20,10)">Sundria</text>'
    ... )
    >>> overlapping(upright)
    [('Kastovia', 'Sundria')]
    >>> def turned(x: int) -> str:
    ...     return f'<text transform="translate({x},50) rotate(-45)">Kastovia</text>'
    >>> overlapping(chart(turned(0), turned(26))), overlapping(chart(turned(0), turned(6)))
    ([], [('Kastovia', 'Kastovia')])
    """
    found = labels(svg)
    pairs = []
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            if a.overlap(b) > tolerance:
                pairs.append((a.text, b.text))
    return pairs
