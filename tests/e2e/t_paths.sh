#!/usr/bin/env bash
# [path] rules over every new commit of a push.
. "$(dirname "$0")/lib.sh"

srv=$(new_server app)
export PUSHGATE_CONFIG=$T/pushgate.ini
write_config "$PUSHGATE_CONFIG" <<'INI'
[core]
identity = env:PUSHGATE_USER

[group "security"]
members = carol

[path "src/crypto/**"]
write = @security
control = ISO27001:8.4
help = Crypto changes are reviewed by the security team.

[path "secrets/**"]
deny = yes

[path "docs/*.md"]
refs = refs/heads/main
write = dave
INI
out=$T/out
w=$(new_clone w "$srv")
commit "$w" "start" README
commit "$w" "crypto start" src/crypto/aes.c
push_as carol "$out" -C "$w" push origin HEAD:main
check "a security member pushes a crypto change" test $? -eq 0

# Three commits: the middle one touches src/crypto, the last reverts it.
commit "$w" "first" README
commit "$w" "sneaky" src/crypto/aes.c
sneaky=$(git -C "$w" rev-parse --short=7 HEAD)
git -C "$w" revert --no-edit HEAD >/dev/null
commit "$w" "third" README
push_as bob "$out" -C "$w" push origin HEAD:main
check "a reverted change in the middle of a push is still refused" test $? -ne 0
expect_contains "the reason names the rule's glob" "$out" \
	"REJECTED refs/heads/main: bob may not change src/crypto/**: 2 new commits do"
expect_contains "the rule and its control" "$out" "rule [path \"src/crypto/**\"] at $PUSHGATE_CONFIG:7 (ISO27001:8.4)"
expect_contains "the middle commit and its path" "$out" "$sneaky \"sneaky\": src/crypto/aes.c"
expect_contains "the way forward" "$out" "pusher bob (via env:PUSHGATE_USER) is not in write = @security"
expect_contains "the help" "$out" "Crypto changes are reviewed by the security team."
push_as carol "$out" -C "$w" push origin HEAD:main
check "the same commits pushed by a member are accepted" test $? -eq 0

# A clean merge of an accepted branch is not a change to its files.
git -C "$w" checkout -q -b feature
commit "$w" "crypto feature" src/crypto/rsa.c
push_as carol "$out" -C "$w" push origin feature
check "carol pushes a crypto feature branch" test $? -eq 0
git -C "$w" checkout -q main
commit "$w" "main work" README
git -C "$w" merge -q --no-edit feature
push_as bob "$out" -C "$w" push origin main
check "bob's clean merge of the accepted branch is accepted" test $? -eq 0

# An evil merge: the merge itself changes a crypto file.
git -C "$w" checkout -q -b feature2 HEAD~1
commit "$w" "other work" lib.c
git -C "$w" checkout -q main
git -C "$w" merge -q --no-commit feature2 >/dev/null 2>&1
echo "evil" >>"$w/src/crypto/aes.c"
git -C "$w" add src/crypto/aes.c
git -C "$w" commit -q -m "Merge feature2"
evil=$(git -C "$w" rev-parse --short=7 HEAD)
push_as bob "$out" -C "$w" push origin main
check "an evil merge is refused" test $? -ne 0
expect_contains "naming the merge and the path" "$out" "$evil \"Merge feature2\": src/crypto/aes.c"
expect_not_contains "the merged branch's own commit is not charged" "$out" "other work"
git -C "$w" reset -q --hard origin/main

# A branch created at existing commits brings nothing new.
push_as bob "$out" -C "$w" push origin origin/feature:refs/heads/copy
check "a branch created at an existing crypto commit is accepted" test $? -eq 0

# A root commit changes every path.
git -C "$w" checkout -q --orphan fresh
git -C "$w" rm -q -rf --cached . >/dev/null
git -C "$w" add src/crypto/aes.c
git -C "$w" commit -q -m "fresh root"
push_as bob "$out" -C "$w" push origin fresh
check "a root commit holding a crypto file is refused" test $? -ne 0
expect_contains "it is charged with the file" "$out" "\"fresh root\": src/crypto/aes.c"
git -C "$w" checkout -q -f main

# deny = yes: nobody, whoever pushes.
commit "$w" "add a secret" secrets/key.pem
push_as carol "$out" -C "$w" push origin main
check "deny = yes refuses even a security member" test $? -ne 0
expect_contains "deny reason" "$out" "REJECTED refs/heads/main: nobody may change secrets/**: 1 new commit does"
expect_contains "deny way forward" "$out" "deny = yes ($PUSHGATE_CONFIG:13): such paths may not be added or changed"
git -C "$w" reset -q --hard origin/main

