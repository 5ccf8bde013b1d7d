#!/usr/bin/env bash
# Release tags: who may create them; moving or deleting them is refused.
. "$(dirname "$0")/lib.sh"

srv=$(new_server app)
export PUSHGATE_CONFIG=$T/pushgate.ini
write_config "$PUSHGATE_CONFIG" <<'INI'
[core]
identity = env:PUSHGATE_USER

[tag "v*"]
create = carol
control = ISO27001:8.32

[tag "nightly-*"]
update = *
delete = *
INI

w=$(new_clone w "$srv")
commit "$w" first
push_as carol "$T/out" -C "$w" push origin HEAD:main
check "an unprotected branch is pushed" test $? -eq 0
out=$T/out

git -C "$w" tag -a v1.0 -m "release 1.0"
push_as bob "$out" -C "$w" push origin v1.0
check "bob may not create a release tag" test $? -ne 0
expect_contains "tag create reason" "$out" "REJECTED refs/tags/v1.0: bob may not create this tag"
push_as carol "$out" -C "$w" push origin v1.0
check "carol creates the annotated tag v1.0" test $? -eq 0
old=$(git -C "$srv" rev-parse v1.0)

commit "$w" second
git -C "$w" tag -f -a v1.0 -m "release 1.0 again" >/dev/null
push_as carol "$out" -C "$w" push -f origin v1.0
check "moving v1.0 forward is refused, even for its creator" test $? -ne 0
expect_contains "immutable tag reason" "$out" \
	"REJECTED refs/tags/v1.0: the tag is immutable: moving it is not allowed"
expect_contains "the rule and control" "$out" "rule [tag \"v*\"] at $PUSHGATE_CONFIG:4 (ISO27001:8.32)"
expect_contains "the way forward" "$out" "update = none (default); create a new tag instead"
check "v1.0 still names the first tag object" test "$(git -C "$srv" rev-parse v1.0)" = "$old"

git -C "$w" tag -f v1.0 HEAD~1 >/dev/null	# lightweight, same commit, other object
push_as carol "$out" -C "$w" push -f origin v1.0
check "replacing the tag object by a lightweight tag is refused" test $? -ne 0

push_as carol "$out" -C "$w" push origin :refs/tags/v1.0
check "deleting v1.0 is refused" test $? -ne 0
expect_contains "tag delete reason" "$out" "REJECTED refs/tags/v1.0: deleting this tag is not allowed"

git -C "$w" tag nightly-1 HEAD~1
push_as bob "$out" -C "$w" push origin nightly-1
check "anyone identified creates a nightly tag" test $? -eq 0
git -C "$w" tag -f nightly-1 HEAD >/dev/null
push_as bob "$out" -C "$w" push -f origin nightly-1
check "update = * lets a nightly tag move" test $? -eq 0
push_as bob "$out" -C "$w" push origin :refs/tags/nightly-1
check "delete = * lets it be deleted" test $? -eq 0

git -C "$w" tag other-1
push_as bob "$out" -C "$w" push origin other-1
check "a tag no rule matches is not protected" test $? -eq 0

done_testing
