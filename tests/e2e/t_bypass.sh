#!/usr/bin/env bash
# Pushes an outside review found accepted where the policy reads strict:
# merges that revert protected paths, commits laundered through another
# branch, case and .git-alias spellings of paths, a symlink at a protected
# directory's name; and the logged way to import an old history instead.
# Objects are crafted with git mktree / commit-tree as an attacker would.
. "$(dirname "$0")/lib.sh"

out=$T/out
export PUSHGATE_CONFIG=$T/pushgate.ini

# mktree_with W BASE PATH MODE OID: a tree like BASE's with PATH (one or
# more components, any bytes but '/') set to MODE OID, built bottom-up with
# git mktree so no client-side path check gets a say.
mktree_with() {
	local w=$1 base=$2 path=$3 mode=$4 oid=$5 head rest sub type
	head=${path%%/*}
	if [ "$head" = "$path" ]; then
		type=blob
		[ "$mode" = 040000 ] && type=tree
		[ "$mode" = 160000 ] && type=commit
		{ [ -n "$base" ] && git -C "$w" ls-tree "$base" | grep -vP "\t\Q$head\E\$"
		  printf '%s %s %s\t%s\n' "$mode" "$type" "$oid" "$head"; } | git -C "$w" mktree
		return
	fi
	rest=${path#*/}
	sub=
	[ -n "$base" ] && sub=$(git -C "$w" rev-parse -q --verify "$base:$head" 2>/dev/null)
	sub=$(mktree_with "$w" "$sub" "$rest" "$mode" "$oid")
	{ [ -n "$base" ] && git -C "$w" ls-tree "$base" | grep -vP "\t\Q$head\E\$"
	  printf '040000 tree %s\t%s\n' "$sub" "$head"; } | git -C "$w" mktree
}

# commit_path W PATH [MODE OID]: a commit on W's HEAD adding PATH (a blob by
# default), made with commit-tree; W's HEAD moves to it.
commit_path() {
	local w=$1 path=$2 mode=${3:-100644} oid=${4:-} tree c
	[ -n "$oid" ] || oid=$(echo "content of $path $RANDOM" | git -C "$w" hash-object -w --stdin)
	tree=$(mktree_with "$w" "HEAD^{tree}" "$path" "$mode" "$oid")
	c=$(git -C "$w" commit-tree -p HEAD -m "add $path" "$tree")
	# Only HEAD moves: the client itself refuses to check some of these out.
	git -C "$w" update-ref HEAD "$c"
	echo "$c"
}

# ---- 1. merges whose other parent brings nothing new ----
srv=$(new_server merges)
write_config "$PUSHGATE_CONFIG" <<'INI'
[core]
identity = env:PUSHGATE_USER

[path "src/crypto/**"]
write = carol
INI
w=$(new_clone m "$srv")
commit "$w" "crypto v1" src/crypto/aes.c
old=$(git -C "$w" rev-parse HEAD)
push_as carol "$out" -C "$w" push origin HEAD:main
check "setup: carol pushes crypto v1" test $? -eq 0
commit "$w" "crypto fix" src/crypto/aes.c
commit "$w" "crypto new file" src/crypto/rsa.c
commit "$w" "readme" README
push_as carol "$out" -C "$w" push origin HEAD:main
check "setup: carol pushes her fix and a new file" test $? -eq 0

