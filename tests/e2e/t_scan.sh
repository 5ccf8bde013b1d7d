#!/usr/bin/env bash
# pushgate scan over a history long enough to be cut between jobs: the
# same findings, in the same order, with one job or several; a secret that
# lives across the cut is reported once, at the commit that added it; a
# job that fails makes the scan fail.
. "$(dirname "$0")/lib.sh"

N=3100
# Built from parts: this script holds no whole credential.
key="AK""IAZ7QF3KXM2PLN4W5R"
key2="AK""IAQ4XW2MN7LP3K5ZTR"
tok="tok_""k3j5h6g7f8d9s0a1q2w3e4r5"

# N commits, each changing one of 40 files; commit 100 adds old.env (kept
# to the end, so every job's first commit has it), commit 2000 adds
# late.env, commit 2100 the same token at notes.txt and then deploy.env.
git init -q --bare "$T/hist.git"
{
	for ((i = 1; i <= N; i++)); do
		printf 'commit refs/heads/main\ncommitter T <t@example.com> %d +0000\ndata <<EOM\nchange %d\nEOM\n' \
			$((1700000000 + i)) "$i"
		[ "$i" -gt 1 ] || printf 'deleteall\n'
		c="line $i"
		printf 'M 100644 inline src/f%d.txt\ndata %d\n%s\n' $((i % 40)) $((${#c} + 1)) "$c"
		if [ "$i" -eq 100 ]; then
			c="aws_access_key_id = $key"
			printf 'M 100644 inline old.env\ndata %d\n%s\n' $((${#c} + 1)) "$c"
		fi
		if [ "$i" -eq 2000 ]; then
			c="aws_access_key_id = $key2"
			printf 'M 100644 inline late.env\ndata %d\n%s\n' $((${#c} + 1)) "$c"
		fi
		if [ "$i" -eq 2100 ]; then
			c="token: $tok"
			printf 'M 100644 inline a-notes.txt\ndata %d\n%s\n' $((${#c} + 1)) "$c"
		fi
		if [ "$i" -eq 2200 ]; then
			c="token: $tok"
			printf 'M 100644 inline z-deploy.env\ndata %d\n%s\n' $((${#c} + 1)) "$c"
		fi
	done
} | git -C "$T/hist.git" fast-import --quiet
c100=$(git -C "$T/hist.git" rev-list --reverse main | sed -n 100p | cut -c1-7)
c2000=$(git -C "$T/hist.git" rev-list --reverse main | sed -n 2000p | cut -c1-7)
c2200=$(git -C "$T/hist.git" rev-list --reverse main | sed -n 2200p | cut -c1-7)

printf '[rule "env-token"]\nregex = tok_[a-z0-9]{24}\npaths = **/*.env\n' >"$T/env-rules.ini"
write_config "$T/pushgate.ini" <<'INI'
[core]
identity = env:PUSHGATE_USER
[secrets]
rules = builtin, env-rules.ini
INI
chmod 0644 "$T/env-rules.ini"

scan() {	# OUT JOBS
	"$PUSHGATE_BUILD/pushgate" scan -c "$T/pushgate.ini" -j "$2" --git-dir "$T/hist.git" \
		>"$1" 2>"$1.err"
}
scan "$T/one" 1
check "one job: exit 1 with findings" test $? -eq 1
scan "$T/two" 2
check "two jobs: exit 1 with findings" test $? -eq 1
scan "$T/three" 3
check "three jobs: exit 1 with findings" test $? -eq 1
check "two jobs print what one prints, in the same order" cmp -s "$T/one" "$T/two"
check "and so do three" cmp -s "$T/one" "$T/three"
check "three findings, each once" test "$(wc -l <"$T/two")" -eq 3
expect_contains "the secret across the cut, at the commit that added it" "$T/two" \
	"# $c100 old.env:1 aws-access-key-id AKIA"
expect_contains "the one after it" "$T/two" "# $c2000 late.env:1 aws-access-key-id AKIA"
expect_contains "a path-limited rule, at the first path it reads" "$T/two" \
	"# $c2200 z-deploy.env:1 env-token tok_"
expect_contains "the summary" "$T/two.err" "pushgate scan: 3 findings in "
expect_not_contains "no secret in the output" "$T/two" "$key"

# Many findings: each listed once, whatever the number of jobs.  Commit
# 2500's 300 files hold one key id each; commit 2501 touches every file
# again (a new tree holding the same blobs).
many=$T/many.git
git clone -q --bare "$T/hist.git" "$many"
git clone -q "$many" "$T/manyw"
mkdir -p "$T/manyw/keys"
for ((i = 0; i < 300; i++)); do
	id=$(printf '%s' "$i" | sha256sum | tr 'a-f0-9' 'A-J2-7' | tr -dc 'A-Z2-7' | cut -c1-16)
	printf 'aws_access_key_id = AK''IA%s\n' "$id" >"$T/manyw/keys/k$i.env"
done
git -C "$T/manyw" add keys && git -C "$T/manyw" commit -q -m "300 keys"
touch "$T/manyw/keys/other" && git -C "$T/manyw" add keys && git -C "$T/manyw" commit -q -m "touch"
git -C "$T/manyw" push -q origin HEAD:main
"$PUSHGATE_BUILD/pushgate" scan -c "$T/pushgate.ini" -j 2 --git-dir "$many" >"$T/many" 2>"$T/many.err"
check "300 findings more: exit 1" test $? -eq 1
check "each listed once" test "$(grep -c 'keys/k' "$T/many")" -eq 300
check "no fingerprint twice" test "$(cut -d' ' -f1 "$T/many" | sort -u | wc -l)" -eq 303

# A job that cannot read a blob fails the scan, whichever job it is.
git -C "$T/hist.git" read-tree main
blob=$(printf 'after\n' | git -C "$T/hist.git" hash-object -w --stdin)
git -C "$T/hist.git" update-index --add --cacheinfo "100644,$blob,zz-late.txt"
tree=$(git -C "$T/hist.git" write-tree)
rm -f "$T/hist.git/index"
last=$(git -C "$T/hist.git" commit-tree -p main -m broken "$tree")
git -C "$T/hist.git" update-ref refs/heads/main "$last"
rm -f "$T/hist.git/objects/${blob:0:2}/${blob:2}"
scan "$T/broken" 2
check "a job that fails fails the scan (exit 2)" test $? -eq 2
expect_contains "saying why" "$T/broken.err" "cannot read blob $blob"
scan "$T/broken1" 1
check "as one job does" test $? -eq 2

# Crafted objects: the walk reads trees and commits itself, and refuses
# what git would not write: a tree entry whose mode is not octal, and a
# commit whose tree is a blob.  The scan fails (exit 2) and says which.
crafted=$T/crafted.git
git init -q --bare "$crafted"
good=$(printf 'plain\n' | git -C "$crafted" hash-object -w --stdin)
badtree=$(printf '100844 a.txt\0' | cat - <(perl -e 'print pack("H*", $ARGV[0])' "$good") |
	git -C "$crafted" hash-object -t tree -w --literally --stdin)
c1=$(git -C "$crafted" commit-tree -m "bad mode" "$badtree")
git -C "$crafted" update-ref refs/heads/main "$c1"
"$PUSHGATE_BUILD/pushgate" scan -c "$T/pushgate.ini" --git-dir "$crafted" >"$T/crafted" 2>"$T/crafted.err"
check "a tree with a mode that is not octal: exit 2" test $? -eq 2
expect_contains "naming the tree" "$T/crafted.err" "cannot read tree $badtree: a malformed entry"
blobtree=$(printf 'tree %s\nauthor a <a@example.com> 1 +0000\ncommitter a <a@example.com> 1 +0000\n\nblob as tree\n' "$good" |
	git -C "$crafted" hash-object -t commit -w --literally --stdin)
git -C "$crafted" update-ref refs/heads/main "$blobtree"
"$PUSHGATE_BUILD/pushgate" scan -c "$T/pushgate.ini" --git-dir "$crafted" >"$T/crafted2" 2>"$T/crafted2.err"
check "a commit whose tree is a blob: exit 2" test $? -eq 2
expect_contains "saying so" "$T/crafted2.err" "cannot read tree $good: it is a blob"

done_testing
