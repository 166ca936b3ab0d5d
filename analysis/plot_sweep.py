#!/usr/bin/env python3
"""Plots of a sweep's results (optional; not needed to build, run or test caseload-sim).

Reads the summary.csv of a sweep results folder (caseload sweep / caseload merge)
and draws one metric:

  * against one parameter, the mean with its 95% interval as a band, one line
    per value of the other swept parameters (or of --by);
  * over two parameters (--y), as a heat map of the mean.

Points flagged unstable (the waitlist keeps growing) are marked with an x.
A Latin hypercube (design: lhs) has no lines to follow: its points are drawn
as a scatter with a smoother (a local linear fit) through the stable ones.

Needs Debian's python3-pandas and python3-matplotlib:
    apt-get install python3-pandas python3-matplotlib

Examples:
    python3 analysis/plot_sweep.py results/norm-rate --metric waitlist_mean --x workforce.caseload_norm
    python3 analysis/plot_sweep.py results/norm-rate --metric time_to_help_mean_days \\
        --x workforce.caseload_norm --y referrals.rate_per_week --out heat.png
    python3 analysis/plot_sweep.py results/norm-rate --metric waitlist_mean --x referrals.rate_per_week \\
        --where workforce.caseload_norm=14
"""

import argparse
import csv
import importlib
import os
import sys

pd = plt = np = None  # imported by require(), after the arguments are read (so --help needs neither)

PACKAGES = [("pandas", "python3-pandas"), ("matplotlib", "python3-matplotlib")]


def require():
    """Import pandas and matplotlib, or say which is missing and how to install it."""
    global pd, plt, np
    missing = []
    for module, debian in PACKAGES:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append((module, debian))
    if missing:
        names = " and ".join(m for m, _ in missing)
        sys.exit(f"plot_sweep.py needs {names}, which {'is' if len(missing) == 1 else 'are'} not installed.\n"
                 f"Install on Debian/Ubuntu: sudo apt-get install {' '.join(d for _, d in missing)}\n"
                 f"or with pip: python3 -m pip install {' '.join(m for m, _ in missing)}")
    import matplotlib
    matplotlib.use("Agg")  # files only, no display needed
    import matplotlib.pyplot as plt_module
    import numpy as np_module
    import pandas as pd_module
    pd, plt, np = pd_module, plt_module, np_module


def design_of(folder):
    """The sweep's design ('grid' or 'lhs') from manifest.csv; 'grid' when it does not say."""
    path = os.path.join(folder, "manifest.csv")
    if os.path.exists(path):
        with open(path, newline="") as f:
            for row in csv.reader(f):
                if len(row) >= 2 and row[0] == "design":
                    return row[1]
    return "grid"


