"""CPU time of claim grouping on the tables of a finished run, by story or as one story.

Grouping compares claims within a story thread; without a stories step a corpus is
one story, the worst case (issue #22: the corpus steps must not be a serial stall).
This reruns only the claims corpus step on saved tables (``presslens analyze ... --out
DIR``; the claim readings are in them, so no model is loaded) and prints the step's CPU
seconds and those of :func:`toolkit_claims.rules.grouping.group_claims` within it.

    PYTHONPATH=$PWD:$PWD/plugins python benchmarks/claim_grouping.py DIR [--one-story]

CPU seconds (``time.process_time``), so other processes on the machine weigh less
than on wall-clock time; still compare runs made on the same machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tables", type=Path, help="a run's output folder (<table>.parquet files)")
    parser.add_argument("--one-story", action="store_true", help="every article in one story (no stories step)")
    args = parser.parse_args(argv)

    import pandas as pd

    import toolkit_claims.rules.grouping as grouping
    from toolkit.sdk import StepContext
    from toolkit_claims.step import claims_step

    tables = {p.stem: pd.read_parquet(p) for p in sorted(args.tables.glob("*.parquet"))}
    if "claim_readings" not in tables:
        raise SystemExit(f"No claim_readings.parquet in {args.tables}: give the output folder of a run with claims.")
    articles = tables["articles"].drop(columns=["story_id", "thread_id"], errors="ignore")
    if args.one_story:
        tables["articles"] = articles.assign(story_id="one")
    else:  # this checkout's stories (and threads, where it makes them)
        from toolkit_stories.step import stories_step

        tables.update(stories_step({**tables, "articles": articles}, StepContext(options={})))
    spent = [0.0]
    group_claims = grouping.group_claims

    def timed(*positional, **named):
        started = time.process_time()
        try:
            return group_claims(*positional, **named)
        finally:
            spent[0] += time.process_time() - started

    grouping.group_claims = timed
    import toolkit_claims.rules.anaphora as anaphora

    anaphora.group_claims = timed  # where the claims step calls it from
    started = time.process_time()
    claims = claims_step(tables, StepContext(options={}))["claims"]
    total = time.process_time() - started
    print(
        f"{len(tables['articles'])} articles, {len(claims)} claims, {claims['group_id'].nunique()} groups"
        f"{' (one story)' if args.one_story else ''}: claims step {total:.2f} s CPU, grouping {spent[0]:.2f} s CPU"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
