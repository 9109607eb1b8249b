"""Analyse the reference corpora into a folder, or compare two such folders table by table.

A refactor that must not change results is checked with it: snapshot before,
snapshot after, compare.

    python benchmarks/table_snapshot.py snapshot /tmp/before
    python benchmarks/table_snapshot.py snapshot /tmp/after
    python benchmarks/table_snapshot.py compare /tmp/before /tmp/after

The corpora are the bundled sample, ``../shared/data/sample-news`` and the
PolNeAR dev texts (each skipped with a note when absent). Runs use ``--no-cache``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
CORPORA = {
    "sample": (ROOT / "toolkit" / "data" / "sample", ROOT / "toolkit" / "data" / "sample" / "metadata.csv"),
    "sample-news": (SHARED / "sample-news", SHARED / "sample-news" / "metadata.csv"),
    "polnear-dev": (SHARED / "eval" / "polnear-dev" / "text", None),
}


def snapshot(out: Path) -> None:
    for name, (folder, metadata) in CORPORA.items():
        if not folder.exists():
            print(f"{name}: skipped, {folder} is absent")
            continue
        command = [
            sys.executable,
            "-m",
            "toolkit.cli",
            "analyze",
            str(folder),
            "--out",
            str(out / name),
            "--no-cache",
            "--quiet",
        ]
        if metadata is not None and metadata.exists():
            command += ["--metadata", str(metadata)]
        subprocess.run(command, check=True, cwd=ROOT)
        print(f"{name}: written to {out / name}")


def _plain(value: object) -> object:
    # list cells (numpy arrays after a Parquet round trip, nested for lists of pairs) compare as tuples
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        return value
    if isinstance(value, dict):
        return tuple(sorted((k, _plain(v)) for k, v in value.items()))
    return tuple(_plain(v) for v in value)


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.apply(lambda column: column.map(_plain) if column.dtype == object else column)


def compare(before: Path, after: Path) -> int:
    differences = 0
    for corpus in sorted(p.name for p in before.iterdir() if p.is_dir()):
        for table in sorted(before.joinpath(corpus).glob("*.parquet")):
            other = after / corpus / table.name
            if not other.exists():
                print(f"{corpus}/{table.stem}: missing after")
                differences += 1
                continue
            old, new = _comparable(pd.read_parquet(table)), _comparable(pd.read_parquet(other))
            added = sorted(set(new.columns) - set(old.columns))
            removed = sorted(set(old.columns) - set(new.columns))
            shared = [c for c in old.columns if c in new.columns]
            same = len(old) == len(new) and old[shared].reset_index(drop=True).equals(
                new[shared].reset_index(drop=True)
            )
            status = "identical" if same and not removed else "DIFFERENT"
            extra = f" (+columns {added})" if added else ""
            extra += f" (-columns {removed})" if removed else ""
            print(f"{corpus}/{table.stem}: {status}, rows {len(old)} -> {len(new)}{extra}")
            if not same:
                differences += 1
                for column in shared:
                    if len(old) == len(new) and not old[column].reset_index(drop=True).equals(
                        new[column].reset_index(drop=True)
                    ):
                        print(f"    column {column} differs")
    return differences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("snapshot").add_argument("out", type=Path)
    comparing = sub.add_parser("compare")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "snapshot":
        snapshot(args.out)
    else:
        sys.exit(1 if compare(args.before, args.after) else 0)


if __name__ == "__main__":
    main()