# The tree of main with src/crypto taken from the old commit.
reverted_tree() {
	local idx=$T/idx.$$
	GIT_INDEX_FILE=$idx git -C "$w" read-tree main
	GIT_INDEX_FILE=$idx git -C "$w" rm -q -r --cached src/crypto
	GIT_INDEX_FILE=$idx git -C "$w" read-tree --prefix=src/crypto/ "$old:src/crypto"
	GIT_INDEX_FILE=$idx git -C "$w" write-tree
	rm -f "$idx"
}
tree=$(reverted_tree)
m=$(git -C "$w" commit-tree -p main -p "$old" -m "merge old work" "$tree")
push_as bob "$out" -C "$w" push origin "$m:refs/heads/main"
check "1: a merge with an old parent that reverts src/crypto is refused" test $? -ne 0
expect_contains "1: as bob changing src/crypto" "$out" "bob may not change src/crypto/**"
expect_contains "1: naming the merge" "$out" "\"merge old work\": src/crypto/"
m=$(git -C "$w" commit-tree -p "$old" -p main -m "merge, old parent first" "$tree")
push_as bob "$out" -C "$w" push origin "$m:refs/heads/main"
check "1: the same with the old commit as first parent is refused" test $? -ne 0
m=$(git -C "$w" commit-tree -p main -p "$old" -p "$old~0^{commit}" -m "octopus" "$tree")
push_as bob "$out" -C "$w" push origin "$m:refs/heads/main"
check "1: an octopus with the old commit among its parents is refused" test $? -ne 0
m=$(git -C "$w" commit-tree -p main -p main -m "main twice" "$tree")
push_as bob "$out" -C "$w" push origin "$m:refs/heads/main"
check "1: a merge naming main twice is refused" test $? -ne 0
# Laundering: bob's own commit on top of the old one, merged in.
git -C "$w" checkout -q "$old"
commit "$w" "side work" docs/side.md
side=$(git -C "$w" rev-parse HEAD)
m=$(git -C "$w" commit-tree -p main -p "$side" -m "merge side" "$tree")
push_as bob "$out" -C "$w" push origin "$m:refs/heads/main"
check "1: a revert laundered through a new side commit is refused" test $? -ne 0
expect_contains "1: laundered: charged to the merge" "$out" "\"merge side\": src/crypto/"
# A clean merge of bob's harmless side commit is free.
git -C "$w" checkout -q main
git -C "$w" merge -q --no-edit "$side"
push_as bob "$out" -C "$w" push origin HEAD:main
check "1: a clean merge of a new, harmless side branch is accepted" test $? -eq 0
# A merge of two new commits where the merge itself changes src/crypto.
git -C "$w" checkout -q -b f1
commit "$w" "f1" docs/f1.md
git -C "$w" checkout -q main
commit "$w" "f2" docs/f2.md
git -C "$w" merge -q --no-edit --no-commit f1
echo evil >>"$w/src/crypto/aes.c"
git -C "$w" add src/crypto/aes.c
git -C "$w" commit -q -m "evil merge"
push_as bob "$out" -C "$w" push origin HEAD:main
check "1: an evil merge of two new commits is refused" test $? -ne 0
expect_contains "1: evil merge: charged to the merge" "$out" "\"evil merge\": src/crypto/aes.c"

# ---- 2. commits laundered through an unprotected branch ----
srv=$(new_server launder)
write_config "$PUSHGATE_CONFIG" <<'INI'
[core]
identity = env:PUSHGATE_USER

[branch "main"]
push = bob, carol
subject = ^CHG-[0-9]+:
linear = yes

[branch "rel/*"]
push = bob
subject = ^REL-[0-9]+:

