#!/usr/bin/env bash
# require_push_cert with the real git client: git push --signed with SSH
# keys (gpg.format=ssh), the certificate checked in process.
. "$(dirname "$0")/lib.sh"

keys=$T/keys
mkdir -p "$keys"
for k in alice bob; do
	ssh-keygen -q -t ed25519 -N '' -C "$k" -f "$keys/$k"
done
{
	echo "alice namespaces=\"git\" $(cut -d' ' -f1,2 "$keys/alice.pub")"
	echo "bob namespaces=\"git\" $(cut -d' ' -f1,2 "$keys/bob.pub")"
} >"$T/allowed_signers"
chmod 0644 "$T/allowed_signers"

srv=$(new_server app)
git -C "$srv" config receive.certNonceSeed "e2e-$RANDOM-$RANDOM"
# git's own check of the certificate wants this; pushgate does its own.
git -C "$srv" config gpg.ssh.allowedSignersFile "$T/allowed_signers"
export PUSHGATE_CONFIG=$T/pushgate.ini
write_config "$PUSHGATE_CONFIG" <<'INI'
[core]
identity = env:PUSHGATE_USER
signers  = allowed_signers

[branch "main"]
push              = alice, bob
require_push_cert = yes
INI
"$PUSHGATE_BUILD/pushgate" check >"$T/chk" 2>&1
check "the policy is valid" test $? -eq 0

out=$T/out
w=$(new_clone w "$srv")
git -C "$w" config gpg.format ssh
git -C "$w" config user.signingkey "$keys/alice"
commit "$w" "start" README

push_as alice "$out" -C "$w" push origin HEAD:main
check "an unsigned push is refused" test $? -ne 0
expect_contains "saying so" "$out" "REJECTED refs/heads/main: the push is not signed"
expect_contains "and how to sign it" "$out" "git push --signed"
expect_contains "with the rule" "$out" "require_push_cert = yes ($PUSHGATE_CONFIG:7)"

push_as alice "$out" -C "$w" push --signed origin HEAD:main
check "a push signed with the pusher's key is accepted" test $? -eq 0

commit "$w" "more" README
push_as bob "$out" -C "$w" push --signed origin HEAD:main
check "a push signed with another user's key is refused" test $? -ne 0
expect_contains "naming the key and the pusher" "$out" \
	"which [core] signers does not allow for bob"
git -C "$w" config user.signingkey "$keys/bob"
push_as bob "$out" -C "$w" push --signed origin HEAD:main
check "bob's own key is accepted" test $? -eq 0

# A certificate made outside git, as a replaying client would send it:
# git tells the hook its nonce is BAD, or that it lists other updates.
old=$(git -C "$srv" rev-parse main~1)
new=$(git -C "$srv" rev-parse main)
cert() {	# NONCE_STATUS STDIN-LINE: pre-receive on a certificate for main~1..main
	{
		printf 'certificate version 0.1\npusher %s 1700000000 +0000\n' \
			"$(ssh-keygen -l -f "$keys/alice.pub" | cut -d' ' -f2)"
		printf 'pushee %s\nnonce 1700000000-abc\n\n%s %s refs/heads/main\n' "$srv" "$old" "$new"
	} >"$T/cert.txt"
	ssh-keygen -Y sign -q -f "$keys/alice" -n git "$T/cert.txt" 2>/dev/null
	cat "$T/cert.txt.sig" >>"$T/cert.txt"
	rm -f "$T/cert.txt.sig"
	blob=$(git -C "$srv" hash-object -w "$T/cert.txt")
	echo "$2" | GIT_DIR=$srv GIT_PUSH_CERT=$blob GIT_PUSH_CERT_NONCE_STATUS=$1 \
		PUSHGATE_USER=alice "$PUSHGATE_BUILD/hooks/pre-receive" >"$out" 2>&1
}
git -C "$srv" update-ref refs/heads/main "$old"
cert OK "$old $new refs/heads/main"
check "the crafted certificate is otherwise good" test $? -eq 0
cert BAD "$old $new refs/heads/main"
check "a replayed certificate (nonce BAD) is refused" test $? -ne 0
expect_contains "as used" "$out" "a certificate is good for one push only"
cert OK "$old $old refs/heads/main"
check "a certificate for other updates is refused" test $? -ne 0
expect_contains "as such" "$out" "lists other ref updates than this push"
git -C "$srv" update-ref refs/heads/main "$new"

# Branches without the rule take unsigned pushes.
push_as alice "$out" -C "$w" push origin HEAD:feature
check "a branch without require_push_cert takes an unsigned push" test $? -eq 0

# require_push_cert without [core] signers is a configuration error.
write_config "$T/nosigners.ini" <<'INI'
[core]
identity = env:PUSHGATE_USER
[branch "main"]
require_push_cert = yes
INI
"$PUSHGATE_BUILD/pushgate" check -c "$T/nosigners.ini" >"$T/chk" 2>&1
check "require_push_cert without signers is refused by check" test $? -eq 1
expect_contains "at its line" "$T/chk" "$T/nosigners.ini:4: require_push_cert needs [core] signers"

done_testing
