#!/bin/sh
# A sweep killed with SIGKILL part-way leaves no results folder; run again
# with --resume it runs only the points that were not finished and writes the
# same files, byte for byte, as a run that was never stopped.
#
#   sh tests/sweep_kill_resume.sh CASELOAD DATA_DIR WORK_DIR
set -eu
caseload=$1
data=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
run() { "$caseload" sweep "$data/sweep_small.yaml" -q -r 400 -t 2 "$@"; }

run --out "$work/whole" >/dev/null

"$caseload" sweep "$data/sweep_small.yaml" -q -r 400 -t 2 --out "$work/killed" >/dev/null &
pid=$!  # the program itself, not a subshell: kill -9 must reach it
points="$work/.killed.sweep-partial/points"
count() { ls "$points" 2>/dev/null | grep -c '\.csv$' || true; }
tries=0
while [ "$(count)" -lt 2 ]; do
    tries=$((tries + 1))
    if [ "$tries" -gt 6000 ]; then
        kill -9 "$pid" 2>/dev/null || true
        echo "FAIL: no point was written within a minute"
        exit 1
    fi
    sleep 0.01
done
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
done_before=$(count)
[ ! -e "$work/killed" ] || { echo "FAIL: the killed sweep left a results folder"; exit 1; }
[ "$done_before" -lt 6 ] || { echo "FAIL: the sweep finished before it was killed (make its points slower)"; exit 1; }

run --out "$work/killed" --resume >/dev/null 2>"$work/resume.err" || { cat "$work/resume.err"; exit 1; }
# -q keeps stderr quiet: check the resume through metadata.json instead.
grep -q "\"points_resumed\": $done_before," "$work/killed/metadata.json" ||
    { echo "FAIL: expected $done_before points resumed"; cat "$work/killed/metadata.json"; exit 1; }
for f in sweep.csv summary.csv sensitivity.csv metamodel.csv design.csv manifest.csv scenario.yaml; do
    cmp "$work/whole/$f" "$work/killed/$f" || { echo "FAIL: $f differs after the resume"; exit 1; }
done
rm -rf "$work"
echo "killed after $done_before of 6 points, resumed: same files"