[path "docs/**"]
refs = refs/heads/main
write = carol
INI
w=$(new_clone l "$srv")
commit "$w" "CHG-1: start" README
push_as bob "$out" -C "$w" push origin HEAD:main
check "setup: bob pushes main" test $? -eq 0
# A spelling of main that macOS and Windows clients store as main.
push_as mallory "$out" -C "$w" push origin HEAD:refs/heads/Main
check "4: refs/heads/Main is governed by [branch \"main\"]" test $? -ne 0
expect_contains "4: mallory may not create it" "$out" "REJECTED refs/heads/Main: mallory may not create this branch"
commit "$w" "no ticket here" README
push_as mallory "$out" -C "$w" push origin HEAD:topic
check "2: mallory pushes an unticketed commit to an unprotected branch" test $? -eq 0
push_as bob "$out" -C "$w" push origin HEAD:main
check "2: fast-forwarding main to it is refused" test $? -ne 0
expect_contains "2: by main's subject rule" "$out" "does not match ^CHG-[0-9]+:"
expect_contains "2: naming the commit" "$out" "\"no ticket here\""
git -C "$w" reset -q --hard origin/main
commit "$w" "CHG-2: docs" docs/a.md
push_as mallory "$out" -C "$w" push origin HEAD:topic2
check "2: a docs change lands on another branch" test $? -eq 0
push_as bob "$out" -C "$w" push origin HEAD:main
check "2: main's ref-scoped path rule sees it when main moves" test $? -ne 0
expect_contains "2: as bob changing docs" "$out" "bob may not change docs/**"
push_as carol "$out" -C "$w" push origin HEAD:main
check "2: carol may move main to it" test $? -eq 0
# Creating a protected branch at them: what only unprotected refs reach is
# checked; what a protected ref (main) already has is trusted.
git -C "$w" fetch -q origin
push_as bob "$out" -C "$w" push origin origin/topic:refs/heads/rel/1
check "2: creating rel/1 at the unprotected branch's commits is refused" test $? -ne 0
expect_contains "2: by rel/*'s subject rule" "$out" "REJECTED refs/heads/rel/1"
expect_contains "2: naming the laundered commit" "$out" "\"no ticket here\""
push_as bob "$out" -C "$w" push origin origin/main:refs/heads/rel/2
check "2: creating rel/2 at main's tip is accepted: main's history is not re-checked" test $? -eq 0
# A merge laundered the same way.
git -C "$w" checkout -q -b x
commit "$w" "CHG-3: x" README
git -C "$w" checkout -q main
commit "$w" "CHG-4: y" NEWS
git -C "$w" merge -q --no-edit -m "CHG-5: merge" x
push_as mallory "$out" -C "$w" push origin HEAD:topic3
check "2: a merge lands on an unprotected branch" test $? -eq 0
push_as bob "$out" -C "$w" push origin HEAD:main
check "2: main's linear rule sees it when main moves" test $? -ne 0
expect_contains "2: by linear" "$out" "linear = yes"
# A commit main already had is not checked again for another branch.
git -C "$w" reset -q --hard origin/main
push_as mallory "$out" -C "$w" push origin HEAD:copy
check "2: a branch at main's tip is accepted" test $? -eq 0

# ---- 3. signer validity at the time of the push, not the pusher's dates ----
srv=$(new_server dates)
keys=$T/keys
mkdir -p "$keys"
for k in old new future; do
	ssh-keygen -q -t ed25519 -N '' -C "$k" -f "$keys/$k"
done
{
	echo "old valid-before=\"20200101Z\" $(cut -d' ' -f1,2 "$keys/old.pub")"
	echo "new $(cut -d' ' -f1,2 "$keys/new.pub")"
	echo "future valid-after=\"20980101Z\" $(cut -d' ' -f1,2 "$keys/future.pub")"
} >"$T/allowed_signers"
chmod 0644 "$T/allowed_signers"
write_config "$PUSHGATE_CONFIG" <<INI
[core]
identity = env:PUSHGATE_USER
signers = $T/allowed_signers

[branch "main"]
require_signed = yes
INI
w=$(new_clone d "$srv")
git -C "$w" config gpg.format ssh
signed_commit() {	# KEY DATE MESSAGE: a commit signed by KEY, author and committer at DATE
	git -C "$w" config user.signingkey "$keys/$1"
	echo "$3" >>"$w/file.txt"
	git -C "$w" add file.txt
	GIT_AUTHOR_DATE=$2 GIT_COMMITTER_DATE=$2 git -C "$w" commit -q -S -m "$3"
}
signed_commit new "2026-01-01T00:00:00Z" "start"
push_as bob "$out" -C "$w" push origin HEAD:main
check "3: setup: a commit signed by a valid key is accepted" test $? -eq 0
signed_commit old "2019-06-01T00:00:00Z" "backdated"
push_as bob "$out" -C "$w" push origin HEAD:main
check "3: a key expired in 2020 signing a commit dated 2019 is refused" test $? -ne 0
expect_contains "3: as expired" "$out" "key expired at"
git -C "$w" reset -q --hard origin/main
signed_commit future "2098-06-01T00:00:00Z" "postdated"
push_as bob "$out" -C "$w" push origin HEAD:main
check "3: a key valid from 2098 signing a commit dated later in 2098 is refused" test $? -ne 0
expect_contains "3: as not yet valid" "$out" "key not yet valid until"
git -C "$w" reset -q --hard origin/main
signed_commit new "2019-06-01T00:00:00Z" "old date, valid key"
push_as bob "$out" -C "$w" push origin HEAD:main
check "3: a valid key with an old committer date is accepted" test $? -eq 0

