#!/usr/bin/env bash
# The hooks write the release log: accepted releases (post-receive),
# refusals and warnings (pre-receive, update); every entry verifies with
# pushgate and with stock ssh-keygen; a log that cannot be written stops
# the push before any ref moves.
. "$(dirname "$0")/lib.sh"

srv=$(new_server app)
out=$T/out
release_log_keys
export PUSHGATE_CONFIG=$T/pushgate.ini
release_log_config "$PUSHGATE_CONFIG" <<'INI'

[branch "main"]
push = alice
release = yes

[tag "v*"]
create = carol
release = yes
control = ISO27001:8.32

[branch "try/*"]
force_push = none
mode = warn
INI
log=$T/log/release.log
"$PUSHGATE_BUILD/pushgate" check >"$out" 2>&1
check "the configuration with a release log is valid" test $? -eq 0

w=$(new_clone w "$srv")
commit "$w" first
push_as alice "$out" -C "$w" push -o ticket=CHG-1 origin HEAD:main
check "alice pushes main" test $? -eq 0
check "one entry is logged" test "$(wc -l <"$log")" -eq 1
expect_contains "an update entry for main" "$log" '"seq":1,'
expect_contains "with its fields in order" "$log" \
	"\"event\":\"update\",\"repo\":\"app\",\"ref\":\"refs/heads/main\",\"old\":\"0000000000000000000000000000000000000000\",\"new\":\"$(git -C "$w" rev-parse HEAD)\",\"pusher\":\"alice\",\"via\":\"env:PUSHGATE_USER\",\"rule\":\"branch \\\"main\\\"\",\"reason\":null,\"push_options\":[\"ticket=CHG-1\"],\"approvals\":[],\"push_cert\":null,\"prev\":\"0000000000000000000000000000000000000000000000000000000000000000\""

git -C "$w" tag -a v1.0 -m "release 1.0"
push_as carol "$out" -C "$w" push origin v1.0
check "carol tags v1.0" test $? -eq 0
expect_contains "the tag is logged" "$log" '"event":"update","repo":"app","ref":"refs/tags/v1.0"'

commit "$w" second
push_as bob "$out" -C "$w" push origin HEAD:main
check "bob's push to main is refused" test $? -ne 0
expect_contains "and logged as rejected" "$log" '"event":"rejected","repo":"app","ref":"refs/heads/main"'
expect_contains "with the reason" "$log" '"reason":"bob may not push to this branch"'

push_as bob "$out" -C "$w" push origin HEAD:main HEAD:refs/heads/side
check "a push of main and side by bob is refused whole" test $? -ne 0
expect_contains "side is logged as refused with the push" "$log" \
	'"event":"rejected","repo":"app","ref":"refs/heads/side","old":"0000000000000000000000000000000000000000"'
expect_contains "with the reason" "$log" '"rule":null,"reason":"the whole push is refused with another ref update"'
push_as bob "$out" -C "$w" push origin HEAD:refs/heads/try/x
git -C "$w" commit -q --amend -m rewritten
push_as bob "$out" -C "$w" push -f origin HEAD:refs/heads/try/x
check "a force-push under mode = warn is accepted" test $? -eq 0
expect_contains "and logged as a warning" "$log" '"event":"warning","repo":"app","ref":"refs/heads/try/x"'

n=$(wc -l <"$log")
check "six entries so far" test "$n" -eq 6

# Every entry verifies with stock ssh-keygen, and chains to the one before.
prev=0000000000000000000000000000000000000000000000000000000000000000
i=0 bad=0
while IFS= read -r line; do
	i=$((i + 1))
	ssh_verify_entry "$line" || bad=$((bad + 1))
	case "$line" in *"\"prev\":\"$prev\""*) ;; *) bad=$((bad + 1)) ;; esac
	prev=$(printf '%s' "$line" | sha256sum | cut -d' ' -f1)
done <"$log"
check "every entry verifies with ssh-keygen -Y verify and chains" test "$bad" -eq 0

"$PUSHGATE_BUILD/pushgate" log verify >"$out" 2>&1
check "pushgate log verify: intact" test $? -eq 0
expect_contains "it counts the entries and gives the head" "$out" "$n entries"
expect_contains "the head hash" "$out" "$prev"

# 20 concurrent pushes, each creating a release tag: 20 entries, one chain.
before=$(wc -l <"$log")
for i in $(seq 1 20); do
	git -C "$w" tag "v2.$i" HEAD
done
pids=""
for i in $(seq 1 20); do
	PUSHGATE_USER=carol git -C "$w" push -q origin "v2.$i" >"$T/push$i.out" 2>&1 &
	pids="$pids $!"
done
failed=0
for p in $pids; do wait "$p" || failed=$((failed + 1)); done
check "20 concurrent release pushes all succeed" test "$failed" -eq 0
check "and add 20 entries" test "$(wc -l <"$log")" -eq $((before + 20))
"$PUSHGATE_BUILD/pushgate" log verify >"$out" 2>&1
check "the chain is intact after them" test $? -eq 0

# A log that cannot be written: the release is refused before the ref moves.
chmod 0500 "$T/log"
chmod 0400 "$log"
if [ "$(id -u)" -eq 0 ]; then
	chattr +i "$log" 2>/dev/null && immutable=1 || immutable=0
else
	immutable=1
fi
if [ "$immutable" = 1 ]; then
	git -C "$w" fetch -q origin && git -C "$w" reset -q --hard origin/main
	commit "$w" third
	before=$(git -C "$srv" rev-parse main)
	push_as alice "$out" -C "$w" push origin HEAD:main
	check "a release the log cannot take is refused" test $? -ne 0
	expect_contains "saying why" "$out" "REJECTED refs/heads/main: the release log cannot be written; failing closed"
	check "main did not move" test "$(git -C "$srv" rev-parse main)" = "$before"
	[ "$(id -u)" -eq 0 ] && chattr -i "$log"
