#!/usr/bin/env bash
# The release log end to end: logs written by the library (through
# log_append_driver.c, linked against $PUSHGATE_BUILD/libpushgate.a, as the
# hooks do not write the log yet), checked by `pushgate log verify` and,
# entry by entry, by stock `ssh-keygen -Y verify`; `pushgate log show`;
# tampering of each kind; 20 concurrent appenders; appenders killed with
# SIGKILL at random points.
. "$(dirname "$0")/lib.sh"

pg=$PUSHGATE_BUILD/pushgate
lib=$PUSHGATE_BUILD/libpushgate.a
out=$T/out
driver=$T/driver

# ---- the driver, built like the library it links ----
san=
if nm "$lib" 2>/dev/null | grep -q __asan_; then
	san="-fsanitize=address,undefined -fno-sanitize-recover=all"
fi
# shellcheck disable=SC2046,SC2086 # word splitting of flags is wanted
if ! cc -std=c11 -D_GNU_SOURCE -O1 -g $san -Wl,--as-needed -I"$TOP/common" -o "$driver" \
	"$TOP/tests/e2e/log_append_driver.c" "$lib" \
	$(pkg-config --libs libgit2 inih libssh2 libcrypto) 2>"$T/cc.err"; then
	not_ok "build log_append_driver against $lib"
	sed 's/^/#   | /' "$T/cc.err"
	done_testing
fi

# ---- keys: the log's, and a stranger's ----
ssh-keygen -q -t ed25519 -N '' -C pushgate-log -f "$T/logkey"
ssh-keygen -q -t ed25519 -N '' -C mallory -f "$T/otherkey"
signers=$T/log_signers
echo "pushgate $(cut -d' ' -f1,2 "$T/logkey.pub")" >"$signers"
chmod 0644 "$signers"

# sha256 of the last line of FILE, without its newline: the head hash.
head_hash() { tail -n 1 "$1" | tr -d '\n' | sha256sum | cut -d' ' -f1; }

