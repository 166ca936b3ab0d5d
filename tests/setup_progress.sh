#!/bin/sh
# .ci/setup shows the build's progress: run it with stand-ins for dpkg-query
# (every package installed) and cmake (a build that prints two progress
# lines), and check that its stderr carries a line per step and the build's
# own lines, and that its stdout stays empty (the README chains a command
# after it).
set -eu
src=$1
work=$2
rm -rf "$work"
mkdir -p "$work/bin"
cat >"$work/bin/dpkg-query" <<'EOS'
#!/bin/sh
printf 'install ok installed'
EOS
cat >"$work/bin/cmake" <<'EOS'
#!/bin/sh
case "$*" in
  *--build*) echo "[ 50%] Building CXX object sim/CMakeFiles/fake.dir/a.cpp.o"
             echo "[100%] Linking CXX executable caseload" ;;
  *) echo "-- Configuring done" ;;
esac
EOS
chmod +x "$work/bin/dpkg-query" "$work/bin/cmake"
PATH="$work/bin:$PATH" sh "$src/.ci/setup" >"$work/out" 2>"$work/err"
fail() { echo "FAIL: $1"; echo "--- stderr:"; cat "$work/err"; echo "--- stdout:"; cat "$work/out"; exit 1; }
grep -q '^caseload setup: configuring' "$work/err" || fail "no line for the configure step"
grep -q '^caseload setup: building' "$work/err" || fail "no line for the build step"
grep -q '^\[ 50%\] Building CXX object' "$work/err" || fail "the build's own progress lines are not shown"
grep -q '^caseload setup: built build/release/caseload' "$work/err" || fail "no closing line"
[ ! -s "$work/out" ] || fail "stdout is not empty"
echo "ok: .ci/setup shows its steps and the build's progress on stderr"
