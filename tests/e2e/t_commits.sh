#!/usr/bin/env bash
# Commit policy over every new commit: SSH signatures made by the real git
# client (gpg.format=ssh), subject and message patterns, linear history,
# signed tags.
. "$(dirname "$0")/lib.sh"

srv=$(new_server app)
out=$T/out
keys=$T/keys
mkdir -p "$keys"
for k in alice bob carol eve mallory; do
	ssh-keygen -q -t ed25519 -N '' -C "$k" -f "$keys/$k"
done
pub() { cut -d' ' -f1,2 "$keys/$1.pub"; }
{
	echo "# the team's commit signing keys"
	echo "alice namespaces=\"git\" $(pub alice)"
	echo "carol $(pub carol)"
	echo "eve valid-before=\"20200101Z\" $(pub eve)"
	echo "mallory namespaces=\"file\" $(pub mallory)"
} >"$T/allowed_signers"
chmod 0644 "$T/allowed_signers"

export PUSHGATE_CONFIG=$T/pushgate.ini
write_config "$PUSHGATE_CONFIG" <<'INI'
[core]
identity = env:PUSHGATE_USER
signers = allowed_signers

[branch "main"]
require_signed = yes
control = ISO27001:8.32

[branch "release/*"]
require_signed = alice

[branch "chg/*"]
subject = ^(CHG|INC)-[0-9]+:
message = ^Refs: [A-Z]+-[0-9]+$
linear = yes

[tag "v*"]
require_signed = yes
INI

"$PUSHGATE_BUILD/pushgate" check >"$out" 2>&1
check "the configuration with a relative signers path is valid" test $? -eq 0

w=$(new_clone w "$srv")
git -C "$w" config gpg.format ssh
sign_as() { git -C "$w" config user.signingkey "$keys/$1"; }
scommit() { # KEY MESSAGE: a commit signed with KEY's key
	sign_as "$1"
	echo "$2 $RANDOM" >>"$w/file.txt"
	git -C "$w" add -- file.txt
	git -C "$w" commit -q -S -m "$2"
}

scommit alice "signed by alice"
push_as alice "$out" -C "$w" push origin HEAD:main
check "a commit signed with an allowed key is accepted" test $? -eq 0

commit "$w" "not signed"
unsigned=$(git -C "$w" rev-parse --short=7 HEAD)
push_as alice "$out" -C "$w" push origin HEAD:main
check "an unsigned commit is refused" test $? -ne 0
expect_contains "the reason" "$out" "REJECTED refs/heads/main: 1 new commit is not signed by an allowed key"
expect_contains "the commit and why" "$out" "$unsigned \"not signed\": unsigned"
expect_contains "the way forward" "$out" "require_signed = yes ($PUSHGATE_CONFIG:6); sign them"
git -C "$w" reset -q --hard origin/main

scommit bob "signed by bob"
push_as bob "$out" -C "$w" push origin HEAD:main
check "a key that is not in signers is refused" test $? -ne 0
expect_contains "as such" "$out" "\"signed by bob\": key not in signers"
git -C "$w" reset -q --hard origin/main

scommit eve "signed by eve"
push_as eve "$out" -C "$w" push origin HEAD:main
check "an expired key is refused" test $? -ne 0
expect_contains "as expired" "$out" "\"signed by eve\": key expired"
git -C "$w" reset -q --hard origin/main

scommit mallory "signed by mallory"
push_as mallory "$out" -C "$w" push origin HEAD:main
check "a key not allowed for namespace git is refused" test $? -ne 0
expect_contains "naming the namespace" "$out" "not allowed for namespace git"
git -C "$w" reset -q --hard origin/main

# A signature over other bytes: alice's signature, another message.
scommit alice "honest message"
git -C "$w" cat-file commit HEAD | sed 's/^honest message$/forged message/' >"$T/forged"
forged=$(git -C "$w" hash-object -t commit -w "$T/forged")
push_as alice "$out" -C "$w" push origin "$forged:refs/heads/main"
check "a signature that does not match the commit is refused" test $? -ne 0
expect_contains "as a bad signature" "$out" "\"forged message\": bad signature"
git -C "$w" reset -q --hard origin/main

# A GPG signature is not mistaken for no signature.
tree=$(git -C "$w" rev-parse 'HEAD^{tree}')
parent=$(git -C "$w" rev-parse HEAD)
{
	printf 'tree %s\nparent %s\n' "$tree" "$parent"
	printf 'author A <a@example.com> 1700000000 +0000\ncommitter A <a@example.com> 1700000000 +0000\n'
	printf 'gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n\ngpg signed\n'
} >"$T/gpg"
gpgc=$(git -C "$w" hash-object -t commit -w "$T/gpg")
push_as alice "$out" -C "$w" push origin "$gpgc:refs/heads/main"
check "a GPG-signed commit is refused" test $? -ne 0
expect_contains "as GPG, not as unsigned" "$out" "\"gpg signed\": GPG signatures are not supported"