# ---- 4 and 5. case, Unicode and .git spellings; a symlink at the name ----
srv=$(new_server names)
write_config "$PUSHGATE_CONFIG" <<'INI'
[core]
identity = env:PUSHGATE_USER

[path "src/crypto/**"]
write = carol

[path "Keys/**"]
case = sensitive
write = carol

[path "certs/*.pem"]
write = carol

[path "**/*.der"]
deny = yes
INI
w=$(new_clone n "$srv")
commit "$w" "start" README
push_as carol "$out" -C "$w" push origin HEAD:main
check "setup: carol pushes main" test $? -eq 0
base=$(git -C "$w" rev-parse HEAD)
refused() {	# NAME PATH [MODE OID]: bob's commit adding PATH to main is refused
	local name=$1
	shift
	git -C "$w" reset -q --hard "$base"
	commit_path "$w" "$@" >/dev/null
	push_as bob "$out" -C "$w" push origin HEAD:main
	check "$name" test $? -ne 0
}
accepted() {
	local name=$1
	shift
	git -C "$w" reset -q --hard "$base"
	commit_path "$w" "$@" >/dev/null
	push_as bob "$out" -C "$w" push -f origin HEAD:main
	check "$name" test $? -eq 0
	git -C "$w" push -q -f origin "$base:refs/heads/main" 2>/dev/null
}
refused "4: src/Crypto/x.c is under src/crypto/**" src/Crypto/x.c
expect_contains "4: and the message names the rule" "$out" "bob may not change src/crypto/**"
refused "4: SRC/CRYPTO/x.c too" SRC/CRYPTO/x.c
refused "4: src/crypto./x.c (NTFS drops the dot)" src/crypto./x.c
refused "4: 'src/crypto /x.c' (NTFS drops the space)" "src/crypto /x.c"
refused "4: src/cry\\u200cpto/x.c (HFS+ ignores U+200C)" $'src/cry\u200cpto/x.c'
refused "4: src/crypto:stream/x.c (an NTFS stream of src/crypto)" "src/crypto:stream/x.c"
accepted "4: a different name is not folded into it: src/cryptox/x.c" src/cryptox/x.c
refused "4: case = sensitive still matches its own spelling" Keys/k.pem
accepted "4: case = sensitive lets keys/k.pem pass" keys/k.pem

target=$(printf '../vendor/evil' | git -C "$w" hash-object -w --stdin)
refused "5: a symlink named src/crypto is refused" src/crypto 120000 "$target"
expect_contains "5: as a change to src/crypto/**" "$out" "bob may not change src/crypto/**"
refused "5: a gitlink named src/crypto is refused" src/crypto 160000 "$base"
refused "5: a symlink named src/Crypto too" src/Crypto 120000 "$target"
refused "5: a symlink named src, above the protected directory" src 120000 "$target"
refused "5: a symlink named certs under [path \"certs/*.pem\"]" certs 120000 "$target"
accepted "5: a symlink elsewhere is not charged" docs/link 120000 "$target"
accepted "5: a regular file named like a directory above is not a redirect" lib 100644 "$(echo x | git -C "$w" hash-object -w --stdin)"

# .git in any spelling a checkout reads as .git: refused on every ref,
# whoever pushes, whatever the policy says.
for name in .GIT .Git/config git~1/config ".git./config" ".git /config" \
	$'.g\u200cit/config' ".git::\$INDEX_ALLOCATION/config" "sub/.GIT/hooks/post-checkout"; do
	git -C "$w" reset -q --hard "$base"
	commit_path "$w" "$name" >/dev/null
	push_as carol "$out" -C "$w" push origin HEAD:refs/heads/topic-$RANDOM
	check "4: '$name' is refused even on an unprotected branch" test $? -ne 0
