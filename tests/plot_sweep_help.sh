#!/bin/sh
# analysis/plot_sweep.py without pandas: --help works, and a plot names the
# missing package and how to install it (pandas is hidden by a stand-in that
# fails to import, so the test means the same on a machine that has it).
set -u
script=$1
work=$2
rm -rf "$work"
mkdir -p "$work/fake/pandas"
echo 'raise ImportError("No module named pandas (hidden by the test)")' >"$work/fake/pandas/__init__.py"
fail() { echo "FAIL: $1"; cat "$work/out" "$work/err" 2>/dev/null; exit 1; }
PYTHONPATH="$work/fake" python3 "$script" --help >"$work/out" 2>"$work/err" || fail "--help exits non-zero without pandas"
grep -q "usage: plot_sweep.py" "$work/out" || fail "--help prints no usage"
PYTHONPATH="$work/fake" python3 "$script" "$work" --metric waitlist_mean --x a >"$work/out" 2>"$work/err" && fail "a plot without pandas exits 0"
grep -q "needs pandas" "$work/err" || fail "the message does not name pandas"
grep -q "apt-get install python3-pandas" "$work/err" || fail "the message does not say how to install it"
grep -q "Traceback" "$work/err" && fail "a traceback instead of a message"
echo "ok: plot_sweep.py --help without pandas, and a plot names the missing package"
