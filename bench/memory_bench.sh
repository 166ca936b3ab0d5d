#!/bin/sh
# Memory against replications: the peak resident memory of the whole process
# (GNU time's %M) for `caseload run bench/mmc350.yaml` and for a compare of
# that scenario with a copy of itself, at 100 replications and at N (default
# 10,000), on 2 threads; and their ratio (the aim: at most 2, i.e. memory
# flat in replications beside the program's own footprint).
#
#   sh bench/memory_bench.sh [replications] [caseload]
set -eu
cd "$(dirname "$0")/.."
large=${1:-10000}
bin=${2:-build/release/caseload}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package time)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed 's/^name: .*/name: mmc350 copy/' bench/mmc350.yaml >"$work/copy.yaml"

peak() {  # peak KB of: caseload <args> -r $1
    n=$1
    shift
    rm -rf "$work/out"
    /usr/bin/time -f '%M' -o "$work/kb" "$bin" "$@" -r "$n" -t 2 -q --out "$work/out" >/dev/null
    cat "$work/kb"
}

for what in run compare; do
    if [ "$what" = run ]; then set -- run bench/mmc350.yaml; else set -- compare bench/mmc350.yaml "$work/copy.yaml"; fi
    small=$(peak 100 "$@")
    big=$(peak "$large" "$@")
    awk -v w="$what" -v s="$small" -v b="$big" -v n="$large" 'BEGIN {
        printf "  %-7s peak %.1f MB at 100 replications, %.1f MB at %d: %.2fx\n", w, s / 1024, b / 1024, n, b / s }'
done
