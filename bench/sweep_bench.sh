#!/bin/sh
# Sweep benchmark: bench/sweep_mmc350.yaml (100 points x 100 replications of
# the M/M/c scenario, c = 350, 20 years) on 1 and 2 threads, and, when the MPI
# build exists, on 1 and 2 MPI ranks of one thread each. Prints the best and
# median wall time of each and the parallel efficiency t1 / (2 t2) of the best
# times. Wall time covers the whole command: checking every point, running,
# writing and assembling the outputs.
#
#   sh bench/sweep_bench.sh [trials] [caseload] [MPI caseload]
set -eu
cd "$(dirname "$0")/.."
trials=${1:-3}
bin=${2:-build/release/caseload}
mpibin=${3:-build/mpi/caseload}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Wall seconds of one command.
seconds() {
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }'
}

# best and median of `trials` runs of a command that writes into $work/out.
measure() {
    label=$1
    shift
    : >"$work/times"
    i=0
    while [ "$i" -lt "$trials" ]; do
        rm -rf "$work/out"
        seconds "$@" >>"$work/times"
        i=$((i + 1))
    done
    sort -n "$work/times" | awk -v label="$label" '{ t[NR] = $1 } END {
        printf "%-26s best %7.2f s   median %7.2f s   (%d trials)\n", label, t[1], t[int((NR + 1) / 2)], NR }'
    sort -n "$work/times" | head -1
}

echo "sweep benchmark: bench/sweep_mmc350.yaml, 100 points x 100 replications; $(nproc) cores"
t1=$(measure "1 thread" "$bin" sweep bench/sweep_mmc350.yaml -q -t 1 --out "$work/out" | tee /dev/stderr | tail -1)
t2=$(measure "2 threads" "$bin" sweep bench/sweep_mmc350.yaml -q -t 2 --out "$work/out" | tee /dev/stderr | tail -1)
awk -v a="$t1" -v b="$t2" 'BEGIN { printf "threads: speed-up %.2f, parallel efficiency %.0f%% (best times)\n", a / b, 100 * a / (2 * b) }'
if [ -x "$mpibin" ] && command -v mpirun >/dev/null 2>&1; then
    mpi="mpirun --allow-run-as-root --oversubscribe"
    r1=$(measure "MPI 1 rank" $mpi -n 1 "$mpibin" sweep bench/sweep_mmc350.yaml -q -t 1 --out "$work/out" | tee /dev/stderr | tail -1)
    r2=$(measure "MPI 2 ranks" $mpi -n 2 "$mpibin" sweep bench/sweep_mmc350.yaml -q -t 1 --out "$work/out" | tee /dev/stderr | tail -1)
    awk -v a="$r1" -v b="$r2" 'BEGIN { printf "MPI: speed-up %.2f, parallel efficiency %.0f%% (best times)\n", a / b, 100 * a / (2 * b) }'
fi
