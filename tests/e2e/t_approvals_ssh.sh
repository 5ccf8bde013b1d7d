#!/usr/bin/env bash
# Two-person review as a new team meets it on a bare SSH server: sshd on
# 127.0.0.1, each person's key forced to git-shell with their name, as
# gitolite-style servers do.  bob writes a change, carol and dave approve
# it with pushgate approve --push, alice pushes main with git push --signed.
. "$(dirname "$0")/lib.sh"
S=$T/sshd
mkdir -p "$S"
sshd_pid=""
trap '[ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null; [ -n "${KEEP_T:-}" ] || rm -rf "$T"' EXIT
. "$TOP/tests/e2e/sshd.sh"

keys=$T/keys
mkdir -p "$keys"
people="alice bob carol dave"
for k in $people; do
	ssh-keygen -q -t ed25519 -N '' -C "$k" -f "$keys/$k"
	echo "$k,$k@example.com $(cut -d' ' -f1,2 "$keys/$k.pub")"
done >"$T/allowed_signers"
chmod 0644 "$T/allowed_signers"
release_log_keys
log=$T/log/release.log
export PUSHGATE_CONFIG=$T/pushgate.ini
release_log_config "$PUSHGATE_CONFIG" <<'INI'
signers = allowed_signers
INI

srv=$(new_server app)
git -C "$srv" config receive.certNonceSeed "e2e-$RANDOM-$RANDOM"
git -C "$srv" config gpg.ssh.allowedSignersFile "$T/allowed_signers"

# Each key logs in as this account, as its person, into git-shell only.
ssh-keygen -q -t ed25519 -N '' -C host -f "$S/hostkey"
for k in $people; do
	printf 'command="env PUSHGATE_USER=%s PUSHGATE_CONFIG=%s git-shell -c \\"$SSH_ORIGINAL_COMMAND\\"",restrict %s\n' \
		"$k" "$PUSHGATE_CONFIG" "$(cut -d' ' -f1,2 "$keys/$k.pub")"
done >"$S/authorized_keys"
sshd_up
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$S/hostkey.pub")" >"$S/known_hosts"
url="ssh://$(id -un)@127.0.0.1:$port$srv"

# person NAME: NAME's clone over ssh, with NAME's key for ssh and signing
person() {
	local w=$T/work/$1
	git init -q "$w"
	git -C "$w" remote add origin "$url"
	git -C "$w" config core.sshCommand \
		"ssh -F /dev/null -i $keys/$1 -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile=$S/known_hosts -o StrictHostKeyChecking=yes"
	git -C "$w" config user.name "$1"
	git -C "$w" config user.email "$1@example.com"
	git -C "$w" config gpg.format ssh
	git -C "$w" config user.signingkey "$keys/$1.pub"
	echo "$w"
}
out=$T/out
wa=$(person alice) wb=$(person bob) wc=$(person carol) wd=$(person dave)
commit "$wa" "start" README
git -C "$wa" push -q origin HEAD:main >"$out" 2>&1
check "alice starts main over ssh" test $? -eq 0 || sed 's/^/#   | /' "$out"

release_log_config "$PUSHGATE_CONFIG" <<'INI'
signers = allowed_signers

[group "reviewers"]
members = carol, dave, erin

[branch "main"]
push              = alice
approvals         = 2
approvers         = @reviewers
require_push_cert = yes
release           = yes
INI
"$PUSHGATE_BUILD/pushgate" check >"$T/chk" 2>&1
check "the policy is valid" test $? -eq 0 || sed 's/^/#   | /' "$T/chk"

git -C "$wb" pull -q origin main
commit "$wb" "CHG-7: the change" app.c
git -C "$wb" push -q origin HEAD:topic >"$out" 2>&1
check "bob pushes his topic" test $? -eq 0
A=$(git -C "$wb" rev-parse HEAD)

