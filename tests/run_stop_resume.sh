#!/bin/sh
# A compare stopped with SIGINT (Ctrl-C) or SIGTERM (a batch system) part-way
# stops after the replications in progress with exit code 130 and a message
# naming the command that continues it; that command, run as printed, writes
# the same files, byte for byte, as a run that was never stopped.
#
#   sh tests/run_stop_resume.sh CASELOAD SCENARIOS_DIR WORK_DIR INT|TERM
set -eu
. "$(dirname "$0")/stop_helpers.sh"
caseload=$1
scenarios=$2
work=$3
signal=$4
rm -rf "$work"
mkdir -p "$work"
a="$scenarios/baseline.yaml"
b="$scenarios/caseload10.yaml"
resume="caseload compare $a $b --out $work/stopped --replications 40 --seed 5 --threads 2 --resume"

"$caseload" compare "$a" "$b" -q -r 40 -s 5 -t 2 --out "$work/whole" >/dev/null

# Not quiet: the stop must be reported even so. Each replication is synced on
# its own, so that the stop comes part-way.
CASELOAD_SYNC_EVERY=1 "$caseload" compare "$a" "$b" -r 40 -s 5 -t 2 --out "$work/stopped" >/dev/null 2>"$work/stopped.err" &
pid=$!  # the program itself, not a subshell: the signal must reach it
kept="$work/.stopped.run-partial"
stop_when_written "$pid" "$signal" "$kept/journal" replication
# How many the stop kept, as it says; the resume must find as many.
saved=$(sed -n 's/^interrupted: stopped after the replications in progress; \([0-9]*\) of 80 replications are saved in .*/\1/p' \
    "$work/stopped.err")
[ -n "$saved" ] || { echo "FAIL: no message saying how many of 80 replications are saved"; cat "$work/stopped.err"; exit 1; }
[ "$saved" -ge 1 ] || { echo "FAIL: the stop kept no replication"; exit 1; }
[ ! -e "$work/stopped" ] || { echo "FAIL: the stopped compare left a results folder"; exit 1; }
[ "$saved" -lt 80 ] || { echo "FAIL: the compare finished before it was stopped (give it more replications)"; exit 1; }
[ "$code" -eq 130 ] || { echo "FAIL: exit code $code after SIG$signal, expected 130"; cat "$work/stopped.err"; exit 1; }
grep -q "^interrupted: stopped after the replications in progress; $saved of 80 replications are saved in $kept " \
    "$work/stopped.err" || { echo "FAIL: no message saying $saved of 80 replications are saved"; cat "$work/stopped.err"; exit 1; }
grep -qxF "  $resume" "$work/stopped.err" ||
    { echo "FAIL: the message does not name the command: $resume"; cat "$work/stopped.err"; exit 1; }
# No write was cut short: only the journal and the manifest.
[ "$(ls -A "$kept" | tr '\n' ' ')" = "journal manifest.txt " ] ||
    { echo "FAIL: unexpected files kept: $(ls -A "$kept")"; exit 1; }

# The command as printed, with this build's program.
set -- ${resume#caseload }
"$caseload" "$@" >/dev/null 2>"$work/resume.err" || { cat "$work/resume.err"; exit 1; }
grep -q "^resuming, $saved replications done already" "$work/resume.err" ||
    { echo "FAIL: expected $saved replications resumed"; cat "$work/resume.err"; exit 1; }
for f in summary.csv replications.csv comparison.csv comparison.md timeseries.csv time_to_help_distribution.csv \
         checks.csv report.md report.html; do
    cmp "$work/whole/$f" "$work/stopped/$f" || { echo "FAIL: $f differs after the resume"; exit 1; }
done
[ ! -e "$kept" ] || { echo "FAIL: the kept replications were not removed"; exit 1; }
rm -rf "$work"
echo "SIG$signal after $saved of 80 replications, resumed: same files"
