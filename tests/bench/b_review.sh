#!/usr/bin/env bash
# What approvals and push certificates add to a push: pre-receive and
# post-receive alone on a one-commit fast-forward, N runs each, against
# /bin/true started the same way (the floor), under a policy without them,
# with approvals = 2 (two good approvals in refs/notes/approvals, plus three
# that do not count), with require_push_cert = yes (a good certificate, as
# git hands it over), and with both.  post-receive also keeps the
# certificate under refs/pushgate/certs (a commit each run); its floor is
# the plain policy on an unsigned push.
set -eu
build=$1
N=${N:-61}
T=$(mktemp -d /tmp/pushgate-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT
export HOME=$T GIT_CONFIG_NOSYSTEM=1
git config --global user.name bench
git config --global user.email bench@example.com
git config --global init.defaultBranch main

for k in alice bob carol dave erin; do
	ssh-keygen -q -t ed25519 -N '' -C "$k" -f "$T/$k"
	echo "$k,$k@example.com $(cut -d' ' -f1,2 "$T/$k.pub")"
done >"$T/allowed_signers"
chmod 0644 "$T/allowed_signers"

r=$T/app.git
git init -q --bare "$r"
git init -q "$T/w"
git -C "$T/w" commit -q --allow-empty -m base
git -C "$T/w" -c user.email=bob@example.com commit -q --allow-empty -m change
git -C "$T/w" push -q "$r" main
old=$(git -C "$r" rev-parse main~1) new=$(git -C "$r" rev-parse main)
git -C "$r" update-ref refs/heads/main "$old"
echo "$old $new refs/heads/main" >"$T/stdin"

# Approvals of the new tip by carol and dave (count), bob (the author),
# alice (the pusher) and erin (not in approvers).
printf 'pushgate approval\ncommit %s\n' "$new" >"$T/msg"
for k in carol dave bob alice erin; do
	ssh-keygen -Y sign -q -f "$T/$k" -n pushgate-approval "$T/msg"
	echo "approve $new $(sed '1d;$d' "$T/msg.sig" | tr -d '\n')"
	rm -f "$T/msg.sig"
done >"$T/note"
git -C "$r" notes --ref=approvals add -F "$T/note" "$new"

# A push certificate for the update, signed by alice.
{
	printf 'certificate version 0.1\npusher %s 1700000000 +0000\n' \
		"$(ssh-keygen -l -f "$T/alice.pub" | cut -d' ' -f2)"
	printf 'pushee %s\nnonce 1700000000-abc\n\n%s %s refs/heads/main\n' "$r" "$old" "$new"
} >"$T/cert"
ssh-keygen -Y sign -q -f "$T/alice" -n git "$T/cert"
cat "$T/cert.sig" >>"$T/cert"
cert=$(git -C "$r" hash-object -w "$T/cert")

policy() {	# FILE EXTRA-BRANCH-KEYS
	printf '[core]\nidentity = env:PUSHGATE_USER\nsigners = %s\n' "$T/allowed_signers" >"$1"
	printf '[group "reviewers"]\nmembers = alice, bob, carol, dave\n' >>"$1"
	printf '[branch "main"]\npush = alice\n%b' "$2" >>"$1"
	chmod 0644 "$1"
}
policy "$T/plain.ini" ''
policy "$T/appr.ini" 'approvals = 2\napprovers = @reviewers\n'
policy "$T/cert.ini" 'require_push_cert = yes\n'
policy "$T/both.ini" 'approvals = 2\napprovers = @reviewers\nrequire_push_cert = yes\n'

export PUSHGATE_USER=alice GIT_PUSH_CERT=$cert GIT_PUSH_CERT_NONCE_STATUS=OK
cd "$r"
# run NAME CONFIG CMD...: N timed runs; the hook must accept.
run() {
	local out=$1 cfg=$2; shift 2
	PUSHGATE_CONFIG=$cfg GIT_DIR=. "$@" <"$T/stdin" >"$T/$out.txt" 2>&1 ||
		{ echo "b_review: $out refused:"; cat "$T/$out.txt"; exit 1; }
	for i in $(seq 1 "$N"); do
		t0=${EPOCHREALTIME/./}
		PUSHGATE_CONFIG=$cfg GIT_DIR=. "$@" <"$T/stdin" >/dev/null 2>&1
		t1=${EPOCHREALTIME/./}
		echo $((t1 - t0)) >>"$T/$out.us"
	done
}
for i in 1 2 3; do	# interleaved, so that a noisy moment hits every case
	run true "$T/plain.ini" /bin/true
	for p in plain appr cert both; do
		run "pre-$p" "$T/$p.ini" "$build/hooks/pre-receive"
	done
	# env in both, so that only the certificate differs
	run "post-plain" "$T/plain.ini" env -u GIT_PUSH_CERT "$build/hooks/post-receive"
	run "post-both" "$T/both.ini" env "$build/hooks/post-receive"
done
med() { sort -n "$T/$1.us" | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)] / 1000}'; }
awk -v N="$((3 * N))" -v t="$(med true)" -v p="$(med pre-plain)" -v a="$(med pre-appr)" \
    -v c="$(med pre-cert)" -v b="$(med pre-both)" -v q="$(med post-plain)" \
    -v r="$(med post-both)" -v k="$(git -C "$r" rev-list --count refs/pushgate/certs)" 'BEGIN {
	printf "approvals and signed pushes: hooks alone on a one-commit push, median of %d\n", N
	printf "  /bin/true (floor)                       %6.2f ms\n", t
	printf "  pre-receive, plain policy               %+6.2f ms over the floor\n", p - t
	printf "  pre-receive, approvals = 2 (5 in note)  %+6.2f ms (%+.2f ms for the approvals)\n", a - t, a - p
	printf "  pre-receive, require_push_cert          %+6.2f ms (%+.2f ms for the certificate)\n", c - t, c - p
	printf "  pre-receive, both                       %+6.2f ms (%+.2f ms for both)\n", b - t, b - p
	printf "  post-receive, plain policy, unsigned    %+6.2f ms over the floor\n", q - t
	printf "  post-receive, both (keeps the cert)     %+6.2f ms (%+.2f ms; %d certificates kept)\n", r - t, r - q, k
}'
