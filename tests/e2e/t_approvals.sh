#!/usr/bin/env bash
# approvals = N with the real git client: reviewers sign approvals with
# `pushgate approve` (ssh-keygen -Y sign), push them to refs/notes/approvals,
# and a push of main counts them; git push --signed for the pusher.
. "$(dirname "$0")/lib.sh"

keys=$T/keys
mkdir -p "$keys"
for k in alice bob carol dave erin; do
	ssh-keygen -q -t ed25519 -N '' -C "$k" -f "$keys/$k"
done
{
	for k in alice bob carol dave erin; do
		echo "$k,$k@example.com namespaces=\"git,pushgate-approval\" $(cut -d' ' -f1,2 "$keys/$k.pub")"
	done
} >"$T/allowed_signers"
chmod 0644 "$T/allowed_signers"
release_log_keys
log=$T/log/release.log

srv=$(new_server app)
git -C "$srv" config receive.certNonceSeed "e2e-$RANDOM-$RANDOM"
git -C "$srv" config gpg.ssh.allowedSignersFile "$T/allowed_signers"
export PUSHGATE_CONFIG=$T/pushgate.ini
# First an open main to start from.
release_log_config "$PUSHGATE_CONFIG" <<'INI'
signers = allowed_signers
INI
out=$T/out
# person NAME: a clone of the server as NAME, signing with NAME's key
person() {
	local w
	w=$(new_clone "$1" "$srv")
	git -C "$w" config user.name "$1"
	git -C "$w" config user.email "$1@example.com"
	git -C "$w" config gpg.format ssh
	git -C "$w" config user.signingkey "$keys/$1"
	echo "$w"
}
wa=$(person alice) wb=$(person bob) wc=$(person carol) wd=$(person dave) we=$(person erin)
commit "$wa" "start" README
push_as alice "$out" -C "$wa" push -q origin HEAD:main
check "main starts" test $? -eq 0

release_log_config "$PUSHGATE_CONFIG" <<'INI'
signers = allowed_signers

[group "reviewers"]
members = alice, bob, carol, dave

[branch "main"]
push              = alice, bob
approvals         = 2
approvers         = @reviewers
require_push_cert = yes
release           = yes
INI
"$PUSHGATE_BUILD/pushgate" check >"$T/chk" 2>&1
check "the policy is valid" test $? -eq 0 || cat "$T/chk"

# bob writes a change on a topic branch, which no rule covers.
git -C "$wb" pull -q origin main
commit "$wb" "CHG-1: the change" src.c
push_as bob "$out" -C "$wb" push -q origin HEAD:topic
check "bob pushes his topic" test $? -eq 0
A=$(git -C "$wb" rev-parse HEAD)
for w in "$wa" "$wc" "$wd" "$we"; do git -C "$w" fetch -q origin; done
git -C "$wa" checkout -q -B main origin/main

approve() {	# USER ARGS...: pushgate approve in USER's clone
	local u=$1; shift
	(cd "$T/work/$u" && PUSHGATE_USER=$u "$PUSHGATE_BUILD/pushgate" approve "$@") >"$out" 2>&1
}
push_main() {	# REV: alice pushes REV to main, signed
	push_as alice "$out" -C "$wa" push --signed origin "$1:refs/heads/main"
}

push_main "$A"
check "without approvals the push is refused" test $? -ne 0
expect_contains "saying none were found" "$out" "REJECTED refs/heads/main: no approvals: 2 needed"
expect_contains "naming the rule" "$out" "approvals = 2 ($PUSHGATE_CONFIG:13), approvers = @reviewers"
expect_contains "who may approve" "$out" "may approve: carol, dave"
expect_not_contains "not the author or the pusher" "$out" "may approve: alice"
expect_contains "and how" "$out" "pushgate approve $A --push origin"

# dave approves first, but only in his clone: a parallel approval.
approve dave "$A"
check "dave approves locally" test $? -eq 0
expect_contains "saying what he approved" "$out" "approved ${A:0:7} \"CHG-1: the change\" with SHA256:"
expect_contains "and how to publish it" "$out" "git push origin refs/notes/approvals"

approve carol --key "$keys/carol" --push origin "$A"
check "carol approves and pushes" test $? -eq 0
expect_contains "saying so" "$out" "pushed refs/notes/approvals to origin"

push_main "$A"
check "one approval is not enough" test $? -ne 0
expect_contains "saying who approved and how many more" "$out" \
	"REJECTED refs/heads/main: 1 of 2 approvals (carol): 1 more needed"
