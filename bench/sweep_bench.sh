#!/bin/sh
# Sweep benchmark: bench/sweep_mmc350.yaml (100 points x 100 replications of
# the M/M/c scenario, c = 350, 20 years) on 1 and 2 threads, and, when the MPI
# build exists, on 1 and 2 MPI ranks of one thread each. The configurations
# take turns, trial by trial, so a busy spell on a shared machine does not fall
# on one of them only.
#
# Prints, per configuration, the best and median wall time (the whole command:
# checking every point, running, writing and assembling the outputs) and the
# median CPU time (user + system of all its processes); then the parallel
# efficiency t1 / (2 t2) of the best wall times, and the CPU time of 2 against
# 1 (above 100% means work spent on coordination). On a machine others use,
# the wall times depend on the cores the system gives the run, the CPU times
# much less.
#
#   sh bench/sweep_bench.sh [trials] [caseload] [MPI caseload]
set -eu
cd "$(dirname "$0")/.."
trials=${1:-3}
bin=${2:-build/release/caseload}
mpibin=${3:-build/mpi/caseload}
sweep=${SWEEP:-bench/sweep_mmc350.yaml}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# CPU seconds (user + system) of this shell's finished children so far
# (`times` runs in this shell, not a subshell, to see them).
cpu() {
    times >"$work/times"
    awk 'NR == 2 { split($1, u, "m"); split($2, s, "m"); printf "%.3f\n", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$work/times"
}

# Run one configuration once; append "wall cpu" to $work/<name>.
trial() {
    name=$1
    shift
    rm -rf "$work/out"
    cpu >"$work/c0"
    t0=$(date +%s%N)
    "$@" --out "$work/out" >/dev/null
    t1=$(date +%s%N)
    cpu >"$work/c1"
    c0=$(cat "$work/c0")
    c1=$(cat "$work/c1")
    awk -v a="$t0" -v b="$t1" -v c="$c0" -v d="$c1" 'BEGIN { printf "%.3f %.3f\n", (b - a) / 1e9, d - c }' >>"$work/$name"
}

# Middle value of a column of numbers.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# "label: best and median wall, median CPU" on stderr; "best-wall median-CPU" on stdout.
report() {
    f="$work/$1"
    wbest=$(cut -d' ' -f1 "$f" | sort -n | head -1)
    wmed=$(cut -d' ' -f1 "$f" | median)
    cmed=$(cut -d' ' -f2 "$f" | median)
    printf "%-12s wall best %7.2f s, median %7.2f s;  CPU median %7.2f s  (%d trials)\n" "$2" "$wbest" "$wmed" "$cmed" \
        "$(wc -l <"$f")" >&2
    echo "$wbest $cmed"
}

have_mpi=0
if [ -x "$mpibin" ] && command -v mpirun >/dev/null 2>&1; then have_mpi=1; fi
mpi="mpirun --allow-run-as-root --oversubscribe"

echo "sweep benchmark: $sweep; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
i=0
while [ "$i" -lt "$trials" ]; do
    trial t1 "$bin" sweep "$sweep" -q -t 1
    trial t2 "$bin" sweep "$sweep" -q -t 2
    if [ "$have_mpi" -eq 1 ]; then
        trial r1 $mpi -n 1 "$mpibin" sweep "$sweep" -q -t 1
        trial r2 $mpi -n 2 "$mpibin" sweep "$sweep" -q -t 1
    fi
    i=$((i + 1))
done

efficiency() {
    echo "$1 $2" | awk -v label="$3" '{ printf "%s: speed-up %.2f, parallel efficiency %.0f%% (best wall times); CPU time of 2 vs 1: %.0f%%\n", label, $1 / $3, 100 * $1 / (2 * $3), 100 * $4 / $2 }'
}
a=$(report t1 "1 thread")
b=$(report t2 "2 threads")
efficiency "$a" "$b" "threads"
if [ "$have_mpi" -eq 1 ]; then
    a=$(report r1 "MPI 1 rank")
    b=$(report r2 "MPI 2 ranks")
    efficiency "$a" "$b" "MPI ranks"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