# sshkeygen_verify LOG: every line through ssh-keygen -Y verify, as an
# auditor would (SPEC.md: the line without ,"sig":"..." is the message, the
# base64 wrapped at 70 columns between the armor lines the signature).
# Prints the number of lines that verify; the first failure to $T/ssh.err.
sshkeygen_verify() {
	local n=0 line msg sig
	: >"$T/ssh.err"
	while IFS= read -r line; do
		sig=${line##*,\"sig\":\"}
		sig=${sig%\"\}}
		msg="${line%,\"sig\":\"*}}"
		printf '%s' "$msg" >"$T/entry.msg"
		{
			echo "-----BEGIN SSH SIGNATURE-----"
			printf '%s\n' "$sig" | fold -w 70
			echo "-----END SSH SIGNATURE-----"
		} >"$T/entry.sig"
		if ssh-keygen -Y verify -f "$signers" -I pushgate -n pushgate-release-log \
			-s "$T/entry.sig" <"$T/entry.msg" >"$T/ssh.out" 2>&1; then
			n=$((n + 1))
		elif [ ! -s "$T/ssh.err" ]; then
			cp "$T/ssh.out" "$T/ssh.err"
		fi
	done <"$1"
	echo "$n"
}

# verify_is NAME LOG RC TEXT: pushgate log verify exits RC and prints TEXT.
verify_is() {
	local rc
	"$pg" log verify --log "$2" --signers "$signers" >"$out" 2>&1
	rc=$?
	if [ "$rc" = "$3" ] && grep -qF -- "$4" "$out"; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   wanted exit $3 and: $4; got exit $rc:"
		sed 's/^/#   | /' "$out"
	fi
}

# ---- a log, verified by pushgate and by ssh-keygen ----
log=$T/release.log
"$driver" -k "$T/logkey" -l "$log" -n 3 -o ci.skip -o 'break-glass=INC-1 "db"'
"$driver" -k "$T/logkey" -l "$log" -e rejected -r tools/ci -p bob -R 'force-push is not allowed' \
	-f "$(printf 'refs/heads/x\033[31m\177\377')"
"$driver" -k "$T/logkey" -l "$log" -n 1
check "driver: 5 entries written" test "$(wc -l <"$log")" -eq 5
check "the log is created 0640" test "$(stat -c %a "$log")" = 640
verify_is "verify: intact log exits 0 with count and head" "$log" 0 \
	"5 entries, head $(head_hash "$log")"
n=$(sshkeygen_verify "$log")
if [ "$n" = 5 ]; then ok "ssh-keygen -Y verify: every entry (5) verifies"; else
	not_ok "ssh-keygen -Y verify: $n of 5 entries verify"; sed 's/^/#   | /' "$T/ssh.err"; fi
expect_contains "escaping: control bytes and bad UTF-8 of a ref as JSON escapes" "$log" \
	'"ref":"refs/heads/x\u001b[31m\u007f\ufffd"'
expect_contains "push options are logged in order" "$log" \
	'"push_options":["ci.skip","break-glass=INC-1 \"db\""]'
check "seq counts 1..5" test "$(grep -o '"seq":[0-9]*' "$log" | cut -d: -f2 | tr '\n' ' ')" = "1 2 3 4 5 "
check "the first prev is 64 zeros" grep -q '"prev":"0\{64\}"' <(head -n 1 "$log")
check "each prev is the sha256 of the line before" test \
	"$(sed -n 3p "$log" | grep -o '"prev":"[0-9a-f]*"' | cut -d'"' -f4)" = \
	"$(sed -n 2p "$log" | tr -d '\n' | sha256sum | cut -d' ' -f1)"

# ---- show ----
"$pg" log show --log "$log" >"$out" 2>&1
check "show: exits 0" test $? -eq 0
expect_contains "show: table header" "$out" "SEQ  TIME                  EVENT     REPO      REF"
# 0xff is not UTF-8: the log keeps U+FFFD in its place.
expect_contains "show: escaped ref in the table" "$out" "refs/heads/x\\x1b[31m\\x7f$(printf '\357\277\275')"
expect_not_contains "show: no raw ESC reaches the terminal" "$out" "$(printf '\033')"
check "show: header and 5 rows" test "$(wc -l <"$out")" -eq 6
"$pg" log show --log "$log" --format json >"$out"
check "show --format json: the lines as they are" cmp -s "$out" "$log"
"$pg" log show --log "$log" --format csv >"$out"
check "show --format csv: header and 5 CRLF rows" test "$(grep -c $'\r$' "$out")" -eq 6
expect_contains "show --format csv: quoted field" "$out" '"tag ""v*"""'
"$pg" log show --log "$log" --repo 'tools/*' --format json >"$out"
check "show --repo: only matching repos" test "$(wc -l <"$out")" -eq 1
"$pg" log show --log "$log" --since 2999-01-01 --format json >"$out"
check "show --since in the future: nothing" test ! -s "$out"
"$pg" log show --log "$log" --since "$(date -u +%Y-%m-%d)" --format json >"$out"
check "show --since today: everything" test "$(wc -l <"$out")" -eq 5

# ---- usage and errors ----
"$pg" log >"$out" 2>&1
check "log without subcommand: exit 2" test $? -eq 2
"$pg" log frobnicate >"$out" 2>&1
check "log with unknown subcommand: exit 2" test $? -eq 2
# ---- the configuration names the log and its signers ----
cp "$T/logkey" "$T/signing_key"
chmod 0600 "$T/signing_key"
write_config "$T/pushgate.ini" <<EOF
[core]
identity = env:PUSHGATE_USER
release_log = $log
signing_key = $T/signing_key
log_signers = $signers
EOF
"$pg" log verify -c "$T/pushgate.ini" >"$out" 2>&1
check "verify -c: the log and signers of the configuration" test $? -eq 0
expect_contains "verify -c: says count and head" "$out" "5 entries, head $(head_hash "$log")"
PUSHGATE_CONFIG=$T/pushgate.ini "$pg" log show --format json >"$out" 2>&1
check "show with \$PUSHGATE_CONFIG: its release_log" cmp -s "$out" "$log"
write_config "$T/nolog.ini" <<'EOF'
[core]
identity = env:PUSHGATE_USER
EOF
"$pg" log verify -c "$T/nolog.ini" --log "$log" >"$out" 2>&1
check "verify: no --signers and no log_signers in the configuration: exit 2" test $? -eq 2
expect_contains "verify: says what is missing" "$out" "has no [core] log_signers; give --signers"
"$pg" log verify -c "$T/missing.ini" >"$out" 2>&1
check "verify -c with a missing configuration: exit 2" test $? -eq 2
"$pg" log verify --log "$log" --signers "$signers" extra >"$out" 2>&1
check "verify with a stray argument: exit 2" test $? -eq 2
"$pg" log verify --log "$T/nope.log" --signers "$signers" >"$out" 2>&1
check "verify of a missing log: exit 2" test $? -eq 2
expect_contains "verify of a missing log: says which" "$out" "$T/nope.log"
"$pg" log show --log "$log" --since yesterday >"$out" 2>&1
check "show --since with a bad date: exit 2" test $? -eq 2
"$pg" log show --log "$log" --format xml >"$out" 2>&1
check "show --format xml: exit 2" test $? -eq 2
PUSHGATE_CONFIG= "$pg" log verify --log "$log" --signers "$signers" --replica >"$out" 2>&1
check "verify --replica without a configuration: exit 2" test $? -eq 2
expect_contains "verify --replica: it needs the [replica] settings" "$out" "a configuration with [replica]"
cp "$signers" "$T/open_signers"
chmod 0666 "$T/open_signers"
"$pg" log verify --log "$log" --signers "$T/open_signers" >"$out" 2>&1
check "verify with a world-writable signers file: refused, exit 2" test $? -eq 2

# ---- tampering ----
cp "$log" "$T/t1.log"
sed -i '3s/"pusher":"alice"/"pusher":"alicf"/' "$T/t1.log"
verify_is "tamper: a changed field is caught at its line" "$T/t1.log" 1 \
	"not intact: line 3 (seq 3): signature invalid"
n=$(sshkeygen_verify "$T/t1.log")
check "tamper: ssh-keygen agrees (4 of 5 verify)" test "$n" = 4

sed '3d' "$log" >"$T/t2.log"
verify_is "tamper: a removed entry is caught" "$T/t2.log" 1 \
	"not intact: line 3 (seq 4): seq 4 after seq 2: entry 3 is missing"

{ sed -n 1p "$log"; sed -n 3p "$log"; sed -n 2p "$log"; sed -n '4,$p' "$log"; } >"$T/t3.log"
verify_is "tamper: two swapped entries are caught" "$T/t3.log" 1 \
	"not intact: line 2 (seq 3): seq 3 after seq 1"

cp "$log" "$T/t4.log"
"$driver" -k "$T/otherkey" -l "$T/t4.log" -p mallory
verify_is "tamper: an entry signed by a foreign key is caught" "$T/t4.log" 1 \
	"not intact: line 6 (seq 6): signed by SHA256:"
expect_contains "tamper: foreign key: says why" "$out" "not a log key: key not in signers"
n=$(sshkeygen_verify "$T/t4.log")
check "tamper: ssh-keygen agrees (5 of 6 verify)" test "$n" = 5

# The last entry cut short, as a crash in the middle of its write would.
size=$(stat -c %s "$log")
head -c $((size - 100)) "$log" >"$T/t5.log"
verify_is "torn tail: caught, naming the last line" "$T/t5.log" 1 \
	"not intact: line 5 (seq 5): torn last line"
tail -c +$(($(head -n 4 "$T/t5.log" | wc -c) + 1)) "$T/t5.log" >"$T/torn.bytes"
"$driver" -k "$T/logkey" -l "$T/t5.log" -p carol
verify_is "torn tail: the next append recovers it" "$T/t5.log" 0 "6 entries, head"
side=$(find "$T" -maxdepth 1 -name 't5.log.torn.5.*' | head -n 1)
check "torn tail: the torn bytes are in t5.log.torn.5.<time>" cmp -s "$side" "$T/torn.bytes"
expect_contains "torn tail: a recovered entry says how many bytes went where" "$T/t5.log" \
	"\"event\":\"recovered\",\"repo\":null,\"ref\":null,\"old\":null,\"new\":null,\"pusher\":null,\"via\":null,\"rule\":null,\"reason\":\"torn tail: $(wc -c <"$T/torn.bytes") bytes moved to $(basename "$side")\""
check "torn tail: then the new entry, seq 6" grep -q '^{"seq":6,.*"pusher":"carol"' "$T/t5.log"
check "torn tail: entries 1-4 are untouched" cmp -s <(head -n 4 "$T/t5.log") <(head -n 4 "$log")
n=$(sshkeygen_verify "$T/t5.log")
check "torn tail: ssh-keygen verifies all 6 entries after recovery" test "$n" = 6

# ---- 20 concurrent appenders ----
clog=$T/concurrent.log
pids=()
for i in $(seq 1 20); do
	"$driver" -k "$T/logkey" -l "$clog" -p "user$i" &
	pids+=($!)
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
check "concurrent: all 20 appenders succeed" test "$fails" -eq 0
check "concurrent: 20 entries" test "$(wc -l <"$clog")" -eq 20
check "concurrent: seqs 1..20, each once" test \
	"$(grep -o '"seq":[0-9]*' "$clog" | cut -d: -f2 | tr '\n' ' ')" = "$(seq 1 20 | tr '\n' ' ')"
check "concurrent: 20 distinct pushers" test \
	"$(grep -o '"pusher":"[a-z0-9]*"' "$clog" | sort -u | wc -l)" -eq 20
verify_is "concurrent: the chain verifies" "$clog" 0 "20 entries, head $(head_hash "$clog")"
n=$(sshkeygen_verify "$clog")
check "concurrent: ssh-keygen verifies all 20" test "$n" = 20

# ---- SIGKILL at random points ----
# Each round starts a driver appending one entry per millisecond, kills it
# with SIGKILL after a random 20-300 ms, and checks that the log is intact
# or at most torn at its last line; every third round also leaves a torn
# write of its own (a random prefix of a real line: a kill inside write(2)
# seldom leaves one).  The next append must recover and verify.
klog=$T/killed.log
rounds=12 bad_rounds=0 recovered=0
for r in $(seq 1 $rounds); do
	"$driver" -k "$T/logkey" -l "$klog" -n 100000 -d 1000 -p "round$r" &
	pid=$!
	sleep "0.$(printf '%03d' $((RANDOM % 280 + 20)))"
	{ kill -9 "$pid"; wait "$pid"; } 2>/dev/null
	if [ $((r % 3)) = 0 ] && [ -s "$klog" ]; then
		line=$(tail -n 1 "$klog")
		printf '%s' "${line:0:$((RANDOM % (${#line} - 1) + 1))}" >>"$klog"
	fi
	# (a driver killed before it created the log leaves nothing to check)
	rc=0
	if [ -e "$klog" ]; then
		"$pg" log verify --log "$klog" --signers "$signers" >"$out" 2>&1
		rc=$?
	fi
	if [ "$rc" != 0 ] && ! { [ "$rc" = 1 ] && grep -q ": torn last line" "$out" &&
		[ "$(grep -o 'line [0-9]*' "$out" | head -n 1 | cut -d' ' -f2)" = "$(($(wc -l <"$klog") + 1))" ]; }; then
		bad_rounds=$((bad_rounds + 1))
		echo "# round $r: after the kill:"
		sed 's/^/#   | /' "$out"
	fi
	"$driver" -k "$T/logkey" -l "$klog" -p "after$r" || bad_rounds=$((bad_rounds + 1))
	if ! "$pg" log verify --log "$klog" --signers "$signers" >"$out" 2>&1; then
		bad_rounds=$((bad_rounds + 1))
		echo "# round $r: after the next append:"
		sed 's/^/#   | /' "$out"
	fi
done
recovered=$(grep -c '"event":"recovered"' "$klog")
torn_files=$(find "$T" -maxdepth 1 -name 'killed.log.torn.*' | wc -l)
check "SIGKILL x$rounds: complete entries always verify, the next append recovers" \
	test "$bad_rounds" -eq 0
check "SIGKILL: a recovered entry per torn tail ($recovered), each with its side file" \
	test "$recovered" -ge $((rounds / 3)) -a "$recovered" -eq "$torn_files"
echo "# SIGKILL: $(wc -l <"$klog") entries in $rounds rounds, $recovered torn tails recovered"

done_testing
