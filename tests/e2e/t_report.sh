#!/usr/bin/env bash
# pushgate report from a log written by real pushes: releases, refusals, an
# import (an exception), a mode = warn warning.  JSON numbers checked with
# python3, the HTML rendered by headless Chromium, a tampered log refused.
. "$(dirname "$0")/lib.sh"

release_log_keys
log=$T/log/release.log
export PUSHGATE_CONFIG=$T/pushgate.ini
: >"$T/allowed_signers"
chmod 0644 "$T/allowed_signers"
release_log_config "$PUSHGATE_CONFIG" <<'INI'
signers = allowed_signers

[branch "main"]
push    = alice
import  = alice
release = yes
control = ISO27001:8.32

[tag "v*"]
create  = alice
release = yes
control = ISO27001:8.32

[branch "dev"]
subject = ^CHG-[0-9]+:
require_signed = yes
mode    = warn
release = yes
control = ISO27001:8.25
INI
srv=$(new_server app)
w=$(new_clone w "$srv")
out=$T/out
commit "$w" "CHG-1: start" README
push_as alice "$out" -C "$w" push origin HEAD:main
check "alice releases main" test $? -eq 0
commit "$w" "CHG-2: more" README
push_as bob "$out" -C "$w" push origin HEAD:main
check "bob is refused" test $? -ne 0
git -C "$w" tag v1.0
push_as alice "$out" -C "$w" push origin v1.0
check "alice tags v1.0" test $? -eq 0
push_as alice "$out" -C "$w" push -o "import=CHG-9: history from the old server" origin HEAD:main
check "alice imports" test $? -eq 0
commit "$w" "no ticket" README
push_as alice "$out" -C "$w" push origin HEAD:dev
check "a warned push to dev" test $? -eq 0
push_as bob "$out" -C "$w" push origin HEAD:main
check "bob is refused again" test $? -ne 0
head=$("$PUSHGATE_BUILD/pushgate" log verify 2>&1 | sed -n 's/.*head \([0-9a-f]\{64\}\).*/\1/p')

"$PUSHGATE_BUILD/pushgate" report --format json -o "$T/r.json" >"$out" 2>&1
check "report --format json exits 0" test $? -eq 0 || sed 's/^/#   | /' "$out"
python3 - "$T/r.json" "$head" "$PUSHGATE_CONFIG" >"$out" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
def eq(name, got, want):
    print(("ok - " if got == want else "not ok - ") + name + ("" if got == want else f": {got!r} != {want!r}"))
t = r["totals"]
eq("json: 4 releases (main twice, v1.0, dev)", t["releases"], 4)
eq("json: 2 refusals", t["rejections"], 2)
eq("json: 1 warning", t["warnings"], 1)
eq("json: 1 exception", t["exceptions"], 1)
eq("json: the log verified", r["verification"]["intact"], True)
eq("json: its head hash is log verify's", r["verification"]["head"], sys.argv[2])
c = {x["control"]: x for x in r["controls"]}
eq("json: two controls", sorted(c), ["ISO27001:8.25", "ISO27001:8.32"])
rules = {x["rule"]: x for x in c["ISO27001:8.32"]["rules"]}
eq("json: 8.32 by main and v*", sorted(rules), ['branch "main"', 'tag "v*"'])
eq("json: main's releases", rules['branch "main"']["releases"], 2)
eq("json: main's refusals", rules['branch "main"']["rejections"], 2)
eq("json: main's exceptions", rules['branch "main"']["exceptions"], 1)
eq("json: where main is defined", rules['branch "main"']["line"], 8)
eq("json: the file", rules['branch "main"']["file"], sys.argv[3])
eq("json: 8.25 in warn mode", c["ISO27001:8.25"]["rules"][0]["mode"], "warn")
eq("json: refusals by rule", r["rejections_by_rule"], [{"rule": 'branch "main"', "count": 2}])
x = r["exceptions"][0]
eq("json: the exception's pusher", x["pusher"], "alice")
eq("json: and reason", x["reason"], "import: CHG-9: history from the old server")
eq("json: who pushed main", [(p["ref"], p["pusher"], p["updates"]) for p in r["pushers"] if p["ref"] == "refs/heads/main"], [("refs/heads/main", "alice", 2)])
eq("json: the timeline adds up", sum(d["releases"] for d in r["days"]), 4)
eq("json: releases by a rule requiring signed commits (dev)", t["releases_requiring_signed_commits"], 1)
eq("json: as a share", r["metrics"]["signed_commit_share"], 0.25)
PY
cat "$out"
_pass=$((_pass + $(grep -c '^ok - ' "$out"))) _fail=$((_fail + $(grep -c '^not ok - ' "$out")))