expect_contains "and who is missing" "$out" "may approve: dave"

# The author's and the pusher's own approvals do not count; nor a non-member's.
approve bob --push origin "$A"
check "bob approves his own commit" test $? -eq 0
approve alice --push origin "$A"
approve erin --push origin "$A"
check "erin, who is no reviewer, approves" test $? -eq 0
push_main "$A"
check "still refused" test $? -ne 0
expect_contains "bob is the author" "$out" "bob (the author)"
expect_contains "alice is the pusher" "$out" "alice (the pusher)"
expect_contains "erin is not a reviewer" "$out" "erin (not in approvers)"
expect_contains "still one of two" "$out" "1 of 2 approvals (carol)"

# dave's local notes diverged from the server's: a plain push cannot take
# them, a forced one is refused by pushgate, --push merges.
PUSHGATE_USER=dave git -C "$wd" push --force origin refs/notes/approvals >"$out" 2>&1
check "a forced push of the approvals is refused" test $? -ne 0
expect_contains "they only move forward" "$out" \
	"refs/notes/approvals may only move forward: approvals are evidence"
approve dave --push origin "$A"
check "dave's approval merges with the others and is pushed" test $? -eq 0
expect_contains "as one he had made" "$out" "already approved ${A:0:7}"
git -C "$srv" notes --ref=approvals show "$A" >"$T/note"
check "the merged note has all five approvals" test "$(grep -c '^approve ' "$T/note")" -eq 5

# The unsigned push and one signed by another key are refused even so.
push_as alice "$out" -C "$wa" push origin "$A:refs/heads/main"
check "an unsigned push is refused" test $? -ne 0
expect_contains "as unsigned" "$out" "the push is not signed"

push_main "$A"
check "carol and dave approved: alice's signed push is accepted" test $? -eq 0
entry=$(tail -n 1 "$log")
carol_fp=$(ssh-keygen -l -f "$keys/carol.pub" | cut -d' ' -f2)
dave_fp=$(ssh-keygen -l -f "$keys/dave.pub" | cut -d' ' -f2)
alice_fp=$(ssh-keygen -l -f "$keys/alice.pub" | cut -d' ' -f2)
case $entry in
*"\"approvals\":[\"carol $carol_fp\",\"dave $dave_fp\"],\"push_cert\":\""*" alice $alice_fp\""*) ok "the log entry names carol, dave and alice's certificate" ;;
*) not_ok "the log entry names carol, dave and alice's certificate"; echo "# $entry" ;;
esac
check "and verifies with ssh-keygen" ssh_verify_entry "$entry"
cert=$(printf '%s' "$entry" | sed 's/.*"push_cert":"\([0-9a-f]*\) .*/\1/')
check "the certificate is kept under refs/pushgate/certs" \
	test "$(git -C "$srv" rev-parse refs/pushgate/certs:cert)" = "$cert"
git -C "$srv" cat-file blob "$cert" >"$T/cert"
expect_contains "and is the push's certificate" "$T/cert" "$A refs/heads/main"
"$PUSHGATE_BUILD/pushgate" log show >"$out" 2>&1
expect_contains "log show shows who approved and signed" "$out" "carol,dave   alice"
"$PUSHGATE_BUILD/pushgate" log verify >"$out" 2>&1
check "the log verifies" test $? -eq 0

# Approvals are of one exact commit: a new commit needs new ones.
git -C "$wb" fetch -q origin
commit "$wb" "CHG-2: more" src.c
B=$(git -C "$wb" rev-parse HEAD)
push_as bob "$out" -C "$wb" push -q origin HEAD:topic
git -C "$wa" fetch -q origin
push_main "$B"
check "a commit after the approved one is not approved" test $? -ne 0
expect_contains "no approvals of it" "$out" "no approvals: 2 needed"

