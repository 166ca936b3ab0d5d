#!/bin/sh
# A sweep sent one SIGINT (Ctrl-C) or SIGTERM (a batch system) part-way stops
# after the replications in progress: exit code 130, no results folder, the
# finished points saved, and a message naming the command that continues it.
# That command, run as printed, writes the same files, byte for byte, as a
# run that was never stopped.
#
#   sh tests/sweep_signal_resume.sh CASELOAD DATA_DIR WORK_DIR INT|TERM
set -eu
caseload=$1
data=$2
work=$3
signal=$4
rm -rf "$work"
mkdir -p "$work"
sweep="$data/sweep_small.yaml"

"$caseload" sweep "$sweep" -q -r 1000 -t 2 --out "$work/whole" >/dev/null

# Not quiet: the stop must be reported even so.
"$caseload" sweep "$sweep" -r 1000 -t 2 --out "$work/stopped" >/dev/null 2>"$work/stopped.err" &
pid=$!  # the program itself, not a subshell: the signal must reach it
points="$work/.stopped.sweep-partial/points"
count() { ls "$points" 2>/dev/null | grep -c '\.csv$' || true; }
tries=0
while [ "$(count)" -lt 1 ]; do
    tries=$((tries + 1))
    if [ "$tries" -gt 6000 ]; then
        kill -9 "$pid" 2>/dev/null || true
        echo "FAIL: no point was written within a minute"
        exit 1
    fi
    sleep 0.01
done
kill -s "$signal" "$pid"
code=0
wait "$pid" || code=$?
saved=$(count)
[ "$code" -eq 130 ] || { echo "FAIL: exit code $code after SIG$signal, expected 130"; cat "$work/stopped.err"; exit 1; }
[ ! -e "$work/stopped" ] || { echo "FAIL: the stopped sweep left a results folder"; exit 1; }
[ "$saved" -lt 6 ] || { echo "FAIL: the sweep finished before it was stopped (make its points slower)"; exit 1; }
grep -q "^interrupted: stopped after the points in progress; $saved of 6 points are saved in " "$work/stopped.err" ||
    { echo "FAIL: no message saying $saved of 6 points are saved"; cat "$work/stopped.err"; exit 1; }
resume="caseload sweep $sweep --out $work/stopped --replications 1000 --threads 2 --resume"
grep -qxF "  $resume" "$work/stopped.err" ||
    { echo "FAIL: the message does not name the command: $resume"; cat "$work/stopped.err"; exit 1; }
# No write was cut short: only whole point files and the folder's own files.
if ls -a "$points" | grep -q partial; then echo "FAIL: a point file was left half written"; exit 1; fi

# The command as printed, with this build's program.
set -- ${resume#caseload }
"$caseload" "$@" -q >/dev/null 2>"$work/resume.err" || { cat "$work/resume.err"; exit 1; }
grep -q "\"points_resumed\": $saved," "$work/stopped/metadata.json" ||
    { echo "FAIL: expected $saved points resumed"; cat "$work/stopped/metadata.json"; exit 1; }
for f in sweep.csv summary.csv sensitivity.csv metamodel.csv design.csv manifest.csv scenario.yaml; do
    cmp "$work/whole/$f" "$work/stopped/$f" || { echo "FAIL: $f differs after the resume"; exit 1; }
done
rm -rf "$work"
echo "SIG$signal after $saved of 6 points: exit 130, resumed as printed: same files"