def smooth(x, y, points=60):
    """A local linear fit with a Gaussian kernel (a fifth of the range wide): the trend through a scatter."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    grid = np.linspace(x.min(), x.max(), points)
    width = max((x.max() - x.min()) / 5, 1e-12)
    out = []
    for g in grid:
        w = np.exp(-0.5 * ((x - g) / width) ** 2)
        sw = w.sum()
        mx, my = (w * x).sum() / sw, (w * y).sum() / sw
        var = (w * (x - mx) ** 2).sum()
        slope = (w * (x - mx) * (y - my)).sum() / var if var > 0 else 0.0
        out.append(my + slope * (g - mx))
    return grid, np.array(out)


def scatter_plot(df, metric, x, ax):
    stable = df[~df["unstable"]]
    ax.scatter(stable[x], stable["mean"], s=18, alpha=0.7, label="point (mean over replications)")
    bad = df[df["unstable"]]
    if not bad.empty:
        ax.scatter(bad[x], bad["mean"], marker="x", s=60, color="black", label="unstable")
    if len(stable) >= 3 and stable[x].nunique() >= 3:
        gx, gy = smooth(stable[x], stable["mean"])
        ax.plot(gx, gy, color="firebrick", linewidth=2, label="smoother (local linear, stable points)")
    ax.set_xlabel(x)
    ax.set_ylabel(f"{metric} ({df['unit'].iloc[0]})")
    ax.set_title(f"{metric}: Latin hypercube points, the other parameters vary too")
    ax.legend(fontsize="small")

FIXED = ["point", "metric", "mean", "ci_low", "ci_high", "sd", "p10", "p90", "replications", "unit", "unstable"]


def load(folder, metric):
    path = os.path.join(folder, "summary.csv")
    if not os.path.exists(path):
        sys.exit(f"no summary.csv in {folder}: expected the folder of a finished sweep")
    df = pd.read_csv(path)
    params = [c for c in df.columns if c not in FIXED]
    if metric not in set(df["metric"]):
        sys.exit(f"no metric '{metric}'; the summary has: {', '.join(sorted(set(df['metric'])))}")
    return df[df["metric"] == metric].copy(), params


def check_param(name, params):
    if name not in params:
        sys.exit(f"no parameter column '{name}'; the sweep's parameters are: {', '.join(params)}")


def apply_where(df, where, params):
    for clause in where:
        name, _, value = clause.partition("=")
        check_param(name, params)
        column = df[name]
        try:
            df = df[column.astype(float) == float(value)]
        except ValueError:
            df = df[column.astype(str) == value]
        if df.empty:
            sys.exit(f"no points with {clause}")
    return df


def line_plot(df, metric, x, by, ax):
    groups = [(None, df)] if not by else list(df.groupby(by[0] if len(by) == 1 else by))
    if len(groups) > 10:
        sys.exit(f"{len(groups)} lines: choose --by or narrow the points with --where PARAM=VALUE")
    for key, g in groups:
        g = g.sort_values(x)
        label = None if key is None else ", ".join(f"{b} = {v}" for b, v in zip(by, key if isinstance(key, tuple) else (key,)))
        line = ax.plot(g[x], g["mean"], marker="o", label=label)[0]
        ax.fill_between(g[x], g["ci_low"], g["ci_high"], alpha=0.2, color=line.get_color())
        bad = g[g["unstable"]]
        ax.scatter(bad[x], bad["mean"], marker="x", s=80, color="black", zorder=3,
                   label="unstable" if key is None or key == groups[0][0] else None)
    ax.set_xlabel(x)
    ax.set_ylabel(f"{metric} ({df['unit'].iloc[0]})")
    ax.set_title(f"{metric}: mean and 95% interval")
    if by or df["unstable"].any():
        ax.legend(fontsize="small")


def heat_map(df, metric, x, y, others, fig, ax):
    table = df.pivot_table(index=y, columns=x, values="mean", aggfunc="mean").sort_index(ascending=False)
    image = ax.imshow(table.values, aspect="auto", cmap="viridis")
    ax.set_xticks(range(len(table.columns)), [f"{v:g}" if isinstance(v, float) else str(v) for v in table.columns])
    ax.set_yticks(range(len(table.index)), [f"{v:g}" if isinstance(v, float) else str(v) for v in table.index])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    fig.colorbar(image, ax=ax, label=f"{metric} ({df['unit'].iloc[0]})")
    unstable = df.pivot_table(index=y, columns=x, values="unstable", aggfunc="max").sort_index(ascending=False)
    for i, row in enumerate(unstable.index):
        for j, col in enumerate(unstable.columns):
            if bool(unstable.loc[row, col]):
                ax.text(j, i, "x", ha="center", va="center", color="white", fontsize=14)
    title = f"{metric}: mean over replications"
    if others:
        title += f"\n(averaged over {', '.join(others)})"
    ax.set_title(title)


def main():
    ap = argparse.ArgumentParser(description="Plot a metric of a caseload-sim sweep from its summary.csv.")
    ap.add_argument("folder", help="a sweep results folder (with summary.csv)")
    ap.add_argument("--metric", required=True, help="e.g. waitlist_mean, time_to_help_mean_days")
    ap.add_argument("--x", required=True, help="parameter column on the x axis, e.g. workforce.caseload_norm")
    ap.add_argument("--y", help="a second parameter: draw a heat map over x and y")
    ap.add_argument("--by", action="append", default=None, help="one line per value of this parameter (repeatable)")
    ap.add_argument("--where", action="append", default=[], help="keep only points with PARAM=VALUE (repeatable)")
    ap.add_argument("--out", help="image file (default: <folder>/<metric>-<x>[-<y>].png)")
    args = ap.parse_args()
    require()

    df, params = load(args.folder, args.metric)
    check_param(args.x, params)
    df = apply_where(df, args.where, params)
    fixed = {w.partition("=")[0] for w in args.where}
    fig, ax = plt.subplots(figsize=(8, 5.5))
    if args.y:
        check_param(args.y, params)
        others = [p for p in params if p not in (args.x, args.y) and p not in fixed and df[p].nunique() > 1]
        heat_map(df, args.metric, args.x, args.y, others, fig, ax)
    elif design_of(args.folder) == "lhs" and not args.by:
        scatter_plot(df, args.metric, args.x, ax)
    else:
        by = args.by or [p for p in params if p != args.x and p not in fixed and df[p].nunique() > 1]
        for b in by:
            check_param(b, params)
        line_plot(df, args.metric, args.x, by, ax)
    out = args.out or os.path.join(args.folder, f"{args.metric}-{args.x}" + (f"-{args.y}" if args.y else "") + ".png")
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print(out)


if __name__ == "__main__":
    main()
