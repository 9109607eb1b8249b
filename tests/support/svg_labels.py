"""Estimated boxes of the text labels in an inline SVG chart, and which of them overlap.

Vega writes each label as ``<text transform="translate(x,y) rotate(a)" text-anchor=… font-size=…>`` inside
groups moved by ``translate``. A label's box is estimated from its position, font size and length (an
average glyph is ~0.55 of the font size in the sans-serif fonts Vega uses), turned by its rotation: close
enough to tell labels printed over each other from labels that merely sit near each other.
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


@dataclass(frozen=True)
class Label:
    text: str
    left: float
    top: float
    right: float
    bottom: float

    def overlap(self, other: Label) -> tuple[float, float]:
        return (
            min(self.right, other.right) - max(self.left, other.left),
            min(self.bottom, other.bottom) - max(self.top, other.top),
        )


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
    corners = [(left, -0.8 * height), (left + width, -0.8 * height), (left, 0.2 * height), (left + width, 0.2 * height)]
    turned = _ROTATE.search(element.get("transform", ""))
    angle = math.radians(float(turned[1])) if turned else 0.0
    points = [
        (x + cx * math.cos(angle) - cy * math.sin(angle), y + cx * math.sin(angle) + cy * math.cos(angle))
        for cx, cy in corners
    ]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Label(text, min(xs), min(ys), max(xs), max(ys))


def overlapping(svg: str, *, tolerance: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of labels of one chart whose boxes overlap by more than ``tolerance`` pixels both ways."""
    found = labels(svg)
    pairs = []
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            width, height = a.overlap(b)
            if width > tolerance and height > tolerance:
                pairs.append((a.text, b.text))
    return pairs
