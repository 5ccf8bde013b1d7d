#!/usr/bin/env bash
# Runs every end-to-end test script tests/e2e/t_*.sh against the binaries in
# BUILD (default build) and prints one total line.  The scripts are
# independent (each works in its own scratch directory, servers on free
# ports), so E2E_JOBS of them (default: the online CPUs) run at once; their
# output is printed whole, in name order.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build}" && pwd) || exit 2
export PUSHGATE_BUILD=$build
jobs=${E2E_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
out_dir=$(mktemp -d "${TMPDIR:-/tmp}/pushgate-e2e-run.XXXXXX")
trap 'rm -rf "$out_dir"' EXIT
scripts=()
for t in "$here"/t_*.sh; do
	[ -n "${E2E_ONLY:-}" ] && case "$t" in *"$E2E_ONLY"*) ;; *) continue ;; esac
	scripts+=("$t")
done
running=0
for t in "${scripts[@]}"; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	n=$(basename "$t")
	( bash "$t" >"$out_dir/$n.out" 2>&1; echo $? >"$out_dir/$n.rc" ) &
	running=$((running + 1))
done
wait
pass=0 fail=0 failed_scripts=""
for t in "${scripts[@]}"; do
	n=$(basename "$t")
	out=$(cat "$out_dir/$n.out")
	rc=$(cat "$out_dir/$n.rc" 2>/dev/null || echo 99)
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	pass=$((pass + p)); fail=$((fail + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $n exited $rc"
		fail=$((fail + 1))
	fi
	[ "$rc" -ne 0 ] && failed_scripts="$failed_scripts $n"
done
[ -n "$failed_scripts" ] && echo "failing scripts:$failed_scripts"
echo "e2e ($(basename "$build")): $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
