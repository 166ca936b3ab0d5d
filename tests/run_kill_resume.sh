#!/bin/sh
# A run killed with SIGKILL at random moments, again and again, each time
# continued with --resume, ends with the same files, byte for byte, as a run
# that was never stopped. The replications are kept in batches (the default),
# small and many, so that kills land before, during and after the writes of a
# batch; a record cut short must be dropped on --resume, never read.
#
#   sh tests/run_kill_resume.sh CASELOAD BENCH_DIR WORK_DIR
set -eu
caseload=$1
bench=$(cd "$2" && pwd)
work=$3
rm -rf "$work"
mkdir -p "$work"
# The benchmark's M/M/c model over 5 years: fast replications of ~17 KB each.
cp "$bench/mmc350.yaml" "$work/mmc350.yaml"
cat >"$work/short.yaml" <<YAML
extends: mmc350.yaml
name: short_mmc
horizon: 5y
warmup: 1y
YAML
set -- run "$work/short.yaml" -r 3000 -s 9 -t 2 -q
"$caseload" "$@" --out "$work/whole" >/dev/null

# Eight runs killed at a random moment each, then one left to finish.
kills=0
for run in 1 2 3 4 5 6 7 8; do
    "$caseload" "$@" --out "$work/killed" --resume >/dev/null 2>"$work/err" &
    pid=$!
    # A moment between 0.05 and 0.45 s; a whole run takes longer.
    sleep "$(awk -v s="$$$run" 'BEGIN { srand(s); printf "%.3f", 0.05 + 0.4 * rand() }')"
    if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
    code=0
    wait "$pid" 2>/dev/null || code=$?
    if [ "$code" -ne 137 ] && [ "$code" -ne 0 ]; then
        echo "FAIL: a resumed run failed with exit code $code"
        cat "$work/err"
        exit 1
    fi
    # A run that finished before its kill (exit 0, or killed after it wrote
    # its results and dropped its kept replications) leaves a results folder
    # that the next --resume would refuse ("holds a finished run"): start over.
    if [ -d "$work/killed" ] && [ ! -e "$work/.killed.run-partial" ]; then rm -rf "$work/killed"; fi
done
[ "$kills" -ge 3 ] || { echo "FAIL: only $kills kills landed (the runs finish too fast)"; exit 1; }
rm -rf "$work/killed"  # when the last run escaped its kill
"$caseload" "$@" --out "$work/killed" --resume >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
for f in summary.csv replications.csv timeseries.csv time_to_help_distribution.csv checks.csv report.md \
         report.html scenario.yaml; do
    cmp "$work/whole/$f" "$work/killed/$f" || { echo "FAIL: $f differs after $kills kills"; exit 1; }
done
[ ! -e "$work/.killed.run-partial" ] || { echo "FAIL: the kept replications were not removed"; exit 1; }
rm -rf "$work"
echo "SIGKILL $kills times at random moments, resumed each time: same files"
