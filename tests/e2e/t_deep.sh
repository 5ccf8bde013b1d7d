#!/usr/bin/env bash
# Bad input for the commit walk: a tree nested far deeper than any project
# is refused with a clear message, not walked until the stack runs out.
. "$(dirname "$0")/lib.sh"

srv=$(new_server app)
export PUSHGATE_CONFIG=$T/pushgate.ini
write_config "$PUSHGATE_CONFIG" <<'INI'
[core]
identity = env:PUSHGATE_USER

[path "**/*.pem"]
deny = yes
INI
w=$(new_clone w "$srv")
deep=$(printf 'd/%.0s' $(seq 1 600))
mkdir -p "$w/$deep"
echo x >"$w/${deep}f"
git -C "$w" add .
git -C "$w" commit -q -m deep
push_as alice "$T/out" -C "$w" push origin HEAD:main
check "a tree 600 directories deep is refused" test $? -ne 0
expect_contains "failing closed, with the reason" "$T/out" "a tree nests directories more than 512 deep"

git -C "$w" rm -q -r d
shallow=$(printf 'd/%.0s' $(seq 1 100))
mkdir -p "$w/$shallow"
echo x >"$w/${shallow}key.pem"
git -C "$w" add .
git -C "$w" commit -q -m "deep key"
git -C "$w" checkout -q --orphan fresh
git -C "$w" commit -q -m "fresh deep key"
push_as alice "$T/out" -C "$w" push origin HEAD:fresh
check "a key.pem 100 directories deep is found" test $? -ne 0
expect_contains "by the deny rule" "$T/out" "nobody may change **/*.pem"

done_testing
