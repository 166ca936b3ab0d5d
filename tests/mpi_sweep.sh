#!/bin/sh
# MPI build: `mpirun -n 2 caseload sweep` writes the same files, byte for
# byte, as the single-process run, and points went to both ranks.
#
#   sh tests/mpi_sweep.sh CASELOAD MPIEXEC DATA_DIR WORK_DIR
set -eu
caseload=$1
mpiexec=$2
data=$3
work=$4
rm -rf "$work"
mkdir -p "$work"
sweep="$data/sweep_small.yaml"

"$caseload" sweep "$sweep" -r 40 -q --out "$work/single" >/dev/null
# As root, OpenMPI needs --allow-run-as-root; --oversubscribe lets 2 ranks share fewer cores.
"$mpiexec" --allow-run-as-root --oversubscribe -n 2 "$caseload" sweep "$sweep" -r 40 -q --out "$work/mpi" >/dev/null
for f in sweep.csv summary.csv sensitivity.csv metamodel.csv design.csv manifest.csv scenario.yaml; do
    cmp "$work/single/$f" "$work/mpi/$f" || { echo "FAIL: $f differs between 1 process and 2 MPI ranks"; exit 1; }
done
grep -q '"ranks": 2,' "$work/mpi/metadata.json" || { echo "FAIL: not run on 2 ranks"; exit 1; }
# The list as one line, whatever the indentation: "points_per_rank":[a,b]
per_rank=$(tr -d ' \n' <"$work/mpi/metadata.json" | grep -Eo '"points_per_rank":\[[^]]*\]' || true)
echo "$per_rank" | grep -Eq '^"points_per_rank":\[[1-9][0-9]*,[1-9][0-9]*\]$' ||
    { echo "FAIL: points did not go to both ranks: $per_rank"; exit 1; }
echo "$per_rank"
rm -rf "$work"
echo "2 MPI ranks: same files as one process"
