#!/usr/bin/env bash
# pushgate explain --diff: recent pushes from the release log, and one
# explicit update, decided under the live policy and a new one; only the
# decisions that differ are printed.
. "$(dirname "$0")/lib.sh"

pg=$PUSHGATE_BUILD/pushgate
srv=$(new_server app)
out=$T/out
release_log_keys
live=$T/live.ini
export PUSHGATE_CONFIG=$live
release_log_config "$live" <<'INI'

[branch "main"]
push = alice, bob
release = yes

[branch "dev"]
release = yes
INI
w=$(new_clone w "$srv")
commit "$w" first
push_as alice "$out" -C "$w" push origin HEAD:main
check "setup: alice pushes main" test $? -eq 0
commit "$w" second
push_as bob "$out" -C "$w" push origin HEAD:main
check "setup: bob pushes main" test $? -eq 0
commit "$w" third
push_as carol "$out" -C "$w" push origin HEAD:dev
check "setup: carol pushes dev" test $? -eq 0
check "setup: three updates are logged" test "$(grep -c '"event":"update"' "$T/log/release.log")" -eq 3

# The same policy under another name: nothing differs.
cp "$live" "$T/same.ini"
"$pg" explain --diff -c "$T/same.ini" --live "$live" --git-dir "$srv" >"$out" 2>&1
check "identical policies: exit 0" test $? -eq 0
expect_contains "and the count" "$out" "3 updates compared, 0 differ"

# A stricter policy: bob loses main, dev becomes alice's.
sed -e 's/^push = alice, bob$/push = alice/' -e 's/^\[branch "dev"\]$/[branch "dev"]\npush = alice/' \
	"$live" >"$T/new.ini"
chmod 0644 "$T/new.ini"
"$pg" check -c "$T/new.ini" >"$out" 2>&1
check "the new policy is valid" test $? -eq 0
"$pg" explain --diff -c "$T/new.ini" --live "$live" --git-dir "$srv" >"$out" 2>&1
check "a stricter policy: exit 1" test $? -eq 1
expect_contains "bob's push to main now refused" "$out" "refs/heads/main"
expect_contains "with the decisions" "$out" "by bob: live: ACCEPT -> new: REJECT: bob may not push to this branch"
expect_contains "carol's push to dev too" "$out" "by carol: live: ACCEPT -> new: REJECT"
expect_not_contains "alice's push is not listed" "$out" "by alice"
expect_contains "the count" "$out" "3 updates compared, 2 differ"
expect_contains "saying what a replay can compare" "$out" "commit and path rules compare only what is still new"
"$pg" explain --diff -c "$T/new.ini" --live "$live" --git-dir "$srv" --last 1 >"$out" 2>&1
expect_contains "--last 1: only the last entry" "$out" "1 update compared, 1 differ"

# One explicit update, short names and all.
"$pg" explain --diff -c "$T/new.ini" --live "$live" --git-dir "$srv" --user bob main main~1 main >"$out" 2>&1
check "one update that differs: exit 1" test $? -eq 1
expect_contains "shown" "$out" "1 update compared, 1 differ"
"$pg" explain --diff -c "$T/new.ini" --live "$live" --git-dir "$srv" --user alice main main~1 main >"$out" 2>&1
check "one update that does not: exit 0" test $? -eq 0
"$pg" explain --diff --live "$live" --git-dir "$srv" >"$out" 2>&1
check "--diff without -c NEW: exit 2" test $? -eq 2

done_testing