# A truncated SSH signature block.
{
	printf 'tree %s\nparent %s\n' "$tree" "$parent"
	printf 'author A <a@example.com> 1700000000 +0000\ncommitter A <a@example.com> 1700000000 +0000\n'
	printf 'gpgsig -----BEGIN SSH SIGNATURE-----\n U1NIU0lHAAAAAQAAADMAAAALc3No\n -----END SSH SIGNATURE-----\n\ntruncated\n'
} >"$T/trunc"
truncc=$(git -C "$w" hash-object -t commit -w "$T/trunc")
push_as alice "$out" -C "$w" push origin "$truncc:refs/heads/main"
check "a truncated signature is refused" test $? -ne 0
expect_contains "as malformed" "$out" "\"truncated\": malformed signature"

# require_signed = MEMBERS: the principal must be one of them.
scommit carol "carol signs"
push_as carol "$out" -C "$w" push origin HEAD:refs/heads/release/1
check "a good signature by someone not listed is refused" test $? -ne 0
expect_contains "naming the signer" "$out" "\"carol signs\": signed by carol, who is not in alice"
git -C "$w" reset -q --hard origin/main
scommit alice "alice signs"
push_as carol "$out" -C "$w" push origin HEAD:refs/heads/release/1
check "signed by a listed principal: accepted, whoever pushes" test $? -eq 0

# Signed tags.
git -C "$w" fetch -q origin
sign_as alice
git -C "$w" tag -s -m "release 1" v1 origin/release/1
push_as alice "$out" -C "$w" push origin v1
check "a tag signed with git tag -s is accepted" test $? -eq 0
git -C "$w" tag -a -m "release 2" v2 origin/release/1
push_as alice "$out" -C "$w" push origin v2
check "an unsigned annotated tag is refused" test $? -ne 0
expect_contains "with the reason" "$out" "REJECTED refs/tags/v2: the tag is not signed by an allowed key"
git -C "$w" tag v3 origin/release/1
push_as alice "$out" -C "$w" push origin v3
check "a lightweight tag is refused" test $? -ne 0
expect_contains "as lightweight" "$out" "a lightweight tag, not a signed annotated tag"
sign_as bob
git -C "$w" tag -s -m "release 4" v4 origin/release/1
push_as alice "$out" -C "$w" push origin v4
check "a tag signed by an unknown key is refused" test $? -ne 0

# Subject, message and linear history on chg/*.
git -C "$w" checkout -q -b chg/x origin/main
git -C "$w" commit -q --allow-empty -m "CHG-1: good" -m "Refs: ABC-1"
git -C "$w" commit -q --allow-empty -m "fix stuff" -m "Refs: ABC-2"
git -C "$w" commit -q --allow-empty -m "INC-7: no refs"
push_as alice "$out" -C "$w" push origin chg/x
check "bad subjects and messages are refused" test $? -ne 0
expect_contains "subject reason" "$out" "1 new commit's subject does not match ^(CHG|INC)-[0-9]+:"
expect_contains "subject commit" "$out" "\"fix stuff\": the subject does not match"
expect_contains "message reason" "$out" "1 new commit's message does not match ^Refs: [A-Z]+-[0-9]+\$"
expect_contains "message commit" "$out" "\"INC-7: no refs\": the message does not match"
git -C "$w" reset -q --hard HEAD~2
push_as alice "$out" -C "$w" push origin chg/x
check "a good commit is accepted" test $? -eq 0
git -C "$w" checkout -q -b side HEAD~1
git -C "$w" commit -q --allow-empty -m "CHG-2: side" -m "Refs: ABC-3"
git -C "$w" checkout -q chg/x
git -C "$w" merge -q --no-ff --no-edit -m "CHG-3: merge" -m "Refs: ABC-4" side
push_as alice "$out" -C "$w" push origin chg/x
check "linear = yes refuses a merge" test $? -ne 0
expect_contains "as a merge" "$out" "1 new merge commit; history must be linear"
expect_contains "the way forward" "$out" "rebase onto origin/chg/x instead of merging"

# A signers line pushgate cannot use (a typo, or an RSA key): check warns at
# its FILE:LINE and the line is skipped; the rest of the file still works,
# so one such line never stops every push on the server.
echo "alice ssh-ed25519 not-base64!" >>"$T/allowed_signers"
"$PUSHGATE_BUILD/pushgate" check >"$out" 2>&1
check "check accepts a policy with a bad signers line" test $? -eq 0
expect_contains "and warns at its FILE:LINE" "$out" "allowed_signers:6: warning:"
expect_contains "saying the line is skipped" "$out" "line skipped"
git -C "$w" checkout -q main
scommit alice "after the breakage"
push_as alice "$out" -C "$w" push origin HEAD:main
check "alice's good line still lets her push" test $? -eq 0
# A signers file others may write could grant anything: that is an error.
chmod 0666 "$T/allowed_signers"
"$PUSHGATE_BUILD/pushgate" check >"$out" 2>&1
check "check refuses a signers file writable by others" test $? -eq 1
scommit alice "with a writable signers file"
push_as alice "$out" -C "$w" push origin HEAD:main
check "a push fails closed with a signers file others may write" test $? -ne 0
expect_contains "saying why" "$out" "the pushgate configuration is invalid; failing closed"
chmod 0644 "$T/allowed_signers"

done_testing
