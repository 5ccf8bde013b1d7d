#!/usr/bin/env bash
# Protected branches over file://: who may create, push, force-push, delete.
. "$(dirname "$0")/lib.sh"

srv=$(new_server app)
export PUSHGATE_CONFIG=$T/pushgate.ini
write_config "$PUSHGATE_CONFIG" <<'INI'
[core]
identity = env:PUSHGATE_USER

[group "maintainers"]
members = alice, @release

[group "release"]
members = carol

[branch "main"]
push = @maintainers
control = ISO27001:8.32
help = Changes to main go through a pull request, see https://wiki/merging

[branch "release/*"]
create = carol
push = @maintainers
force_push = alice
delete = @release

[branch "**"]
mode = warn
control = team-note
INI

w=$(new_clone w "$srv")
commit "$w" first
out=$T/out

push_as bob "$out" -C "$w" push origin HEAD:main
check "non-member cannot create main" test $? -ne 0
expect_contains "REJECTED line names ref and reason" "$out" \
	"remote: pushgate: REJECTED refs/heads/main: bob may not create this branch"
expect_contains "rule line names the section and FILE:LINE" "$out" \
	"pushgate:   rule [branch \"main\"] at $PUSHGATE_CONFIG:10 (ISO27001:8.32)"
expect_contains "what was found names the pusher and source" "$out" \
	"pusher bob (via env:PUSHGATE_USER) is not in @maintainers"
expect_contains "the rule's help is shown" "$out" \
	"pushgate:   Changes to main go through a pull request, see https://wiki/merging"
check "main does not exist after the refusal" test -z "$(git -C "$srv" for-each-ref refs/heads/main)"

push_as carol "$out" -C "$w" push origin HEAD:main
check "member through a nested group creates main" test $? -eq 0
expect_not_contains "an accepted push prints nothing" "$out" "pushgate:"

commit "$w" second
push_as bob "$out" -C "$w" push origin HEAD:main
check "non-member cannot fast-forward main" test $? -ne 0
expect_contains "fast-forward refusal reason" "$out" "REJECTED refs/heads/main: bob may not push to this branch"
push_as alice "$out" -C "$w" push origin HEAD:main
check "member fast-forwards main" test $? -eq 0
tip=$(git -C "$w" rev-parse HEAD)
check "server main is at the pushed tip" test "$(git -C "$srv" rev-parse main)" = "$tip"

git -C "$w" commit -q --amend -m "second, rewritten"
push_as alice "$out" -C "$w" push -f origin HEAD:main
check "force-push to main is refused even for a member" test $? -ne 0
expect_contains "force-push reason" "$out" "REJECTED refs/heads/main: force-push is not allowed"
expect_contains "force-push finding names both commits" "$out" \
	"$(git -C "$w" rev-parse --short=7 HEAD) is not a descendant of ${tip:0:7}, the current tip"
expect_contains "force-push way forward with the default" "$out" \
	"force_push = none (default); ask an admin, or fetch and rebase onto origin/main"
check "main was not rewritten" test "$(git -C "$srv" rev-parse main)" = "$tip"

push_as alice "$out" -C "$w" push origin :main
check "deleting main is refused" test $? -ne 0
expect_contains "delete reason" "$out" "REJECTED refs/heads/main: deleting this branch is not allowed"
check "main still exists" test "$(git -C "$srv" rev-parse main)" = "$tip"

# release/*: explicit lists for every kind of change
git -C "$w" reset -q --hard "$tip"
push_as alice "$out" -C "$w" push origin HEAD:release/1.0
check "create = carol: alice may not create a release branch" test $? -ne 0
expect_contains "create reason and key line" "$out" "create = carol ($PUSHGATE_CONFIG:16)"
push_as carol "$out" -C "$w" push origin HEAD:release/1.0
check "carol creates release/1.0" test $? -eq 0
git -C "$w" commit -q --amend -m "rewritten for release"
push_as carol "$out" -C "$w" push -f origin HEAD:release/1.0
check "carol may not force-push release/1.0" test $? -ne 0
expect_contains "force-push member reason" "$out" "carol may not force-push to this branch"
push_as alice "$out" -C "$w" push -f origin HEAD:release/1.0
check "force_push = alice lets alice force-push" test $? -eq 0
push_as alice "$out" -C "$w" push origin :release/1.0
check "alice is not in delete = @release" test $? -ne 0
push_as carol "$out" -C "$w" push origin :release/1.0
check "carol deletes release/1.0" test $? -eq 0
check "release/1.0 is gone" test -z "$(git -C "$srv" for-each-ref refs/heads/release/1.0)"

# A branch only the warn rule matches: anything goes, with a warning for
# what a protected branch would refuse.
push_as bob "$out" -C "$w" push origin HEAD:topic
check "bob creates an unprotected topic branch" test $? -eq 0
git -C "$w" commit -q --amend -m "topic rewritten"
push_as bob "$out" -C "$w" push -f origin HEAD:topic
check "force-push under mode = warn is accepted" test $? -eq 0
expect_contains "and warned about" "$out" "pushgate: WARNING refs/heads/topic: force-push is not allowed"
expect_contains "warn block names its rule" "$out" "rule [branch \"**\"] at $PUSHGATE_CONFIG:21 (team-note)"

# Refs outside refs/heads and refs/tags are not protected by branch rules.
push_as nobody-known "$out" -C "$w" push origin HEAD:refs/notes/x
check "refs/notes/x is not protected" test $? -eq 0
expect_not_contains "and nothing is reported for it" "$out" "pushgate:"

# Two problems in one push are shown at once.
git -C "$w" fetch -q origin main && git -C "$w" reset -q --hard FETCH_HEAD
commit "$w" third
push_as bob "$out" -C "$w" push origin HEAD:main HEAD:release/2.0
check "a push with two refused refs fails" test $? -ne 0
expect_contains "first problem shown" "$out" "REJECTED refs/heads/main: bob may not push to this branch"
expect_contains "second problem shown" "$out" "REJECTED refs/heads/release/2.0: bob may not create this branch"

done_testing