done
expect_contains "4: saying why" "$out" "a path that git clients must not check out"
for name in .gitmodules .GITATTRIBUTES gitmod~1 sub/.gitignore .mailmap; do
	git -C "$w" reset -q --hard "$base"
	commit_path "$w" "$name" 120000 "$target" >/dev/null
	push_as carol "$out" -C "$w" push origin HEAD:refs/heads/topic-$RANDOM
	check "4: a symlink named '$name' is refused (git will not follow it)" test $? -ne 0
done
git -C "$w" reset -q --hard "$base"
commit_path "$w" ".gitignore" >/dev/null
push_as carol "$out" -C "$w" push origin HEAD:refs/heads/topic-ok
check "4: .gitignore is not .git" test $? -eq 0
git -C "$w" reset -q --hard "$base"
commit_path "$w" "docs/git~2.txt" >/dev/null
push_as carol "$out" -C "$w" push origin HEAD:refs/heads/topic-ok2
check "4: git~2.txt is not .git" test $? -eq 0

# ---- 12. importing an old history, logged ----
srv=$(new_server import)
release_log_keys
release_log_config "$PUSHGATE_CONFIG" <<'INI'

[branch "main"]
push = bob, admin
subject = ^CHG-[0-9]+:
import = admin

[path "src/crypto/**"]
write = carol
INI
log=$T/log/release.log
"$PUSHGATE_BUILD/pushgate" check >"$out" 2>&1
check "12: a policy with import is valid" test $? -eq 0
w=$(new_clone i "$srv")
commit "$w" "old history 1" README
commit "$w" "old crypto" src/crypto/aes.c
commit "$w" "old history 2" README
push_as bob "$out" -C "$w" push origin HEAD:main
check "12: the old history does not pass the rules" test $? -ne 0
push_as bob "$out" -C "$w" push -o "import=CHG-7: from the old server" origin HEAD:main
check "12: a non-member's import is refused" test $? -ne 0
expect_contains "12: saying who may" "$out" "bob may not import"
expect_contains "12: naming the list" "$out" "import = admin"
push_as admin "$out" -C "$w" push -o "import=" origin HEAD:main
check "12: an import without a reason is refused" test $? -ne 0
expect_contains "12: saying a reason is needed" "$out" "import refused: it needs a reason"
push_as admin "$out" -C "$w" push -o "import=  " origin HEAD:main
check "12: an import with a blank reason is refused" test $? -ne 0
expect_contains "12: blanks are no reason" "$out" "import refused: it needs a reason"
expect_not_contains "12: no import was logged so far" "$log" '"reason":"import:'

# A log the hook cannot append to (immutable: root too is stopped).
if chattr +i "$log" 2>/dev/null; then
	push_as admin "$out" -C "$w" push -o "import=CHG-7: from the old server" origin HEAD:main
	check "12: an import the log cannot take is refused" test $? -ne 0
	expect_contains "12: saying the log cannot be written" "$out" "the release log cannot be written"
	check "12: main was not created" test -z "$(git -C "$srv" for-each-ref refs/heads/main)"
	chattr -i "$log"
else
	ok "# SKIP cannot make the log immutable here (no chattr)"
fi

push_as admin "$out" -C "$w" push -o "import=CHG-7: from the old server" origin HEAD:main
check "12: the admin's import with a reason is accepted" test $? -eq 0
expect_contains "12: the pusher is told it was an import" "$out" "IMPORT refs/heads/main: the commit and path rules were skipped"
expect_contains "12: it is logged with its reason" "$log" '"reason":"import: CHG-7: from the old server"'
expect_contains "12: as an update of main by admin" "$log" '"ref":"refs/heads/main"'
"$PUSHGATE_BUILD/pushgate" log verify >"$out" 2>&1
check "12: the log verifies" test $? -eq 0
commit "$w" "after import" README
push_as admin "$out" -C "$w" push origin HEAD:main
check "12: after the import the rules apply again" test $? -ne 0
git -C "$w" reset -q --hard origin/main
commit_path "$w" ".GIT/config" >/dev/null
push_as admin "$out" -C "$w" push -o "import=CHG-8: more" origin HEAD:main
check "12: an import never lets a .git alias in" test $? -ne 0

done_testing
