#!/usr/bin/env python3
"""Count organisations by children waiting, from a sweep whose points are organisations.

Reads a sweep.csv (one row per point x replication x metric) and, for each
point, the share of replications whose `waiting_children_end` is above a
threshold (default 100) and the share with none waiting. Summed over the
points these are the expected numbers of organisations in each group; the
interval comes from the replications (each replication is one draw of all
organisations at once: replication r of every point shares its random numbers).

    python3 analysis/organisations.py results/organisations/sweep.csv [--above 100] [--metric waiting_children_end]

Standard library only. Prints a small table and writes nothing.
"""

import argparse
import csv
import math
import statistics
import sys
from collections import defaultdict


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sweep_csv", help="sweep.csv of a sweep whose points are organisations")
    parser.add_argument("--above", type=float, default=100.0, help="threshold for 'many waiting' (default 100)")
    parser.add_argument("--metric", default="waiting_children_end", help="metric to count (default waiting_children_end)")
    args = parser.parse_args(argv)

    values = defaultdict(dict)  # replication -> point -> value
    try:
        with open(args.sweep_csv, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["metric"] == args.metric and row["value"] not in ("", "NA"):
                    values[int(row["replication"])][int(row["point"])] = float(row["value"])
    except (OSError, KeyError, ValueError) as e:
        print(f"error: {args.sweep_csv}: cannot read a sweep.csv with point, replication, metric, value: {e}",
              file=sys.stderr)
        return 1
    if not values:
        print(f"error: {args.sweep_csv}: no rows for metric '{args.metric}'", file=sys.stderr)
        return 1
    points = sorted({p for by_point in values.values() for p in by_point})
    reps = sorted(values)
    many = [sum(1 for p in points if values[r].get(p, 0.0) > args.above) for r in reps]
    none = [sum(1 for p in points if values[r].get(p, math.nan) == 0.0) for r in reps]

    def interval(xs):
        m = statistics.fmean(xs)
        if len(xs) < 2:
            return m, math.nan, math.nan
        half = 1.96 * statistics.stdev(xs) / math.sqrt(len(xs))
        return m, m - half, m + half

    print(f"{len(points)} organisations (points), {len(reps)} replications, metric {args.metric}")
    for label, xs in ((f"more than {args.above:g} waiting", many), ("none waiting", none)):
        m, lo, hi = interval(xs)
        print(f"  {label:<28} {m:5.1f} [{lo:.1f}, {hi:.1f}]  (range over replications {min(xs)}-{max(xs)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
