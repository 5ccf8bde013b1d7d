#!/usr/bin/env bash
# Runs every end-to-end test script tests/e2e/t_*.sh against the binaries in
# BUILD (default build) and prints one total line.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build}" && pwd) || exit 2
export PUSHGATE_BUILD=$build
pass=0 fail=0 failed_scripts=""
for t in "$here"/t_*.sh; do
	[ -n "${E2E_ONLY:-}" ] && case "$t" in *"$E2E_ONLY"*) ;; *) continue ;; esac
	out=$(bash "$t" 2>&1); rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	pass=$((pass + p)); fail=$((fail + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $(basename "$t") exited $rc"
		fail=$((fail + 1))
	fi
	[ "$rc" -ne 0 ] && failed_scripts="$failed_scripts $(basename "$t")"
done
[ -n "$failed_scripts" ] && echo "failing scripts:$failed_scripts"
echo "e2e ($(basename "$build")): $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
