#!/usr/bin/env bash
# Runs every cmocka unit test binary under BUILD/tests/unit and totals them.
set -u
build=${1:-build}
pass=0 fail=0
for t in "$build"/tests/unit/test_*; do
	[ -x "$t" ] || continue
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-0}))
	if [ "$rc" -ne 0 ] && [ -z "$f" ]; then
		echo "unit: $t exited $rc"
		fail=$((fail + 1))
	fi
done
echo "unit ($build): $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
