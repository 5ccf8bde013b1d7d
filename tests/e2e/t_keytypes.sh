#!/usr/bin/env bash
# Keys of every type OpenSSH users have, through the real client: commits
# signed with RSA, ECDSA (P-256, P-384, P-521) and Ed25519 keys by git
# commit -S (gpg.format=ssh), a signed tag, a signed push and an approval
# with an RSA and an ECDSA key; a key pushgate will not trust (RSA 1024)
# and one it does not verify (a security key's line) are skipped with a
# warning, never trusted.
. "$(dirname "$0")/lib.sh"

keys=$T/keys
mkdir -p "$keys"
gen() { ssh-keygen -q -t "$2" ${3:+-b "$3"} -N '' -C "$1" -f "$keys/$1"; }
gen ed ed25519; gen rsa rsa 3072; gen p256 ecdsa 256; gen p384 ecdsa 384; gen p521 ecdsa 521
gen small rsa 1024
{
	for k in ed rsa p256 p384 p521 small; do
		echo "$k $(cut -d' ' -f1,2 "$keys/$k.pub")"
	done
	echo "sk sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIGxvdmVseQ=="
} >"$T/allowed_signers"
chmod 0644 "$T/allowed_signers"

srv=$(new_server app)
git -C "$srv" config receive.certNonceSeed "e2e-$RANDOM"
git -C "$srv" config gpg.ssh.allowedSignersFile "$T/allowed_signers"
export PUSHGATE_CONFIG=$T/pushgate.ini
write_config "$PUSHGATE_CONFIG" <<'INI'
[core]
identity = env:PUSHGATE_USER
signers  = allowed_signers

[branch "main"]
require_signed = yes

[branch "signed-push"]
require_push_cert = yes

[branch "reviewed"]
approvals = 1

[tag "v*"]
require_signed = yes
INI
"$PUSHGATE_BUILD/pushgate" check >"$T/chk" 2>&1
check "the policy is valid" test $? -eq 0 || sed 's/^/#   | /' "$T/chk"
expect_contains "the 1024-bit RSA key is skipped, said so" "$T/chk" \
	"allowed_signers:6: warning: the key: an RSA key of 1024 bits is too small (at least 2048); line skipped"
expect_contains "the security key's line is skipped, said so" "$T/chk" \
	"allowed_signers:7: warning: key type sk-ssh-ed25519@openssh.com is not supported"

out=$T/out
w=$(new_clone w "$srv")
git -C "$w" config gpg.format ssh
commit "$w" start README
git -C "$w" -c user.signingkey="$keys/ed" commit -q --amend -S --no-edit
push_as alice "$out" -C "$w" push origin HEAD:main
check "an Ed25519-signed commit is accepted" test $? -eq 0
for k in rsa p256 p384 p521; do
	echo "$k" >>"$w/README"
	git -C "$w" -c user.signingkey="$keys/$k" commit -q -a -S -m "signed with $k"
	push_as alice "$out" -C "$w" push origin HEAD:main
	check "a commit signed with the $k key is accepted" test $? -eq 0 || sed 's/^/#   | /' "$out"
done
echo small >>"$w/README"
git -C "$w" -c user.signingkey="$keys/small" commit -q -a -S -m "signed with a 1024-bit key"
push_as alice "$out" -C "$w" push origin HEAD:main
check "a commit signed with the skipped 1024-bit key is refused" test $? -ne 0
expect_contains "as not signed by an allowed key" "$out" "REJECTED refs/heads/main"
git -C "$w" reset -q --hard HEAD~1

git -C "$w" -c user.signingkey="$keys/p384" tag -s -m "release" v1
push_as alice "$out" -C "$w" push origin v1
check "a tag signed with an ECDSA P-384 key is accepted" test $? -eq 0 || sed 's/^/#   | /' "$out"

# A signed push with an RSA key whose principal is the pusher.
PUSHGATE_USER=alice git -C "$w" -c user.signingkey="$keys/rsa" push --signed origin HEAD:signed-push >"$out" 2>&1
check "a push signed by rsa's own RSA key is refused for alice" test $? -ne 0
expect_contains "naming the key and the pusher" "$out" "which [core] signers does not allow for alice"
PUSHGATE_USER=rsa git -C "$w" -c user.signingkey="$keys/rsa" push --signed origin HEAD:signed-push >"$out" 2>&1
check "and accepted for rsa, its principal" test $? -eq 0 || sed 's/^/#   | /' "$out"

# An approval with an ECDSA key.
(cd "$w" && PUSHGATE_USER=p256 "$PUSHGATE_BUILD/pushgate" approve --key "$keys/p256" \
	--push origin HEAD) >"$out" 2>&1
check "pushgate approve signs with an ECDSA key" test $? -eq 0 || sed 's/^/#   | /' "$out"
expect_contains "naming its fingerprint" "$out" "$(ssh-keygen -l -f "$keys/p256.pub" | cut -d' ' -f2)"
push_as alice "$out" -C "$w" push origin HEAD:reviewed
check "the ECDSA approval counts" test $? -eq 0 || sed 's/^/#   | /' "$out"
done_testing