# Crafted notes: carol's approval of A copied onto B, A's line with B's id,
# a signature in another namespace, and garbage.
line=$(grep "^approve $A " "$T/note" | head -n 1)
sig_b64=${line##* }
msg=$T/msg
printf 'pushgate approval\ncommit %s\n' "$B" >"$msg"
ssh-keygen -Y sign -q -f "$keys/dave" -n git "$msg"
wrongns=$(sed '1d;$d' "$msg.sig" | tr -d '\n')
{
	echo "$line"
	echo "approve $B $sig_b64"
	echo "approve $B $wrongns"
	echo "approve $B AAAAnotasignature"
} >"$T/crafted"
git -C "$wc" fetch -q origin "+refs/notes/approvals:refs/notes/approvals"
git -C "$wc" fetch -q origin
git -C "$wc" notes --ref=approvals add -f -F "$T/crafted" "$B"
PUSHGATE_USER=carol git -C "$wc" push -q origin refs/notes/approvals >"$out" 2>&1
check "the crafted notes are pushed (they are only notes)" test $? -eq 0
push_main "$B"
check "crafted approvals do not count" test $? -ne 0
expect_contains "an approval of another commit" "$out" "an approval of another commit"
expect_contains "a signature over another message" "$out" "that does not verify"
expect_contains "a signature in another namespace" "$out" "that is no approval (namespace \"git\")"
expect_contains "garbage" "$out" "whose signature cannot be read"
expect_contains "still none" "$out" "no approvals: 2 needed"

# A clean merge of an approved commit counts; an evil one does not.
git -C "$wa" fetch -q origin
git -C "$wa" checkout -q -B side origin/main~1
commit "$wa" "CHG-3: elsewhere" other.c
C=$(git -C "$wa" rev-parse HEAD)
push_as alice "$out" -C "$wa" push -q origin HEAD:topic2
git -C "$wc" fetch -q origin
git -C "$wd" fetch -q origin
approve carol --push origin "$C"
approve dave --push origin "$C"
git -C "$wa" checkout -q -B main origin/main
git -C "$wa" merge -q --no-edit --no-ff "$C" >/dev/null
git -C "$wa" commit -q --amend -m "Merge CHG-3" --no-edit
git -C "$wa" show -q >/dev/null
echo "an extra line nobody reviewed" >>"$wa/src.c"
git -C "$wa" commit -q -a --amend --no-edit
push_main HEAD
check "an evil merge of an approved commit is refused" test $? -ne 0
expect_contains "as not the clean merge" "$out" "is a merge, but not the clean merge of its parents"
git -C "$wa" reset -q --hard origin/main
git -C "$wa" merge -q --no-edit --no-ff "$C" >/dev/null
push_main HEAD
check "a clean merge of an approved commit is accepted" test $? -eq 0
entry=$(tail -n 1 "$log")
case $entry in
*"\"approvals\":[\"carol $carol_fp\",\"dave $dave_fp\"]"*) ok "logged with the merged commit's approvals" ;;
*) not_ok "logged with the merged commit's approvals"; echo "# $entry" ;;
esac

# The approvals may not be deleted, nor refs/pushgate/ written by anyone.
PUSHGATE_USER=alice git -C "$wa" push origin :refs/notes/approvals >"$out" 2>&1
check "deleting the approvals is refused" test $? -ne 0
expect_contains "as evidence" "$out" "refs/notes/approvals may not be deleted"
PUSHGATE_USER=alice git -C "$wa" push --force origin HEAD:refs/pushgate/certs >"$out" 2>&1
check "a push to refs/pushgate/ is refused" test $? -ne 0
expect_contains "as pushgate's" "$out" "refs/pushgate/ is pushgate's own"

# Nor may the approvals ref hold anything but a commit.
blob=$(echo junk | git -C "$srv" hash-object -w --stdin)
git -C "$srv" update-ref -d refs/notes/approvals
printf '0000000000000000000000000000000000000000 %s refs/notes/approvals\n' "$blob" |
	GIT_DIR=$srv PUSHGATE_USER=alice "$PUSHGATE_BUILD/hooks/pre-receive" >"$out" 2>&1
check "a blob as the approvals ref is refused" test $? -ne 0
expect_contains "as not a notes commit" "$out" "refs/notes/approvals must be a notes commit"
git -C "$srv" update-ref refs/notes/approvals "$(git -C "$wc" rev-parse refs/notes/approvals)"

# explain shows the approvals found.
"$PUSHGATE_BUILD/pushgate" explain --git-dir "$srv" --user alice refs/heads/main "$A" "$B" \
	>"$out" 2>&1
expect_contains "explain shows what is missing" "$out" "approvals = 2: 0 found for ${B:0:7}"

# Configuration errors.
write_config "$T/bad.ini" <<'INI'
[core]
identity = env:PUSHGATE_USER
[branch "main"]
approvals = 2
approvers = carol
INI
"$PUSHGATE_BUILD/pushgate" check -c "$T/bad.ini" >"$T/chk" 2>&1
check "approvals without signers is refused by check" test $? -eq 1
expect_contains "at its line" "$T/chk" "$T/bad.ini:4: approvals needs [core] signers"

done_testing
