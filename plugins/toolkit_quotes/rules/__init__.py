"""The quote-finding rules: quoted speech, reported speech and relays in a parsed Doc.

:func:`find_quotes` (in :mod:`.find`) runs the passes in order; each pass is a
module of its own, and the word lists they test words against are data files
read once by :mod:`.words`:

- :mod:`.records` — the options and the quote records;
- :mod:`.marks` — quote marks paired into quoted stretches;
- :mod:`.memo` — per-Doc memos and fast token look-ups;
- :mod:`.spans` — offsets: trimming, clipping to a line, the kind of a quote;
- :mod:`.verbs` — which words are cues: reporting and message verbs;
- :mod:`.speakers` — the phrase naming a speaker and what it resolves to;
- :mod:`.direct` — pass 1, quotations with a cue before or after them;
- :mod:`.reported` — pass 2, reporting verbs with a message;
- :mod:`.repairs` — where a message starts and stops when the parse runs on or falls short;
- :mod:`.nouns` — message nouns and attitude adjectives ("the claim that …", "critical of …");
- :mod:`.relays` — pass 3, "according to X", media relaying someone's words, source frames;
- :mod:`.paragraphs` — pass 4, colon blocks, speaker lines, continued quotations;
- :mod:`.find` — the order of the passes, de-duplication and speaker resolution.

The modules share helpers among themselves; what other code uses is listed here.
"""

from __future__ import annotations

from .find import find_quotes
from .marks import MarkProblem, Stretch, scan_quotes
from .records import Quote, QuoteOptions
from .speakers import Resolution, resolve_speaker

__all__ = [
    "find_quotes",
    "Quote",
    "QuoteOptions",
    "scan_quotes",
    "Stretch",
    "MarkProblem",
    "Resolution",
    "resolve_speaker",
]