"$PUSHGATE_BUILD/pushgate" report --format md >"$T/r.md" 2>"$out"
check "report --format md exits 0" test $? -eq 0
expect_contains "md: the controls" "$T/r.md" '| ISO27001:8.32 | branch "main" |'
expect_contains "md: the exception" "$T/r.md" "import: CHG-9: history from the old server"

"$PUSHGATE_BUILD/pushgate" report -o "$T/r.html" >"$out" 2>&1
check "report (html) exits 0" test $? -eq 0
expect_not_contains "html: nothing fetched" "$T/r.html" 'src="http'
expect_not_contains "html: no script" "$T/r.html" '<script'
expect_contains "html: the chart is inline SVG" "$T/r.html" '<svg xmlns="http://www.w3.org/2000/svg"'
if command -v chromium >/dev/null 2>&1; then
	browser() { chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
		--user-data-dir="$T/chromium" --no-first-run "$@" 2>>"$T/chromium.log"; }
	browser --dump-dom "file://$T/r.html" >"$T/dom.html"
	expect_contains "chromium renders the title" "$T/dom.html" "<h1>pushgate evidence report</h1>"
	expect_contains "and the control" "$T/dom.html" "ISO27001:8.32"
	browser --window-size=1200,1800 --screenshot="$T/shot.png" "file://$T/r.html" >/dev/null
	python3 - "$T/shot.png" >"$out" 2>&1 <<'PY'
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
i, idat, w = 8, b"", 0
while i < len(d):
    n, kind = struct.unpack(">I4s", d[i:i + 8])
    if kind == b"IHDR":
        w = struct.unpack(">I", d[i + 8:i + 12])[0]
    if kind == b"IDAT":
        idat += d[i + 8:i + 8 + n]
    i += 12 + n
raw = zlib.decompress(idat)
print("width", w, "distinct bytes", len(set(raw)))
sys.exit(0 if w == 1200 and len(set(raw)) > 16 else 1)
PY
	check "the screenshot is not blank" test $? -eq 0 || sed 's/^/#   | /' "$out" "$T/chromium.log"
else
	not_ok "chromium is installed (scripts/install-deps.sh)"
fi

# A log that does not verify is not presented, unless asked, and then marked.
sed -i '2s/"pusher":"bob"/"pusher":"eve"/' "$log"
"$PUSHGATE_BUILD/pushgate" report --format json -o "$T/bad.json" >"$out" 2>&1
check "a tampered log is refused" test $? -eq 1
expect_contains "saying so" "$out" "does not verify"
check "and no report is written" test ! -s "$T/bad.json"
"$PUSHGATE_BUILD/pushgate" report --allow-unverified -o "$T/bad.html" >"$out" 2>&1
check "--allow-unverified still exits 1" test $? -eq 1
expect_contains "and marks the page" "$T/bad.html" "UNVERIFIED: the release log does not verify"
"$PUSHGATE_BUILD/pushgate" report --allow-unverified --format json >"$T/bad.json" 2>/dev/null
expect_contains "and the json" "$T/bad.json" '"unverified":true'

"$PUSHGATE_BUILD/pushgate" report --format pdf >"$out" 2>&1
check "an unknown format is a usage error" test $? -eq 2
"$PUSHGATE_BUILD/pushgate" report --since 2999-01-01 --format json --allow-unverified >"$T/none.json" 2>/dev/null
expect_contains "a period with nothing in it" "$T/none.json" '"releases":0'

done_testing
