#!/usr/bin/env bash
# atomic = no splits the work: who may push a ref is decided per ref by the
# update hook, but commit and path rules are checked in pre-receive for the
# whole push (by the time the update hook runs, earlier refs have moved and
# new commits can no longer be told apart).  So one offending commit refuses
# every ref of the push, while a permission problem refuses only its ref.
. "$(dirname "$0")/lib.sh"

srv=$(new_server app)
export PUSHGATE_CONFIG=$T/pushgate.ini
out=$T/out
cfg() { # ATOMIC [EXTRA SECTION LINES]
	write_config "$PUSHGATE_CONFIG" <<INI
[core]
identity = env:PUSHGATE_USER
atomic = $1

[path "src/crypto/**"]
write = carol
${2:-}
INI
}
tip() { git -C "$srv" rev-parse --verify -q "refs/heads/$1"; }

# main and topic on the server, both at the same start.
w=$(new_clone w "$srv")
commit "$w" "start" README
commit "$w" "crypto start" src/crypto/aes.c
cfg no
push_as carol "$out" -C "$w" push origin HEAD:main HEAD:refs/heads/topic
check "carol sets up main and topic" test $? -eq 0
base=$(git -C "$w" rev-parse HEAD)

# One new commit for main (README only), one for topic (src/crypto).
git -C "$w" checkout -q -b m "$base"
commit "$w" "docs only" README
git -C "$w" checkout -q -b t "$base"
commit "$w" "crypto change" src/crypto/aes.c
crypto=$(git -C "$w" rev-parse --short=7 HEAD)

# ---- atomic = no, a path rule: refused for the whole push, by pre-receive.
push_as bob "$out" -C "$w" push origin m:main t:topic
check "atomic = no: a crypto commit on one branch fails the push" test $? -ne 0
expect_contains "the offending ref is named" "$out" \
	"REJECTED refs/heads/topic: bob may not change src/crypto/**: 1 new commit does"
expect_contains "with the commit and its path" "$out" "$crypto \"crypto change\": src/crypto/aes.c"
expect_not_contains "the clean ref is not itself rejected" "$out" "REJECTED refs/heads/main"
expect_contains "the whole push is said to be refused, and why" "$out" \
	"pushgate: the whole push is refused (new commits are checked for the whole push): 1 of 2 ref updates were rejected"
expect_not_contains "not for atomic = yes" "$out" "(atomic = yes)"
expect_contains "pre-receive declined main" "$out" "m -> main (pre-receive hook declined)"
expect_contains "pre-receive declined topic" "$out" "t -> topic (pre-receive hook declined)"
expect_not_contains "the update hook never declined a ref" "$out" "(hook declined)"
check "main did not move" test "$(tip main)" = "$base"
check "topic did not move" test "$(tip topic)" = "$base"

# The same push by a writer of src/crypto goes through, both refs.
push_as carol "$out" -C "$w" push origin m:main t:topic
check "atomic = no: carol pushes both" test $? -eq 0
check "main moved for carol" test "$(tip main)" = "$(git -C "$w" rev-parse m)"
check "topic moved for carol" test "$(tip topic)" = "$(git -C "$w" rev-parse t)"
base=$(tip main)

# ---- atomic = no, a ref permission problem alone: per ref, by update.
cfg no '[branch "main"]
push = alice'
git -C "$w" checkout -q -B m "$base"
commit "$w" "more docs" README
push_as bob "$out" -C "$w" push origin m:main m:refs/heads/feature
check "atomic = no: git push reports the refused ref" test $? -ne 0
expect_contains "main is refused for its permissions" "$out" \
	"REJECTED refs/heads/main: bob may not push to this branch"
expect_contains "by the update hook" "$out" "m -> main (hook declined)"
expect_not_contains "no whole-push line" "$out" "the whole push is refused"
expect_not_contains "pre-receive declined nothing" "$out" "pre-receive hook declined"
check "main did not move" test "$(tip main)" = "$base"
check "feature was created on its own" test "$(tip feature)" = "$(git -C "$w" rev-parse m)"

# ---- atomic = yes, the same crypto push: both refused, said so.
cfg yes
git -C "$w" checkout -q -B m "$base"
commit "$w" "docs again" README
git -C "$w" checkout -q -B t "$(tip topic)"
commit "$w" "crypto again" src/crypto/aes.c
topic_before=$(tip topic)
push_as bob "$out" -C "$w" push origin m:main t:topic
check "atomic = yes: the crypto push is refused" test $? -ne 0
expect_contains "the offending ref is named" "$out" \
	"REJECTED refs/heads/topic: bob may not change src/crypto/**: 1 new commit does"
expect_not_contains "the clean ref is not itself rejected" "$out" "REJECTED refs/heads/main"
expect_contains "the whole push is refused (atomic = yes)" "$out" \
	"pushgate: the whole push is refused (atomic = yes): 1 of 2 ref updates were rejected"
expect_contains "pre-receive declined main" "$out" "m -> main (pre-receive hook declined)"
expect_contains "pre-receive declined topic" "$out" "t -> topic (pre-receive hook declined)"
check "main did not move" test "$(tip main)" = "$base"
check "topic did not move" test "$(tip topic)" = "$topic_before"

# ---- one ref alone: no whole-push line, in either mode.
for mode in yes no; do
	cfg $mode
	push_as bob "$out" -C "$w" push origin t:topic
	check "atomic = $mode: a lone crypto push is refused" test $? -ne 0
	expect_contains "atomic = $mode: by pre-receive" "$out" "t -> topic (pre-receive hook declined)"
	expect_not_contains "atomic = $mode: no whole-push line for one ref" "$out" \
		"the whole push is refused"
done

done_testing
