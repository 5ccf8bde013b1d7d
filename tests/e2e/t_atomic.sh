#!/usr/bin/env bash
# atomic = yes: pre-receive refuses the whole push; atomic = no: the update
# hook decides each ref alone, as git does natively.
. "$(dirname "$0")/lib.sh"

srv=$(new_server app)
export PUSHGATE_CONFIG=$T/pushgate.ini
cfg() {
	write_config "$PUSHGATE_CONFIG" <<INI
[core]
identity = env:PUSHGATE_USER
atomic = $1

[branch "main"]
push = alice
INI
}
w=$(new_clone w "$srv")
commit "$w" first
cfg yes
push_as alice "$T/out" -C "$w" push origin HEAD:main
check "alice creates main" test $? -eq 0
commit "$w" second
out=$T/out

push_as bob "$out" -C "$w" push origin HEAD:main HEAD:feature
check "atomic = yes: one refused ref refuses the push" test $? -ne 0
expect_contains "the refused ref is named" "$out" "REJECTED refs/heads/main: bob may not push to this branch"
expect_contains "the whole push is said to be refused" "$out" \
	"pushgate: the whole push is refused (atomic = yes): 1 of 2 ref updates were rejected"
expect_contains "git reports pre-receive declined the other ref" "$out" "HEAD -> feature (pre-receive hook declined)"
check "feature was not created" test -z "$(git -C "$srv" for-each-ref refs/heads/feature)"

cfg no
push_as bob "$out" -C "$w" push origin HEAD:main HEAD:feature
check "atomic = no: git push reports the failure" test $? -ne 0
expect_contains "the update hook refuses main" "$out" "REJECTED refs/heads/main: bob may not push to this branch"
expect_contains "git says the update hook declined main" "$out" "HEAD -> main (hook declined)"
expect_not_contains "no whole-push line" "$out" "the whole push is refused"
check "feature was created on its own" test -n "$(git -C "$srv" for-each-ref refs/heads/feature)"
check "main did not move" test "$(git -C "$srv" rev-parse main)" = "$(git -C "$w" rev-parse HEAD~1)"

# git's own --atomic with atomic = no: the update hook's refusal stops all.
commit "$w" third
push_as bob "$out" -C "$w" push --atomic origin HEAD:main HEAD:feature
check "client --atomic with atomic = no refuses all" test $? -ne 0
check "feature did not move under --atomic" \
	test "$(git -C "$srv" rev-parse feature)" = "$(git -C "$w" rev-parse HEAD~1)"

done_testing
