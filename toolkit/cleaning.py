"""Boilerplate removal for plain text: whole lines only, every removal recorded.

Cleaning never edits inside a line, so every kept character keeps its meaning;
the removed lines are returned with their offsets in the raw text and a reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

__all__ = ["clean_text", "boilerplate_reason", "dialogue_lines", "byline_author", "BYLINE"]

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

BYLINE = "byline"

# A name as a byline writes it: two to four capitalised words or initials ("Ana Ruiz", "J. R. Okafor",
# "Mary-Jane O'Neil"), optionally joined by "and" to a second name. No digits, no sentence punctuation.
_NAME_WORD = r"[^\W\d_][\w'’.-]*"
_NAME = rf"(?:{_NAME_WORD}\.?)(?:[ \t]+(?:{_NAME_WORD})){{1,3}}"
_BYLINE_NAME = re.compile(rf"^(?P<name>{_NAME}(?:[ \t]*(?:,|and|&)[ \t]*{_NAME})?)\s*$")
# "By Ana Ruiz", "Written by Ana Ruiz", "Reporting by Ana Ruiz", with an optional role after a comma or dash
_BY = re.compile(
    rf"^(?:by|written by|reporting by|words by|text by)[ \t]+(?P<name>{_NAME}(?:[ \t]+and[ \t]+{_NAME})?)"
    r"(?:\s*(?:,|\||[-–—])\s*[^.!?]{0,60})?\s*$",
    re.IGNORECASE,
)
_MAX_BYLINE = 80


def byline_author(line: str, *, alone: bool) -> str | None:
    """The author named by a byline ``line``, or ``None`` if it is not one.

    ``alone`` says whether a bare name counts: only where the line's position makes it a
    signature (in the article's closing block, or just above an author bio); a bare name
    inside the story could be a heading.

    >>> byline_author("By Ana Ruiz, Staff Writer", alone=False)
    'Ana Ruiz'
    >>> byline_author("Ana Ruiz", alone=True), byline_author("Ana Ruiz", alone=False)
    ('Ana Ruiz', None)
    >>> byline_author("By the way, talks resumed.", alone=False) is None
    True
    """
    stripped = line.strip()
    if not stripped or len(stripped) > _MAX_BYLINE:
        return None
    match = _BY.match(stripped)
    if match is None and alone:
        match = _BYLINE_NAME.match(stripped)
    if match is None:
        return None
    name = match.group("name").strip()
    if name.endswith(".") and not re.search(r"(?:^|\s)\w\.$", name):
        name = name[:-1]  # a signature's closing full stop ("Ana Ruiz."), not an initial's ("Ana R.")
    words = re.split(r"[ \t]+|,|&", name)
    # every word of a name is capitalised (or is the "and" joining two names)
    if not all(w[:1].isupper() for w in words if w and w.lower() != "and"):
        return None
    return name


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


# A speaker label opening a line: one to four capitalised words or initials ("Q", "INTERVIEWER",
# "Dr. Ana Ruiz") and a colon, then the turn or the end of the line. Times ("10:30") and links
# ("https://") do not fit: they start with a digit or have no space after the colon.
_SPEAKER = re.compile(r"^\s*(?P<label>[^\W\d_][\w.'’-]*(?:[ \t]+[^\W\d_][\w.'’-]*){0,3})[ \t]*:(?:\s|$)")
_MAX_LABEL = 40


def _speaker_label(line: str) -> str | None:
    """The speaker label opening ``line``, or ``None``.

    >>> _speaker_label("INTERVIEWER: Were you at the harbour?")
    'INTERVIEWER'
    >>> _speaker_label("The minister said: no.") is None  # lowercase words are prose, not a label
    True
    """
    match = _SPEAKER.match(line)
    if match is None:
        return None
    label = match.group("label")
    if len(label) > _MAX_LABEL or not all(word[0].isupper() for word in label.split()):
        return None
    return label


def dialogue_lines(lines: list[str]) -> range:
    """The lines (as a range of indexes) of the dialogue or transcript in ``lines``, empty if there is none.

    A dialogue is turn-taking: speaker labels that come back, with something
    new to say. A label opening at least two lines is a speaker; there is a
    dialogue when two speakers take turns and at least one says different
    things ("Q:" asks, "A:" may answer "Yes." each time), or when one speaker
    says three different things (an interviewer whose answers are unlabelled).
    Labels that only repeat the same words ("Agency: - Talks begin" printed
    twice) are a repeated headline, not a dialogue. The dialogue runs from
    the first turn to the last, and on to the end of the last turn's
    paragraph (its answer). Within it, repeats are what dialogue is made of
    ("A: Yes.").

    >>> dialogue_lines(["Title", "Q: Were you there?", "A: Yes.", "Q: Did you see him?", "A: Yes.", "", "End."])
    range(1, 5)
    """
    turns: dict[str, set[int]] = {}  # label -> hashes of what it said: kept small for big texts
    labelled = []
    for index, line in enumerate(lines):
        label = _speaker_label(line)
        if label is None:
            continue
        turns.setdefault(label, set()).add(hash(_normal_form(line[:_MAX_REPEAT_LINE])))
        labelled.append((index, label))
    opened = Counter(label for _, label in labelled)
    speakers = {label for label, n in opened.items() if n >= 2}
    varied = [label for label in speakers if len(turns[label]) >= 2]
    asks = (
        label
        for label in varied
        if len(turns[label]) >= 3 and _answered(lines, [index for index, used in labelled if used == label])
    )
    if not ((len(speakers) >= 2 and varied) or any(asks)):
        return range(0)
    indexes = [index for index, label in labelled if label in speakers]
    end = indexes[-1] + 1
    while end < len(lines) and lines[end].strip() and _speaker_label(lines[end]) is None:
        end += 1  # the last turn's answer, up to the paragraph's end
    return range(indexes[0], end)


def _answered(lines: list[str], indexes: list[int]) -> bool:
    """Whether at least two of the turns opening at ``indexes`` are followed by an unlabelled line (an answer).

    Lines that all open with the same label and nothing between ("Paragraph 3: ...") are numbering, not turns.
    """
    bounds = zip(indexes, [*indexes[1:], len(lines)], strict=True)
    answered = sum(
        1
        for index, following in bounds
        if any(lines[i].strip() and _speaker_label(lines[i]) is None for i in range(index + 1, following))
    )
    return answered >= 2


def _byline_lines(lines: list[str], dialogue: range) -> set[int]:
    """Indexes of the byline lines: "By <name>" in the first or last lines, and a bare name where
    its position makes it a signature: in the closing block (nothing but blank lines, boilerplate,
    author bios and other signatures after it) or just above an author bio.
    """
    found: set[int] = set()
    n = len(lines)
    for index in [*range(min(n, 4)), *range(max(4, n - 8), n)]:
        if index not in dialogue and _BY.match(lines[index].strip()) and byline_author(lines[index], alone=False):
            found.add(index)
    closing = True  # walking up from the end: still inside the closing block
    below_bio = False
    for index in range(n - 1, -1, -1):
        line = lines[index]
        if not line.strip():
            continue
        reason = boilerplate_reason(line)
        if reason is not None:
            below_bio = reason == "author bio"
            continue
        if index in found or ((closing or below_bio) and byline_author(line, alone=True) is not None):
            found.add(index)
            below_bio = False
            continue
        closing = below_bio = False
        if index < n - 12:
            break  # a byline sits at an article's end; the rest of a long text is not scanned
    return found


def clean_text(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Remove boilerplate lines; return the cleaned text and the removed ``(start, end, reason)`` spans.

    Repeated headlines (a short line equal, up to punctuation, to an earlier
    line) and repeated bylines are removed too, except inside a dialogue or
    transcript (see :func:`dialogue_lines`), where speaker labels and short
    answers repeat by nature.

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
    lines = text.splitlines(keepends=True)
    dialogue = dialogue_lines(lines) if ":" in text else range(0)
    bylines = _byline_lines(lines, dialogue)
    for index, line in enumerate(lines):
        start, end = offset, offset + len(line)
        offset = end
        reason = BYLINE if index in bylines else boilerplate_reason(line)
        key = _normal_form(line) if len(line) <= _MAX_REPEAT_LINE else ""
        if key and len(key) <= _MAX_REPEAT_KEY:
            if reason is None and key in seen and index not in dialogue:
                reason = "repeated line"
            seen.add(key)
        if reason is None:
            kept.append(line)
        else:
            removed.append((start, end, reason))
    if not removed:
        return text, removed  # the same string: no second copy of a big text
    return "".join(kept), removed
