#!/usr/bin/env python3
"""Runs bench.py several times and compares nginx and Sluice run by run.

One run's numbers move by 5-15 % on a small shared machine, more than the difference between
the proxies in the latency rows, so one run cannot say which proxy is ahead. This runs
`bench.py --measure latency,first_event` (by default) `--runs` times, keeps each run's table, and
prints, per row, the median of each column over the runs, the median of the runs' differences
(Sluice − nginx: in the latency rows this is also the difference in latency *added*, since both
proxies are compared with the same `direct` run), in how many runs Sluice had the lower number,
and a two-sided sign test of that count (the chance of a split at least this uneven if neither
proxy were ahead). Lower is better in every row it compares.

Usage: bench/run.sh repeat [--runs N] [--out DIR] [-- bench.py arguments]
"""
import argparse
import math
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def table_rows(text):
    """{label: (direct, nginx, sluice)} for the rows of a bench.py table whose nginx and Sluice
    cells are numbers (direct: None where it has none)."""
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("| ") or len(cells) != 4:
            continue
        label, direct, nginx, sluice = cells
        try:
            rows[label] = (number(direct), float(nginx.replace(",", "")), float(sluice.replace(",", "")))
        except ValueError:
            continue
    return rows


def number(cell):
    try:
        return float(cell.replace(",", ""))
    except ValueError:
        return None


def sign_test(lower, higher):
    """Two-sided sign test: the chance of a split at least as uneven as `lower`:`higher` when
    either proxy is equally likely to be ahead in a run (ties are left out)."""
    n = lower + higher
    if n == 0:
        return 1.0
    k = min(lower, higher)
    return min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n)


def summarize(runs):
    """Markdown table over the runs' rows (a list of `table_rows` results)."""
    labels = [label for label in runs[0] if all(label in run for run in runs)]
    lines = [
        f"| row ({len(runs)} runs; medians over the runs) | direct | nginx | Sluice | Sluice − nginx, median of the "
        "runs' differences | runs where Sluice is lower | sign test p |",
        "|---|---|---|---|---|---|---|",
    ]
    for label in labels:
        rows = [run[label] for run in runs]
        directs = [direct for direct, _, _ in rows if direct is not None]
        lower = sum(1 for _, nginx, sluice in rows if sluice < nginx)
        higher = sum(1 for _, nginx, sluice in rows if sluice > nginx)
        ties = len(rows) - lower - higher
        tie_note = f" ({ties} tied)" if ties else ""
        direct = f"{statistics.median(directs):,.3f}" if len(directs) == len(rows) else "—"
        lines.append(
            f"| {label} | {direct} | {statistics.median(n for _, n, _ in rows):,.3f} "
            f"| {statistics.median(s for _, _, s in rows):,.3f} "
            f"| {statistics.median(s - n for _, n, s in rows):+,.3f} | {lower} of {len(rows)}{tie_note} "
            f"| {sign_test(lower, higher):.2f} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sluice", required=True, help="path of the release-built sluice binary")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--out", default=None, help="directory for each run's table (default: bench/out/repeat-TIME)")
    parser.add_argument("bench_arguments", nargs="*",
                        help="bench.py arguments (after --); default: --measure latency,first_event")
    args = parser.parse_args()
    if args.runs < 1:
        sys.exit("--runs must be at least 1")
    out = args.out or os.path.join(HERE, "out", time.strftime("repeat-%Y%m%d-%H%M%S"))
    os.makedirs(out, exist_ok=True)
    extra = args.bench_arguments or ["--measure", "latency,first_event"]
    runs = []
    for index in range(1, args.runs + 1):
        print(f"run {index}/{args.runs}", file=sys.stderr, flush=True)
        result = subprocess.run(
            [sys.executable, os.path.join(HERE, "bench.py"), "--sluice", args.sluice, "--targets", "direct,nginx,sluice",
             *extra], capture_output=True, text=True)
        with open(os.path.join(out, f"run-{index}.md"), "w") as table:
            table.write(result.stdout)
        if result.returncode != 0:
            sys.stderr.write(result.stderr)
            sys.exit(f"run {index} failed (exit {result.returncode}); its output is in {out}")
        rows = table_rows(result.stdout)
        if not rows:
            sys.exit(f"run {index} printed no table with numbers for nginx and Sluice; see {out}")
        runs.append(rows)
    summary = summarize(runs)
    with open(os.path.join(out, "summary.md"), "w") as file:
        file.write(summary + "\n")
    print(summary)
    print(f"\nEach run's table: {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