else
	ok "# SKIP cannot make the log unwritable for root here (no chattr)"
fi
chmod 0700 "$T/log"
chmod 0640 "$log"

# The replica: a real OpenSSH server on 127.0.0.1, started here.
if [ -x /usr/sbin/sshd ]; then
	S=$T/ssh
	mkdir -p "$S" "$T/remote"
	. "$(dirname "$0")/sshd.sh"
	sshd_pid=""
	trap '[ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null; rm -rf "$T"' EXIT
	ssh-keygen -q -t ed25519 -N '' -C replica-host -f "$S/hostkey"
	ssh-keygen -q -t ed25519 -N '' -C pushgate -f "$S/id_ed25519"
	cp "$S/id_ed25519.pub" "$S/authorized_keys"
	port=$(free_port)
	start_sshd
	check "sshd listens on 127.0.0.1:$port" test -n "$sshd_pid"
	echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$S/hostkey.pub")" >"$S/known_hosts"
	cat >>"$PUSHGATE_CONFIG" <<INI

[replica]
host = 127.0.0.1
port = $port
user = $(id -un)
key = $S/id_ed25519
known_hosts = $S/known_hosts
path = $T/remote/release.log
INI
	# The replica starts from the entries logged from now on.
	git -C "$w" fetch -q origin && git -C "$w" reset -q --hard origin/main
	commit "$w" "for the replica"
	push_as alice "$out" -C "$w" push origin HEAD:main
	check "a release with a replica configured is accepted" test $? -eq 0
	check "the replica holds the new entry" test "$(tail -n 1 "$log")" = "$(cat "$T/remote/release.log")"

	stop_sshd
	commit "$w" "while the replica is down"
	push_as alice "$out" -C "$w" push origin HEAD:main
	check "the replica being down does not fail the push" test $? -eq 0
	expect_contains "the pusher is told" "$out" "pushgate: replica: 1 entry queued"
	"$PUSHGATE_BUILD/pushgate" log verify --replica >"$out" 2>&1
	check "log verify --replica cannot fetch while it is down" test $? -ne 0

	start_sshd
	"$PUSHGATE_BUILD/pushgate" log verify --replica >"$out" 2>&1
	check "with the entry queued, the replica is behind but not changed" test $? -eq 0
	expect_contains "as verify says" "$out" "1 wait in the local queue"
	commit "$w" "after the replica is back"
	push_as alice "$out" -C "$w" push origin HEAD:main
	check "the next push is accepted" test $? -eq 0
	expect_contains "and delivers the backlog" "$out" "replica: delivered 2 entries, 1 of them queued earlier"
	check "the replica holds the last three entries, in order" \
		test "$(tail -n 3 "$log")" = "$(cat "$T/remote/release.log")"
	# An edited remote copy is found.
	sed -i '1s/"pusher":"alice"/"pusher":"mallory"/' "$T/remote/release.log"
	"$PUSHGATE_BUILD/pushgate" log verify --replica >"$out" 2>&1
	check "an edited replica is reported" test $? -eq 1
	expect_contains "at its line" "$out" "replica: differs from the local log at line"
	stop_sshd
	sed -i '/^\[replica\]/,$d' "$PUSHGATE_CONFIG"
else
	ok "# SKIP sshd not installed"
fi

# check looks at the files the log depends on.
chmod 0666 "$T/log_signers"
"$PUSHGATE_BUILD/pushgate" check >"$out" 2>&1
check "check refuses a log_signers file others may write" test $? -eq 1
expect_contains "naming the key and its line" "$out" "$PUSHGATE_CONFIG:5: log_signers $T/log_signers: writable by others"
chmod 0644 "$T/log_signers"
sed -i 's|^release_log = log/release.log|release_log = nowhere/release.log|' "$PUSHGATE_CONFIG"
"$PUSHGATE_BUILD/pushgate" check >"$out" 2>&1
check "check refuses a log in a directory that does not exist" test $? -eq 1
expect_contains "saying so" "$out" "release_log: directory $T/nowhere does not exist"
sed -i 's|^release_log = nowhere/release.log|release_log = log/release.log|' "$PUSHGATE_CONFIG"

# A missing signing key makes the configuration invalid: fail closed.
mv "$T/release_key" "$T/release_key.away"
"$PUSHGATE_BUILD/pushgate" check >"$out" 2>&1
check "check reports a missing signing key" test $? -eq 1
expect_contains "at its line" "$out" "$PUSHGATE_CONFIG:4: "
mv "$T/release_key.away" "$T/release_key"

# log_signers that does not hold the signing key's public key: every entry
# would fail verification, so the policy is invalid and check says why.
cp "$T/log_signers" "$T/log_signers.good"
ssh-keygen -q -t ed25519 -N '' -C other -f "$T/other_key"
echo "pushgate $(cut -d' ' -f1,2 "$T/other_key.pub")" >"$T/log_signers"
"$PUSHGATE_BUILD/pushgate" check >"$out" 2>&1
check "check refuses log_signers without the signing key" test $? -eq 1
expect_contains "saying entries would not verify" "$out" \
	"log_signers does not allow the public key of signing_key"
cp "$T/log_signers.good" "$T/log_signers"
"$PUSHGATE_BUILD/pushgate" check >"$out" 2>&1
check "with the right log_signers check is valid again" test $? -eq 0

done_testing
