#!/usr/bin/env bash
# The release log: appends per second (each one signed, written with one
# write(2) and fsynced under the lock, as a hook will do it) and how fast
# `pushgate log verify` checks a long log.  The log is written by
# tests/e2e/log_append_driver.c linked against BUILD/libpushgate.a.
#   (a) A appends, one driver process per append (what pushes cost: each
#       hook run loads the key, locks, reads the tail, signs, writes, fsyncs);
#   (b) A appends by one process, one pg_log_append call (lock + fsync)
#       per entry; the floor: dd writing A blocks of the same size with
#       oflag=dsync (one synchronous write each, no signing);
#   (c) an N-entry log made by one process in calls of 1,000 entries;
#   (d) `pushgate log verify` of it: entries per second, against the
#       floor `openssl speed ed25519` (OpenSSL's own Ed25519 verifications
#       per second on this machine: every entry needs one) and the target
#       of 10,000 entries/s on one core.  Medians of V runs (default 3).
# Environment: A (appends, default 1000), N (entries, default 100000), V.
set -eu
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
A=${A:-1000} N=${N:-100000} V=${V:-3}
T=$(mktemp -d /tmp/pushgate-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT

. "$here/lib.sh"
rate() { awk -v n="$1" -v u="$2" 'BEGIN {printf "%.0f", n / (u / 1e6)}'; }
s() {
	awk -v u="$1" 'BEGIN {
		if (u >= 1e7) printf "%.1f s", u / 1e6
		else if (u >= 1e6) printf "%.2f s", u / 1e6
		else printf "%.1f ms", u / 1e3 }'
}

# shellcheck disable=SC2046 # pkg-config's flags are words
cc -std=c11 -D_GNU_SOURCE -O2 -Wl,--as-needed -I"$top/common" -o "$T/driver" "$top/tests/e2e/log_append_driver.c" \
	"$build/libpushgate.a" $(pkg-config --libs libgit2 inih libssh2 libcrypto)
ssh-keygen -q -t ed25519 -N '' -C bench -f "$T/key"
echo "pushgate $(cut -d' ' -f1,2 "$T/key.pub")" >"$T/signers"
chmod 0644 "$T/signers"
fs=$(stat -f -c %T "$T")

# ---- (a) one process per append ----
t0=$(us)
for _ in $(seq 1 "$A"); do
	"$T/driver" -k "$T/key" -l "$T/a.log"
done
t1=$(us)
a_us=$((t1 - t0))
[ "$(wc -l <"$T/a.log")" -eq "$A" ] || { echo "b_log: (a) wrote $(wc -l <"$T/a.log") entries, not $A" >&2; exit 1; }
line_bytes=$(($(wc -c <"$T/a.log") / A))

# ---- (b) one process, one append (lock + fsync) per entry; the dd floor ----
t0=$(us)
"$T/driver" -k "$T/key" -l "$T/b.log" -n "$A"
t1=$(us)
b_us=$((t1 - t0))
t0=$(us)
dd if=/dev/zero of="$T/dd.out" bs="$line_bytes" count="$A" oflag=dsync,append conv=notrunc status=none
t1=$(us)
dd_us=$((t1 - t0))
rm -f "$T/dd.out"

# ---- (c) an N-entry log ----
t0=$(us)
"$T/driver" -k "$T/key" -l "$T/big.log" -n "$N" -b 1000
t1=$(us)
c_us=$((t1 - t0))
big_mb=$(awk -v b="$(stat -c %s "$T/big.log")" 'BEGIN {printf "%.1f", b / 1048576}')

# ---- (d) verify ----
v=()
for _ in $(seq 1 "$V"); do
	t0=$(us)
	"$build/pushgate" log verify --log "$T/big.log" --signers "$T/signers" >"$T/verify.out"
	t1=$(us)
	v+=($((t1 - t0)))
done
grep -q "^$N entries, head " "$T/verify.out" || { echo "b_log: verify said: $(cat "$T/verify.out")" >&2; exit 1; }
v_us=$(median "${v[@]}")
v_rate=$(rate "$N" "$v_us")
floor=$(openssl speed -seconds 2 ed25519 2>/dev/null | awk '/EdDSA \(Ed25519\)/ {print int($NF)}')

echo "release log: appends with fsync and verify, in $T ($fs), lines of about $line_bytes bytes"
printf '  (a) %d appends, one process each (key load, lock, tail, sign, write, fsync)  %9s  %6d appends/s\n' \
	"$A" "$(s "$a_us")" "$(rate "$A" "$a_us")"
printf '  (b) %d appends, one process, one lock + fsync each                         %9s  %6d appends/s\n' \
	"$A" "$(s "$b_us")" "$(rate "$A" "$b_us")"
printf '      floor: dd, %d synchronous %d-byte appends (oflag=dsync)                %9s  %6d writes/s\n' \
	"$A" "$line_bytes" "$(s "$dd_us")" "$(rate "$A" "$dd_us")"
printf '  (c) %d entries by one process in calls of 1000 (%s MB)                  %9s  %6d entries/s\n' \
	"$N" "$big_mb" "$(s "$c_us")" "$(rate "$N" "$c_us")"
printf '  (d) pushgate log verify of the %d entries, median of %d                    %9s  %6d entries/s\n' \
	"$N" "$V" "$(s "$v_us")" "$v_rate"
if [ -n "$floor" ]; then
	printf '      floor: openssl speed ed25519, verifications/s on this core                       %6d  (x%.2f)\n' \
		"$floor" "$(awk -v a="$v_rate" -v b="$floor" 'BEGIN {print a / b}')"
fi
printf '      target: 10000 entries/s on one core                                               %s\n' \
	"$([ "$v_rate" -ge 10000 ] && echo met || echo "NOT met (x$(awk -v a="$v_rate" 'BEGIN {printf "%.2f", a / 10000}'))")"
