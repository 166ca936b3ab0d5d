#!/bin/sh
# Renews the README's key reference from the key table: the text between the
# markers is replaced by `caseload schema [compare] --markdown`.
# usage: tests/renew_key_reference.sh [path/to/caseload]   (default build/release/caseload)
set -eu
cd "$(dirname "$0")/.."
caseload=${1:-build/release/caseload}
tmp=$(mktemp README.md.XXXXXX)
trap 'rm -f "$tmp" "$tmp.s" "$tmp.c"' EXIT
"$caseload" schema --markdown > "$tmp.s"
"$caseload" schema compare --markdown > "$tmp.c"
awk -v s="$tmp.s" -v c="$tmp.c" '
    /^<!-- end of key reference: / { skip = 0 }
    !skip { print }
    /^<!-- key reference: scenario / { while ((getline l < s) > 0) print l; skip = 1 }
    /^<!-- key reference: compare / { while ((getline l < c) > 0) print l; skip = 1 }
' README.md > "$tmp"
mv "$tmp" README.md
echo "README.md: key reference renewed" >&2
