"""What the rules produce and take: :class:`QuoteOptions`, :class:`Quote`, and the :class:`Draft` a pass builds."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span


@dataclass(frozen=True, kw_only=True)
class QuoteOptions:
    """What counts as an attribution.

    ``beliefs``: also report belief and finding verbs governing a clause ("polls
    show that …", "he believes …") — PolNeAR-style attribution; off gives speech only.
    ``min_direct_words``: a quoted stretch shorter than this with no cue is a
    scare quote, not speech.
    """

    beliefs: bool = True
    min_direct_words: int = 3


@dataclass(frozen=True, kw_only=True)
class CoSpeaker:
    """One of several speakers of a quote ("Ostland and Westmark deny …"): its phrase and what it resolves to."""

    start: int
    end: int
    ref_start: int | None = None
    ref_end: int | None = None
    resolution: str = "none"

    def name(self, text: str) -> str:
        """The name it resolves to, else its own phrase."""
        if self.ref_start is not None and self.ref_end is not None:
            return text[self.ref_start : self.ref_end]
        return text[self.start : self.end]

    def reference(self) -> list[int] | None:
        """``[ref_start, ref_end]``, or None when the phrase resolves to nothing."""
        if self.ref_start is None or self.ref_end is None:
            return None
        return [self.ref_start, self.ref_end]


@dataclass(frozen=True, kw_only=True)
class Quote:
    """One attribution: who (speaker), how (cue), what (content), through whom (via).

    Offsets are character offsets into ``doc.text``, end exclusive; ``None`` when absent.
    ``content_parts`` lists the content's pieces when a speaker and cue interrupt it
    (“A,” he said. “B.”); ``speaker_ref_*`` is the named mention the speaker resolves to.
    ``speakers`` holds every speaker of a coordinated subject ("Ostland and Westmark
    deny …"), the first of them being the one of ``speaker_ref_*``; empty when the
    speaker is one.
    """

    kind: str  # direct, partial, indirect or mixed
    content_start: int
    content_end: int
    content_parts: tuple[tuple[int, int], ...] = ()
    cue_start: int | None = None
    cue_end: int | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_ref_start: int | None = None
    speaker_ref_end: int | None = None
    speaker_confidence: float = 0.0
    speaker_resolution: str = "none"
    via_start: int | None = None
    via_end: int | None = None
    speakers: tuple[CoSpeaker, ...] = ()
    # which rule found it: quote-after, quote-before, dash, colon-headline, clause, noun, attitude, relay,
    # colon-block, speaker-line, continuation, unattributed
    source: str = ""
    # the learned model's calibrated probability that this is an attribution; None from the rules alone
    confidence: float | None = None

    def row(self, text: str) -> dict[str, object]:
        """The quote as a row of the ``quotes`` table (without ids and the corpus-level joins)."""

        def piece(start: int | None, end: int | None) -> str | None:
            return text[start:end] if start is not None and end is not None else None

        return {
            "kind": self.kind,
            "content_start": self.content_start,
            "content_end": self.content_end,
            "content": text[self.content_start : self.content_end],
            "cue_start": self.cue_start,
            "cue_end": self.cue_end,
            "speaker_start": self.speaker_start,
            "speaker_end": self.speaker_end,
            "speaker_text": piece(self.speaker_start, self.speaker_end),
            "speaker_ref_start": self.speaker_ref_start,
            "speaker_ref_end": self.speaker_ref_end,
            "speaker_ref_text": piece(self.speaker_ref_start, self.speaker_ref_end),
            "speaker_confidence": round(float(self.speaker_confidence), 3),
            "speaker_resolution": self.speaker_resolution,
            "cue": piece(self.cue_start, self.cue_end),
            "via_start": self.via_start,
            "via_end": self.via_end,
            "via_text": piece(self.via_start, self.via_end),
            "content_parts": [list(p) for p in self.content_parts],
            "rule": self.source,
            "confidence": self.confidence,
            # every speaker, the first being the contract columns' one: its name, and the span it
            # resolves to (null when unresolved) for the corpus step to link to an entity
            "speakers": [s.name(text) for s in self.all_speakers()],
            "speaker_spans": [s.reference() for s in self.all_speakers()],
        }

    def all_speakers(self) -> tuple[CoSpeaker, ...]:
        """``speakers``, or the one speaker of the contract columns (none when there is no speaker)."""
        if self.speakers:
            return self.speakers
        if self.speaker_start is None or self.speaker_end is None:
            return ()
        one = CoSpeaker(
            start=self.speaker_start,
            end=self.speaker_end,
            ref_start=self.speaker_ref_start,
            ref_end=self.speaker_ref_end,
            resolution=self.speaker_resolution,
        )
        return (one,)


@dataclass(kw_only=True)
class Draft:
    """A quote being built; frozen into :class:`Quote` once speakers are resolved."""

    kind: str  # direct, partial, indirect or mixed
    content: tuple[int, int]
    parts: list[tuple[int, int]] = field(default_factory=list)
    cue: tuple[int, int] | None = None
    cue_token: int | None = None
    speaker: Span | None = None
    via: tuple[int, int] | None = None
    source: str = ""
    inherited_from: Draft | None = None
