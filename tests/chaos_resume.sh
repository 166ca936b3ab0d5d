#!/bin/sh
# Chaos: a small sweep and a small compare, each interrupted again and again
# at seeded random moments — SIGKILL, SIGTERM, or a full disk (a file-size
# limit, `ulimit -f`, with SIGXFSZ ignored so that a write fails with EFBIG as
# on a full disk) — and resumed each time with --resume, end with the same
# files, byte for byte, as runs that were never interrupted. A run that
# finishes between two faults is checked at once and started again.
#
#   sh tests/chaos_resume.sh CASELOAD DATA_DIR SCENARIOS_DIR WORK_DIR [ROUNDS [SEED]]
#
# CTest runs 8 rounds; for a longer manual run (about 3 s a round):
#   sh tests/chaos_resume.sh build/release/caseload tests/data scenarios /tmp/chaos 200 7
set -eu
caseload=$1
data=$(cd "$2" && pwd)
scenarios=$(cd "$3" && pwd)
work=$4
rounds=${5:-8}
seed=${6:-1}
rm -rf "$work"
mkdir -p "$work"

# A pseudo-random number in [0, 1) for draw k (awk's generator, seeded).
draw() { awk -v s="$seed" -v k="$1" 'BEGIN { srand(s * 7919 + k); printf "%.6f", rand() }'; }

sweep_args="sweep $data/sweep_small.yaml -r 1500 -t 2 -q"
compare_args="compare $scenarios/baseline.yaml $scenarios/caseload10.yaml -r 16 -s 3 -t 2 -q"
sweep_files="sweep.csv summary.csv sensitivity.csv metamodel.csv design.csv manifest.csv scenario.yaml sweep.yaml"
compare_files="summary.csv replications.csv timeseries.csv periods.csv periods_summary.csv comparison.csv
  comparison.md time_to_help_distribution.csv checks.csv report.md report.html"

# shellcheck disable=SC2086
"$caseload" $sweep_args --out "$work/sweep_whole" >/dev/null
# shellcheck disable=SC2086
"$caseload" $compare_args --out "$work/compare_whole" >/dev/null

same() {  # same KIND: the interrupted folder holds the uninterrupted run's files
    if [ "$1" = sweep ]; then files=$sweep_files; else files=$compare_files; fi
    for f in $files; do
        cmp "$work/${1}_whole/$f" "$work/${1}_chaos/$f" || { echo "FAIL: $1: $f differs ($2)"; exit 1; }
    done
}

faults=0
round=1
while [ "$round" -le "$rounds" ]; do
    if [ $((round % 2)) -eq 1 ]; then kind=sweep; args=$sweep_args; else kind=compare; args=$compare_args; fi
    r=$(draw "$round")
    fault=$(awk -v r="$r" 'BEGIN { print (r < 0.34 ? "KILL" : (r < 0.67 ? "TERM" : "FSIZE")) }')
    delay=$(awk -v r="$(draw $((round + 100000)))" 'BEGIN { printf "%.3f", 0.05 + 1.2 * r }')
    out="$work/${kind}_chaos"
    code=0
    if [ "$fault" = FSIZE ]; then
        # A limit between 16 KiB and 1.5 MiB (ulimit -f counts 512-byte blocks in sh):
        # writes past it fail as on a full disk.
        blocks=$(awk -v r="$(draw $((round + 200000)))" 'BEGIN { printf "%d", 32 + 3040 * r }')
        # shellcheck disable=SC2086
        (trap '' XFSZ; ulimit -f "$blocks"; exec "$caseload" $args --out "$out" --resume) \
            >/dev/null 2>"$work/err" || code=$?
        what="file-size limit of $blocks blocks"
        case $code in
            0 | 1) ;;
            *) echo "FAIL: round $round ($kind, $what): exit code $code"; cat "$work/err"; exit 1 ;;
        esac
        if [ "$code" -eq 1 ]; then
            grep -q -- "--resume" "$work/err" || grep -q "cannot" "$work/err" ||
                { echo "FAIL: round $round ($kind, $what): no reason given"; cat "$work/err"; exit 1; }
        fi
    else
        # shellcheck disable=SC2086
        "$caseload" $args --out "$out" --resume >/dev/null 2>"$work/err" &
        pid=$!
        sleep "$delay"
        kill -s "$fault" "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || code=$?
        what="SIG$fault after ${delay}s"
        case "$fault:$code" in
            *:0 | KILL:137 | TERM:130 | TERM:143) ;;
            *) echo "FAIL: round $round ($kind, $what): exit code $code"; cat "$work/err"; exit 1 ;;
        esac
    fi
    echo "round $round: $kind, $what: exit $code"
    if [ "$code" -eq 0 ]; then
        same "$kind" "finished before round $round's $what"
        rm -rf "$out"  # start it again: the next fault must land on a run in progress
    else
        faults=$((faults + 1))
    fi
    round=$((round + 1))
done

for kind in sweep compare; do
    if [ "$kind" = sweep ]; then args=$sweep_args; else args=$compare_args; fi
    # shellcheck disable=SC2086
    "$caseload" $args --out "$work/${kind}_chaos" --resume >/dev/null 2>"$work/err" ||
        { echo "FAIL: the last resume of the $kind failed"; cat "$work/err"; exit 1; }
    same "$kind" "after the last resume"
    [ ! -e "$work/.${kind}_chaos.run-partial" ] && [ ! -e "$work/.${kind}_chaos.sweep-partial" ] ||
        { echo "FAIL: the $kind's kept work was not removed"; exit 1; }
done
[ "$faults" -ge $((rounds / 3)) ] || { echo "FAIL: only $faults of $rounds faults landed (the runs finish too fast)"; exit 1; }
rm -rf "$work"
echo "$faults faults in $rounds rounds (seed $seed; SIGKILL, SIGTERM, file-size limit), resumed each time: same files"