# Deleting a guarded file is a change too.
git -C "$w" rm -q src/crypto/rsa.c
git -C "$w" commit -q -m "drop rsa"
push_as bob "$out" -C "$w" push origin main
check "deleting a guarded file is refused" test $? -ne 0
expect_contains "the deleted path is named" "$out" "\"drop rsa\": src/crypto/rsa.c"
git -C "$w" reset -q --hard origin/main

# refs = limits a rule to some refs; depth: docs/*.md is not docs/a/b.md.
commit "$w" "docs" docs/guide.md
push_as bob "$out" -C "$w" push origin HEAD:main
check "refs = refs/heads/main: the docs rule applies to main" test $? -ne 0
expect_contains "and names it" "$out" "bob may not change docs/*.md: 1 new commit does"
push_as bob "$out" -C "$w" push origin HEAD:refs/heads/topic
check "and not to topic" test $? -eq 0
git -C "$w" reset -q --hard origin/main
commit "$w" "deep docs" docs/deep/guide.md
push_as bob "$out" -C "$w" push origin HEAD:main
check "'*' stays within one path component" test $? -eq 0

# Paths with control characters and non-ASCII bytes are shown escaped.
commit "$w" "odd name" $'src/crypto/\e[31mred\nline.c'
commit "$w" "non-ASCII" 'src/crypto/Märchen.c'
commit "$w" "Latin-1" $'src/crypto/caf\xe9.c'
push_as bob "$out" -C "$w" push origin HEAD:main
check "odd paths under a guarded directory are refused" test $? -ne 0
expect_contains "control characters are escaped" "$out" 'src/crypto/\x1b[31mred\nline.c'
expect_not_contains "no raw escape reaches the pusher" "$out" $'\e[31m'
expect_contains "UTF-8 is shown as is" "$out" "src/crypto/Märchen.c"
expect_contains "invalid UTF-8 is escaped byte by byte" "$out" 'src/crypto/caf\xe9.c'
git -C "$w" reset -q --hard origin/main

# Submodules and symlinks count as paths.
ln -s ../../README "$w/src/crypto/link"
git -C "$w" add src/crypto/link
git -C "$w" commit -q -m "a symlink"
git -C "$w" update-index --add --cacheinfo 160000,1111111111111111111111111111111111111111,src/crypto/sub
git -C "$w" commit -q -m "a submodule"
push_as bob "$out" -C "$w" push origin HEAD:main
check "a symlink and a gitlink under a guarded path are refused" test $? -ne 0
expect_contains "the symlink" "$out" "\"a symlink\": src/crypto/link"
expect_contains "the gitlink" "$out" "\"a submodule\": src/crypto/sub"
git -C "$w" reset -q --hard origin/main

# Many offending commits: a bounded list and a count.
for i in $(seq 1 30); do echo "$i" >"$w/src/crypto/n.c"; git -C "$w" add src/crypto/n.c; git -C "$w" commit -q -m "crypto $i"; done
push_as bob "$out" -C "$w" push origin HEAD:main
check "30 offending commits are refused" test $? -ne 0
expect_contains "with a count" "$out" "bob may not change src/crypto/**: 30 new commits do"
check "the first 20 are listed" test "$(grep -c '"crypto [0-9]*": src/crypto/n.c' "$out")" -eq 20
expect_contains "and the rest counted" "$out" "... and 10 more"

# Many branches in one push share history: commits proved clean for one
# branch are not walked again for the next, but every offending branch is
# still reported.
git -C "$w" reset -q --hard origin/main
for i in $(seq 1 20); do
	git -C "$w" checkout -q -b "many/$i" origin/main
	if [ $((i % 2)) -eq 0 ]; then
		commit "$w" "crypto on $i" src/crypto/many.c
	else
		commit "$w" "docs on $i" notes.txt
	fi
done
git -C "$w" checkout -q main
push_as bob "$out" -C "$w" push origin 'refs/heads/many/*:refs/heads/many/*'
check "a push of 20 branches, 10 with crypto changes, is refused" test $? -ne 0
check "each of the 10 is reported" test "$(grep -c 'REJECTED refs/heads/many/.*: bob may not change src/crypto' "$out")" -eq 10
expect_not_contains "no clean branch is reported" "$out" "REJECTED refs/heads/many/1:"
for i in $(seq 1 20); do git -C "$w" branch -q -f "same/$i" many/2; done
push_as bob "$out" -C "$w" push origin 'refs/heads/same/*:refs/heads/same/*'
check "20 branches at one offending commit are each reported" \
	test "$(grep -c 'REJECTED refs/heads/same/.*: bob may not change src/crypto' "$out")" -eq 20

done_testing
