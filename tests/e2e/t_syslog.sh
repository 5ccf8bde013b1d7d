#!/usr/bin/env bash
# [core] syslog = yes: each release-log entry also goes to syslog, read back
# here from a private syslog socket; a push with no socket there at all
# still succeeds, and says the entry was not sent.
. "$(dirname "$0")/lib.sh"

release_log_keys
log=$T/log/release.log
sock=$T/syslog.sock
export PUSHGATE_CONFIG=$T/pushgate.ini
release_log_config "$PUSHGATE_CONFIG" <<INI
syslog          = yes
syslog_facility = local3
syslog_socket   = $sock

[branch "main"]
push    = alice
release = yes
INI
"$PUSHGATE_BUILD/pushgate" check >"$T/chk" 2>&1
check "the policy is valid" test $? -eq 0 || sed 's/^/#   | /' "$T/chk"

# A syslog daemon of our own: every datagram, one a line.
python3 - "$sock" "$T/got" "$T/ready" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[3], "w").close()
s.settimeout(30)
with open(sys.argv[2], "ab", buffering=0) as out:
    try:
        while True:
            out.write(s.recv(1 << 20) + b"\n")
    except socket.timeout:
        pass
PY
daemon=$!
trap 'kill "$daemon" 2>/dev/null; [ -n "${KEEP_T:-}" ] || rm -rf "$T"' EXIT
for _ in $(seq 1 100); do [ -e "$T/ready" ] && break; sleep 0.05; done

srv=$(new_server app)
w=$(new_clone w "$srv")
out=$T/out
commit "$w" "one" README
push_as alice "$out" -C "$w" push origin HEAD:main
check "a release is accepted" test $? -eq 0
commit "$w" "two" README
push_as bob "$out" -C "$w" push origin HEAD:main
check "bob is refused" test $? -ne 0
for _ in $(seq 1 100); do [ "$(wc -l <"$T/got" 2>/dev/null || echo 0)" -ge 2 ] && break; sleep 0.05; done
check "two messages reached syslog" test "$(wc -l <"$T/got")" -eq 2
first=$(head -n 1 "$log") second=$(sed -n 2p "$log")
# local3 = 19: info 19*8+6 = 158, notice 19*8+5 = 157
expect_contains "the release at local3.info, tagged, the line as it is" "$T/got" \
	"<158>"
grep -qF "pushgate[" "$T/got"
check "tagged pushgate[PID]" test $? -eq 0
grep -qF -- "$first" "$T/got"
check "the release's line, whole" test $? -eq 0
grep -F -- "$second" "$T/got" | grep -q '^<157>'
check "the refusal's line at local3.notice" test $? -eq 0

# No socket at all: the push does not wait, fail or lose the entry.
kill "$daemon" 2>/dev/null
wait "$daemon" 2>/dev/null
rm -f "$sock"
git -C "$w" reset -q --hard HEAD~1
commit "$w" "three" README
push_as alice "$out" -C "$w" push origin HEAD:main
check "with no syslog socket the push is accepted" test $? -eq 0
expect_contains "and the pusher is told" "$out" "syslog: 1 of 1 entry not sent ($sock: No such file or directory); the release log has it"
check "the release log has the entry" test "$(wc -l <"$log")" -eq 3
"$PUSHGATE_BUILD/pushgate" log verify >"$out" 2>&1
check "and verifies" test $? -eq 0

# The keys' errors, at their lines.
release_log_config "$T/bad.ini" <<'INI'
syslog_facility = kern
syslog_socket = dev/log
INI
"$PUSHGATE_BUILD/pushgate" check -c "$T/bad.ini" >"$out" 2>&1
check "bad syslog keys are refused" test $? -eq 1
expect_contains "an unknown facility" "$out" "$T/bad.ini:6: syslog_facility must be user, auth, authpriv, daemon or local0 to local7, not 'kern'"
expect_contains "a relative socket" "$out" "$T/bad.ini:7: syslog_socket must be an absolute path"
expect_contains "and that they need syslog = yes" "$out" "syslog_facility has no effect without syslog = yes"
write_config "$T/nolog.ini" <<'INI'
[core]
syslog = yes
INI
"$PUSHGATE_BUILD/pushgate" check -c "$T/nolog.ini" >"$out" 2>&1
expect_contains "syslog without a release log" "$out" "$T/nolog.ini:2: syslog = yes sends each release log entry to syslog: it needs [core] release_log"
done_testing