git -C "$wc" fetch -q origin
(cd "$wc" && "$PUSHGATE_BUILD/pushgate" approve origin/topic --push origin) >"$out" 2>&1
check "carol approves with her agent-less key file and pushes" test $? -eq 0 ||
	sed 's/^/#   | /' "$out"
expect_contains "naming the commit" "$out" "approved ${A:0:7} \"CHG-7: the change\""

git -C "$wa" fetch -q origin
git -C "$wa" push --signed origin origin/topic:main >"$out" 2>&1
check "without dave's approval alice's push is refused" test $? -ne 0
expect_contains "saying exactly what is missing" "$out" \
	"REJECTED refs/heads/main: 1 of 2 approvals (carol): 1 more needed"
expect_contains "who may give it" "$out" "may approve: dave"
expect_not_contains "not erin, who has no key in signers" "$out" "erin"
expect_contains "and how" "$out" "pushgate approve $A --push origin"

git -C "$wd" fetch -q origin
(cd "$wd" && "$PUSHGATE_BUILD/pushgate" approve origin/topic --push origin) >"$out" 2>&1
check "dave approves and pushes, merging carol's" test $? -eq 0 || sed 's/^/#   | /' "$out"
check "both approvals are on the server" \
	test "$(git -C "$srv" notes --ref=approvals show "$A" | grep -c '^approve ')" -eq 2

git -C "$wa" push --signed origin origin/topic:main >"$out" 2>&1
check "alice's signed push of main is accepted" test $? -eq 0 || sed 's/^/#   | /' "$out"
entry=$(tail -n 1 "$log")
fp() { ssh-keygen -l -f "$keys/$1.pub" | cut -d' ' -f2; }
case $entry in
*"\"ref\":\"refs/heads/main\""*"\"pusher\":\"alice\""*"\"approvals\":[\"carol $(fp carol)\",\"dave $(fp dave)\"],\"push_cert\":\""*" alice $(fp alice)\""*)
	ok "its release-log entry names carol and dave as approvers and alice's certificate" ;;
*) not_ok "its release-log entry names carol and dave as approvers and alice's certificate"
	echo "# $entry" ;;
esac
check "the entry verifies with ssh-keygen" ssh_verify_entry "$entry"
cert=$(printf '%s' "$entry" | sed 's/.*"push_cert":"\([0-9a-f]*\) .*/\1/')
check "the certificate is kept under refs/pushgate/certs" \
	test "$(git -C "$srv" rev-parse refs/pushgate/certs:cert)" = "$cert"
git -C "$srv" cat-file blob "$cert" | sed -n '/^-----BEGIN SSH SIGNATURE/,$p' >"$T/cert.sig"
git -C "$srv" cat-file blob "$cert" | sed '/^-----BEGIN SSH SIGNATURE/,$d' >"$T/cert.msg"
ssh-keygen -Y verify -f "$T/allowed_signers" -I alice -n git -s "$T/cert.sig" <"$T/cert.msg" >"$out" 2>&1
check "and its signature verifies with ssh-keygen as alice's" test $? -eq 0 || sed 's/^/#   | /' "$out"
# Each approval is checkable the same way by an auditor.
git -C "$srv" notes --ref=approvals show "$A" | grep "^approve " | while read -r _ id b64; do
	printf 'pushgate approval\ncommit %s\n' "$id" >"$T/a.msg"
	{ echo '-----BEGIN SSH SIGNATURE-----'; echo "$b64" | fold -w 70; echo '-----END SSH SIGNATURE-----'; } >"$T/a.sig"
	who=$(ssh-keygen -Y find-principals -f "$T/allowed_signers" -s "$T/a.sig" | head -n 1)
	ssh-keygen -Y verify -f "$T/allowed_signers" -I "${who%%,*}" -n pushgate-approval \
		-s "$T/a.sig" <"$T/a.msg" >/dev/null 2>&1 && echo "${who%%,*}"
done >"$T/who"
check "the approvals verify with ssh-keygen as carol's and dave's" \
	test "$(sort "$T/who" | tr '\n' ' ')" = "carol dave "

done_testing
