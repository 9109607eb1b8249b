"""Where the bundled sample corpus lives, so notebooks and exercises need no data download.

The corpus ships inside the package as ``toolkit/data/sample/`` (article files)
with ``toolkit/data/sample/metadata.csv`` (publication dates and titles). A
teacher can point every notebook at another folder of articles by setting
``PRESSLENS_SAMPLE_DIR`` (its ``metadata.csv``, if any, is used too).

>>> BUNDLED_SAMPLE.parts[-3:]
('toolkit', 'data', 'sample')
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import errors

if TYPE_CHECKING:  # the pipeline imports pandas and spaCy: only for the annotation
    from .pipeline import Corpus

__all__ = ["SampleCorpus", "sample_corpus", "BUNDLED_SAMPLE", "SAMPLE_ENV"]

BUNDLED_SAMPLE = Path(__file__).resolve().parent / "data" / "sample"
SAMPLE_ENV = "PRESSLENS_SAMPLE_DIR"


@dataclass(frozen=True, kw_only=True)
class SampleCorpus:
    """A folder of articles and its metadata CSV (``None`` when the folder has none).

    Pass both to :func:`toolkit.analyze`:
    ``toolkit.analyze(sample.folder, metadata=sample.metadata)``.
    """

    folder: Path
    metadata: Path | None

    @property
    def exists(self) -> bool:
        return self.folder.is_dir() and any(self._article_files())

    def _article_files(self) -> list[Path]:
        return (
            [
                p
                for p in self.folder.iterdir()
                if p.is_file() and p.name != "metadata.csv" and not p.name.startswith(".")
            ]
            if self.folder.is_dir()
            else []
        )

    def analyze(self, **options: Any) -> Corpus:
        """Analyse the sample with ``toolkit.analyze`` (same keyword options)."""
        from .pipeline import analyze

        return analyze([str(self.folder)], metadata=str(self.metadata) if self.metadata else None, **options)


def sample_corpus(*, required: bool = True) -> SampleCorpus:
    """The bundled sample corpus (or the folder named by ``$PRESSLENS_SAMPLE_DIR``).

    With ``required=True`` a missing or empty folder is an error that says where
    it was looked for and how to point elsewhere.
    """
    override = os.environ.get(SAMPLE_ENV)
    folder = Path(override).expanduser().resolve() if override else BUNDLED_SAMPLE
    metadata = folder / "metadata.csv"
    sample = SampleCorpus(folder=folder, metadata=metadata if metadata.is_file() else None)
    if required and not sample.exists:
        where = f"${SAMPLE_ENV}={override}" if override else "the package's bundled data"
        raise errors.InputError(
            f"No sample articles found in {folder} ({where}). Expected a folder of article files with an "
            f"optional metadata.csv. Reinstall PressLens to restore the bundled sample, or set {SAMPLE_ENV} "
            f"to a folder of your own articles."
        )
    return sample
