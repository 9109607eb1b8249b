"""Boilerplate removal for plain text: whole lines only, every removal recorded.

Cleaning never edits inside a line, so every kept character keeps its meaning;
the removed lines are returned with their offsets in the raw text and a reason.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_text", "boilerplate_reason"]

# Each rule: (reason, pattern matched against the stripped line).
_LINE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, re.IGNORECASE))
    for reason, pattern in (
        (
            "comment prompt",
            r"^(leave a (reply|comment)|post a comment|add a comment|\d+\s+comments?|comments?)\b.{0,40}$",
        ),
        ("comment prompt", r"your email address will not be published|required fields are marked"),
        (
            "navigation",
            r"^(back to top( button)?|show more|show less|load more|scroll to top|skip to (main )?content)\W*$",
        ),
        ("related link", r"^(read|see) (also|more)\b|^related( articles?| stories)?\s*:|^more on this\b"),
        ("share prompt", r"^(share|share this( article| story)?|follow us|subscribe|sign up)\b.{0,60}$"),
        (
            "caption credit",
            r"\b(video|photo|image|footage)\s*:\s*\S.{0,80}(reporter|credit|©|/)|^(close|photo|image|video)\s*:",
        ),
        ("copyright", r"^(©|copyright\b|all rights reserved)"),
    )
)

# Repeats are looked for among short lines (headlines, bylines); a longer line
# cannot reduce to a 200-character key, and skipping it keeps big files fast.
_MAX_REPEAT_KEY = 200
_MAX_REPEAT_LINE = 600

# Case-sensitive: "Advertisement" glued to the ad's first word ("AdvertisementThe new …").
_AD = re.compile(r"^(Advertisement|ADVERTISEMENT|Sponsored content|Sponsored)(?=[\s:A-Z]|$)")
_SEGMENT_SPLIT = re.compile(r"(?<=[.!?])\s+")
_QUOTES = "\"'“”‘’«»„"


def boilerplate_reason(line: str) -> str | None:
    """Why a single line is boilerplate, or ``None`` if it is not.

    >>> boilerplate_reason("Read also: Another story")
    'related link'
    >>> boilerplate_reason("The minister said the talks went well.") is None
    True
    """
    stripped = line.strip()
    if not stripped:
        return None
    for reason, pattern in _LINE_RULES:
        if reason == "caption credit" and ":" not in stripped:
            continue  # every caption pattern needs a colon; skipping the scan keeps big files fast
        if pattern.search(stripped):
            return reason
    if _AD.search(stripped):
        return "advertisement"
    if _looks_like_bio(stripped):
        return "author bio"
    return None


def _looks_like_bio(line: str) -> bool:
    """Strings of short epithets ("Coffee lover. Web nerd. Tv buff.") that spam sites append as author bios."""
    body = line.strip(_QUOTES + " ")
    if len(body) > 240:
        return False
    segments = [s for s in _SEGMENT_SPLIT.split(body) if s.strip(_QUOTES + " .")]
    if len(segments) < 3:
        return False
    # epithets are short and verbless-looking: no lowercase function words that build clauses
    clause_words = {"is", "are", "was", "were", "has", "have", "had", "said", "says", "will", "would", "that", "the"}
    for segment in segments:
        words = segment.strip(_QUOTES + " .!?").split()
        if not 1 <= len(words) <= 5 or clause_words & {w.lower() for w in words}:
            return False
    return True


def _normal_form(line: str) -> str:
    """A line reduced to letters and digits, for spotting repeats that differ only in dashes or spacing."""
    text = unicodedata.normalize("NFKC", line).casefold()
    return re.sub(r"[\W_]+", " ", text).strip()


def clean_text(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Remove boilerplate lines; return the cleaned text and the removed ``(start, end, reason)`` spans.

    Repeated headlines (a short line equal, up to punctuation, to an earlier
    line) and repeated bylines are removed too.

    >>> cleaned, removed = clean_text("Title\\nBody text here.\\nLeave a Reply\\n")
    >>> cleaned
    'Title\\nBody text here.\\n'
    >>> removed
    [(22, 36, 'comment prompt')]
    """
    kept: list[str] = []
    removed: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    offset = 0
    for line in text.splitlines(keepends=True):
        start, end = offset, offset + len(line)
        offset = end
        reason = boilerplate_reason(line)
        key = _normal_form(line) if len(line) <= _MAX_REPEAT_LINE else ""
        if key and len(key) <= _MAX_REPEAT_KEY:
            if reason is None and key in seen:
                reason = "repeated line"
            seen.add(key)
        if reason is None:
            kept.append(line)
        else:
            removed.append((start, end, reason))
    if not removed:
        return text, removed  # the same string: no second copy of a big text
    return "".join(kept), removed
