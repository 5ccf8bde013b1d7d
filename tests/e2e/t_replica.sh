#!/usr/bin/env bash
# The release log's replica (common/replica.c) against a real OpenSSH server
# that this script starts on 127.0.0.1 with its own sshd_config, host keys and
# authorized_keys in the scratch directory.  No traffic leaves 127.0.0.0/8.
. "$(dirname "$0")/lib.sh"

SSHD=/usr/sbin/sshd
if [ ! -x "$SSHD" ]; then
	echo "ok - # SKIP sshd not installed"
	exit 0
fi

S=$T/ssh
mkdir -p "$S" "$T/remote"
sshd_pid="" listener_pid=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	[ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null && wait "$sshd_pid" 2>/dev/null
	[ -n "$listener_pid" ] && kill "$listener_pid" 2>/dev/null && wait "$listener_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# ---- the driver, linked against the library (or its sources) ----
drv=$T/replica_driver
lib=$PUSHGATE_BUILD/libpushgate.a
cflags="-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -I$TOP/common"
if [ -f "$lib" ] && nm "$lib" 2>/dev/null | grep -q '__asan_init'; then
	cflags="$cflags -fsanitize=address,undefined"
fi
# shellcheck disable=SC2086,SC2046 # word splitting of the flag lists is intended
if [ -f "$lib" ] && ar t "$lib" | grep -qx 'replica.o'; then
	cc $cflags -o "$drv" "$TOP/tests/e2e/replica_driver.c" "$lib" \
		$(pkg-config --cflags --libs libssh2 libcrypto libgit2 inih) 2>"$T/cc.log"
else
	cc $cflags -o "$drv" "$TOP/tests/e2e/replica_driver.c" "$TOP/common/replica.c" \
		"$TOP/common/buf.c" "$TOP/common/error.c" \
		$(pkg-config --cflags --libs libssh2 libcrypto) 2>"$T/cc.log"
fi
if [ ! -x "$drv" ]; then
	not_ok "replica_driver compiles"
	sed 's/^/#   | /' "$T/cc.log"
	done_testing
fi

# ---- keys ----
ssh-keygen -q -t ed25519 -N '' -C replica-host -f "$S/hostkey"
ssh-keygen -q -t ed25519 -N '' -C impostor -f "$S/otherkey"
ssh-keygen -q -t ed25519 -N '' -C pushgate -f "$S/id_ed25519"
ssh-keygen -q -t ed25519 -N '' -C stranger -f "$S/id_stranger"
ssh-keygen -q -t rsa -b 2048 -N '' -C rsa -f "$S/id_rsa"
cat "$S/id_ed25519.pub" "$S/id_rsa.pub" >"$S/authorized_keys"
me=$(id -un)

. "$(dirname "$0")/sshd.sh"

sshd_up

kh=$S/known_hosts
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$S/hostkey.pub")" >"$kh"
remote=$T/remote/release.log
out=$T/out err=$T/err

# rep CMD [extra options...]: the driver with the good settings; later
# options override earlier ones.
rep() {
	local cmd=$1; shift
	"$drv" "$cmd" -h 127.0.0.1 -p "$port" -u "$me" -k "$S/id_ed25519" -K "$kh" \
		-P "$remote" -t 5000 "$@"
}

# ---- append ----
printf '{"seq":1}\n' | rep append >"$out" 2>"$err"
check "append: exits 0" test $? -eq 0
printf '{"seq":2}\n' | rep append >"$out" 2>"$err"
check "append: a second append exits 0" test $? -eq 0
printf '{"seq":1}\n{"seq":2}\n' >"$T/want"
check "append: both lines arrive, in order" cmp -s "$remote" "$T/want"
perm=$(stat -c %a "$remote")
check "append: the remote file is created 0640 or narrower (umask)" \
	test "$((0$perm & ~0640))" -eq 0
rep fetch >"$out" 2>"$err"
check "fetch: exits 0" test $? -eq 0
check "fetch: returns the whole remote file" cmp -s "$out" "$T/want"

# 100 KB in one append: libssh2 splits it into several SFTP writes.
for i in $(seq 3 302); do printf '{"seq":%d,"pad":"%0300d"}\n' "$i" 0; done >"$T/big"
rep append <"$T/big" 2>"$err"
check "append: 100 KB in one call exits 0" test $? -eq 0
cat "$T/want" "$T/big" >"$T/want2"
check "append: and arrives whole, after what was there" cmp -s "$remote" "$T/want2"
rep fetch >"$out" 2>"$err"
check "fetch: a file larger than one read" cmp -s "$out" "$T/want2"
cp "$remote" "$T/before"

# known_hosts variants that must still work
ssh-keygen -q -H -f "$kh" >/dev/null 2>&1 && rm -f "$kh.old"
printf '{"seq":303}\n' | rep append 2>"$err"
check "known_hosts: a hashed [host]:port entry matches" test $? -eq 0
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$S/hostkey.pub")" >"$kh"
cp "$remote" "$T/before"

# ---- the host key ----
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$S/otherkey.pub")" >"$T/kh_wrong"
printf 'x\n' | rep append -K "$T/kh_wrong" 2>"$err"
check "host key mismatch: exits 1" test $? -eq 1
expect_contains "host key mismatch: says so" "$err" \
	"host key of 127.0.0.1 does not match known_hosts (possible attack)"
check "host key mismatch: nothing written" cmp -s "$remote" "$T/before"

echo "[127.0.0.2]:$port $(cut -d' ' -f1,2 "$S/hostkey.pub")" >"$T/kh_other"
printf 'x\n' | rep append -K "$T/kh_other" 2>"$err"
check "host not in known_hosts: exits 1" test $? -eq 1
expect_contains "host not in known_hosts: says so" "$err" \
	"127.0.0.1 is not in known_hosts: add its ed25519 host key (no trust on first use)"
expect_contains "host not in known_hosts: shows the fingerprint to compare" "$err" \
	"$(ssh-keygen -l -f "$S/hostkey.pub" | cut -d' ' -f2)"
: >"$T/kh_empty"
printf 'x\n' | rep append -K "$T/kh_empty" 2>"$err"
check "empty known_hosts: exits 1 (no trust on first use)" test $? -eq 1
expect_contains "empty known_hosts: says so" "$err" "127.0.0.1 is not in known_hosts"
printf 'x\n' | rep append -K "$T/kh_missing" 2>"$err"
check "missing known_hosts: exits 1" test $? -eq 1
expect_contains "missing known_hosts: names it" "$err" "cannot read known_hosts $T/kh_missing"
check "host key failures: nothing written" cmp -s "$remote" "$T/before"

# ---- the client key ----
printf 'x\n' | rep append -k "$S/id_rsa" 2>"$err"
check "RSA client key: exits 1" test $? -eq 1
expect_contains "RSA client key: a clear error" "$err" "is an RSA key, which does not work"
cp "$S/id_rsa" "$S/id_rsa_nopub"
printf 'x\n' | rep append -k "$S/id_rsa_nopub" 2>"$err"
check "RSA client key without .pub: exits 1" test $? -eq 1
expect_contains "RSA client key without .pub: recognised from the private key" "$err" \
	"is an RSA key, which does not work"
printf 'x\n' | rep append -k "$S/id_stranger" 2>"$err"
check "unauthorized key: exits 1" test $? -eq 1
expect_contains "unauthorized key: says what to check" "$err" "the replica refused the key $S/id_stranger"
cp "$S/id_ed25519" "$S/id_nopub"
printf '{"seq":304}\n' | rep append -k "$S/id_nopub" 2>"$err"
check "ed25519 key without .pub: works" test $? -eq 0
cp "$remote" "$T/before"
ssh-keygen -q -t ed25519 -N 'secret phrase' -f "$S/id_locked"
printf 'x\n' | rep append -k "$S/id_locked" 2>"$err"
check "passphrase-protected key: exits 1" test $? -eq 1
expect_contains "passphrase-protected key: says so" "$err" "is protected by a passphrase"
printf 'x\n' | rep append -k "$S/id_missing" 2>"$err"
check "missing key: exits 1" test $? -eq 1
expect_contains "missing key: names it" "$err" "cannot read the replica key $S/id_missing"

# ---- the remote path ----
printf 'x\n' | rep append -P "$T/remote/no/such/dir/log" 2>"$err"
check "remote directory missing: exits 1" test $? -eq 1
expect_contains "remote directory missing: says so" "$err" "cannot open $T/remote/no/such/dir/log: no such file"
rep fetch -P "$T/remote/absent.log" >"$out" 2>"$err"
check "fetch: a missing remote file is reported as such (3)" test $? -eq 3
check "host key, key and path failures: nothing written" cmp -s "$remote" "$T/before"

# ---- the queue: server down, then up again ----
q=$T/replica.queue
cp "$remote" "$T/want"
stop_sshd
printf '{"seq":305}\n' | rep deliver -q "$q" >"$out" 2>"$err"
check "server down: deliver exits 1 (queued, not failed)" test $? -eq 1
expect_contains "server down: status says queued and why" "$out" \
	"replica: 1 entry queued: cannot connect to 127.0.0.1 port $port"
perm=$(stat -c %a "$q")
check "server down: the queue is created 0640 or narrower" test "$((0$perm & ~0640))" -eq 0
printf '{"seq":306}\n{"seq":307}\n' | rep deliver -q "$q" >"$out" 2>"$err"
check "server still down: exits 1" test $? -eq 1
expect_contains "server still down: counts the whole queue" "$out" "replica: 3 entries queued: "
printf '{"seq":305}\n{"seq":306}\n{"seq":307}\n' >"$T/queued"
check "server down: the queue holds the entries in order" cmp -s "$q" "$T/queued"
check "server down: nothing written remotely" cmp -s "$remote" "$T/want"

if start_sshd; then ok "sshd restarts"; else not_ok "sshd restarts"; fi
printf '{"seq":308}\n' | rep deliver -q "$q" >"$out" 2>"$err"
check "server up: deliver exits 0" test $? -eq 0
expect_contains "server up: status says the backlog went out" "$out" \
	"replica: delivered 4 entries, 3 of them queued earlier"
check "server up: the queue is emptied" test ! -s "$q"
cat "$T/queued" >>"$T/want"
printf '{"seq":308}\n' >>"$T/want"
check "server up: remote holds everything once, in order" cmp -s "$remote" "$T/want"
printf '{"seq":309}\n' | rep deliver -q "$q" >"$out" 2>"$err"
check "no backlog: exits 0" test $? -eq 0
check "no backlog: no status" test ! -s "$out"
printf '{"seq":309}\n' >>"$T/want"
: | rep deliver -q "$q" >"$out" 2>"$err"
check "nothing to deliver: exits 0" test $? -eq 0
check "no duplicates after further delivers" cmp -s "$remote" "$T/want"

# A host key failure queues too: the push goes on, the pusher is told.
printf '{"seq":310}\n' | rep deliver -q "$q" -K "$T/kh_wrong" >"$out" 2>"$err"
check "host key mismatch in deliver: exits 1 (queued)" test $? -eq 1
expect_contains "host key mismatch in deliver: status says why" "$out" \
	"replica: 1 entry queued: host key of 127.0.0.1 does not match known_hosts"
check "host key mismatch in deliver: nothing written" cmp -s "$remote" "$T/want"
# A crash while queueing leaves half a line: it is cut off, never sent.
torn='{"seq":311,"torn'
printf '%s' "$torn" >>"$q"
printf '{"seq":312}\n' | rep deliver -q "$q" >"$out" 2>"$err"
check "torn queue: deliver exits 0" test $? -eq 0
expect_contains "torn queue: status says the torn line was dropped" "$out" \
	"replica: dropped a torn last line of ${#torn} bytes"
printf '{"seq":310}\n{"seq":312}\n' >>"$T/want"
check "torn queue: only complete lines arrive" cmp -s "$remote" "$T/want"
printf 'no newline' | rep deliver -q "$q" >"$out" 2>"$err"
check "deliver: an incomplete line is a local error (2)" test $? -eq 2

# Concurrent delivers: each line arrives exactly once, none torn.
for i in 1 2 3 4 5 6; do
	printf '{"seq":"c%d","pad":"%0200d"}\n' "$i" 0 | rep deliver -q "$q" >/dev/null 2>&1 &
done
wait_all=0
for j in $(jobs -p); do
	[ "$j" = "$sshd_pid" ] && continue
	wait "$j" || wait_all=1
done
check "concurrent delivers: all exit 0" test "$wait_all" -eq 0
n=$(grep -c '^{"seq":"c[1-6]","pad":"0*"}$' "$remote")
check "concurrent delivers: six intact lines" test "$n" -eq 6
n=$(grep '^{"seq":"c' "$remote" | sort -u | wc -l)
check "concurrent delivers: no duplicates" test "$n" -eq 6

# ---- a server that accepts but never speaks: bounded by timeout_ms ----
if command -v python3 >/dev/null 2>&1; then
	lport=$(free_port)
	python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
held = []
while True:
    c, _ = s.accept()
    held.append(c)
' "$lport" &
	listener_pid=$!
	if wait_listening "$lport" "$listener_pid"; then
		t0=$(date +%s%N)
		printf 'x\n' | rep append -p "$lport" -t 1500 2>"$err"
		rc=$?
		ms=$((($(date +%s%N) - t0) / 1000000))
		check "silent server: exits 1" test "$rc" -eq 1
		expect_contains "silent server: says it timed out" "$err" "no answer within 1500 ms"
		if [ "$ms" -lt 4000 ]; then ok "silent server: gives up in time (${ms} ms)"; else
			not_ok "silent server: gives up in time (${ms} ms, timeout 1500)"; fi
	else
		not_ok "the silent listener starts"
	fi
else
	echo "ok - # SKIP silent server: python3 not installed"
fi

if [ "$_fail" -gt 0 ] && [ -s "$S/sshd.log" ]; then
	echo "# sshd said:"
	sed 's/^/#   | /' "$S/sshd.log"
fi
done_testing
