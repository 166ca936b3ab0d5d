#!/bin/sh
# A sweep stopped part-way, then continued with --resume, writes the same
# files, byte for byte, as a run that was never stopped; it leaves no results
# folder and no half-written point file.
# - KILL (SIGKILL): nothing can be said; the finished points are kept.
# - INT (Ctrl-C) or TERM (a batch system): it stops after the replications in
#   progress with exit code 130 and a message naming the command that
#   continues it; that command is run as printed.
#
#   sh tests/sweep_stop_resume.sh CASELOAD DATA_DIR WORK_DIR KILL|INT|TERM
set -eu
. "$(dirname "$0")/stop_helpers.sh"
caseload=$1
data=$2
work=$3
signal=$4
rm -rf "$work"
mkdir -p "$work"
sweep="$data/sweep_small.yaml"
resume="caseload sweep $sweep --out $work/stopped --replications 1000 --threads 2 --resume"

"$caseload" sweep "$sweep" -q -r 1000 -t 2 --out "$work/whole" >/dev/null

# Not quiet: the stop must be reported even so.
"$caseload" sweep "$sweep" -r 1000 -t 2 --out "$work/stopped" >/dev/null 2>"$work/stopped.err" &
pid=$!  # the program itself, not a subshell: the signal must reach it
points="$work/.stopped.sweep-partial/points"
stop_when_saved "$pid" "$signal" "$points" '\.csv' 1 point
[ ! -e "$work/stopped" ] || { echo "FAIL: the stopped sweep left a results folder"; exit 1; }
[ "$saved" -lt 6 ] || { echo "FAIL: the sweep finished before it was stopped (make its points slower)"; exit 1; }
if [ "$signal" != KILL ]; then
    [ "$code" -eq 130 ] || { echo "FAIL: exit code $code after SIG$signal, expected 130"; cat "$work/stopped.err"; exit 1; }
    grep -q "^interrupted: stopped after the points in progress; $saved of 6 points are saved in " "$work/stopped.err" ||
        { echo "FAIL: no message saying $saved of 6 points are saved"; cat "$work/stopped.err"; exit 1; }
    grep -qxF "  $resume" "$work/stopped.err" ||
        { echo "FAIL: the message does not name the command: $resume"; cat "$work/stopped.err"; exit 1; }
    # No write was cut short: only whole point files and the folder's own files.
    if ls -a "$points" | grep -q partial; then echo "FAIL: a point file was left half written"; exit 1; fi
fi

# The command as printed, with this build's program.
set -- ${resume#caseload }
"$caseload" "$@" -q >/dev/null 2>"$work/resume.err" || { cat "$work/resume.err"; exit 1; }
grep -q "\"points_resumed\": $saved," "$work/stopped/metadata.json" ||
    { echo "FAIL: expected $saved points resumed"; cat "$work/stopped/metadata.json"; exit 1; }
for f in sweep.csv summary.csv sensitivity.csv metamodel.csv design.csv manifest.csv scenario.yaml; do
    cmp "$work/whole/$f" "$work/stopped/$f" || { echo "FAIL: $f differs after the resume"; exit 1; }
done
rm -rf "$work"
echo "SIG$signal after $saved of 6 points, resumed: same files"
