#!/bin/sh
# End-to-end benchmark: `caseload run bench/mmc350.yaml -r N -t T` as a whole
# process (reading the file, running, keeping replications for resume,
# writing every output and the report), on 1 and 2 threads, beside the
# in-process figure of caseload_bench, so the gap between them shows.
#
# Prints, per thread count, the best and median wall time, the median user
# and system time and minor page faults (GNU time's accounting of the
# finished process), and the events per second of the best wall time.
#
#   sh bench/cli_bench.sh [replications] [trials] [caseload]
set -eu
cd "$(dirname "$0")/.."
reps=${1:-200}
trials=${2:-5}
bin=${3:-build/release/caseload}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package time)"; exit 1; }
tools=$(dirname "$bin")  # caseload_profile and caseload_bench of the same build
profile=$tools/caseload_profile
[ -x "$profile" ] || { echo "needs $profile (built beside $bin) to count the events"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }



for t in 1 2; do
    : >"$work/t$t"
done
i=0
while [ "$i" -lt "$trials" ]; do
    for t in 1 2; do
        rm -rf "$work/out"
        /usr/bin/time -f '%e %U %S %R' -o "$work/one" "$bin" run bench/mmc350.yaml -r "$reps" -t "$t" -q \
            --out "$work/out" >/dev/null
        cat "$work/one" >>"$work/t$t"
    done
    i=$((i + 1))
done
# The events those replications hold (the same replications 0..N-1 of the
# same file and seed, run in process by caseload_profile): 16,719 a
# replication on average for 200, not the 17,194 of replication 0 alone.
"$profile" speed "$reps" bench/mmc350.yaml >"$work/cold"
events=$(awk '{ print $4 }' "$work/cold")
[ -n "$events" ] || { echo "$profile did not count the events"; exit 1; }
echo "caseload run bench/mmc350.yaml -r $reps (whole process, $trials trials; $events events)"
for t in 1 2; do
    best=$(awk '{ print $1 }' "$work/t$t" | sort -n | head -1)
    wall=$(awk '{ print $1 }' "$work/t$t" | median)
    user=$(awk '{ print $2 }' "$work/t$t" | median)
    sys=$(awk '{ print $3 }' "$work/t$t" | median)
    faults=$(awk '{ print $4 }' "$work/t$t" | median)
    # Minor page faults: memory the process touches for the first time (the
    # in-process figure runs warm and has almost none); on a virtual machine
    # each can cost microseconds.
    awk -v t="$t" -v b="$best" -v w="$wall" -v u="$user" -v s="$sys" -v f="$faults" -v e="$events" 'BEGIN {
        printf "  %d thread(s): wall %.2f s best, %.2f median; user %.2f s, system %.2f s, %d page faults (medians); %.1f M events/s end to end (best)\n",
               t, b, w, u, s, f, e / b / 1e6 }'
done
echo "in process (same model, caseload_bench):"
if [ -x "$tools/caseload_bench" ]; then
    "$tools/caseload_bench" "$reps" 2 3 10 2>&1 | grep -E '^(serial|parallel)' | head -2 >"$work/inproc"
    sed 's/^/  /' "$work/inproc"
    # The gap: the whole process's best events per second over the in-process best, per thread count.
    for t in 1 2; do
        best=$(awk '{ print $1 }' "$work/t$t" | sort -n | head -1)
        awk -v t="$t" -v b="$best" -v e="$events" '$2 == t"" { inproc = $4 }
            END { if (inproc > 0) printf "  %d thread(s): end to end at %.0f%% of the in-process speed\n", t, 100 * e / b / 1e6 / inproc }' \
            "$work/inproc"
    done
fi
# The same replications once, in a fresh process, before any memory is warm:
# between this and the warm figure above lies what touching memory for the
# first time costs; between this and the whole process, the command's own work.
awk '{ printf "in process, cold (one pass of caseload_profile in a fresh process): %.2f M events/s\n", $4 / $6 / 1e6 }' "$work/cold"
