#!/usr/bin/env bash
# make deb: a Debian package that lintian passes at the warnings level,
# unpacked into a scratch root: the command runs, the man pages render,
# the hooks use Debian's shared libgit2, and the README's demo runs against
# the installed files.
. "$(dirname "$0")/lib.sh"

# make check runs the suite twice; the package is built from the tree, so once.
case $PUSHGATE_BUILD in */san)
	echo "# t_deb.sh: the package is built and checked in the plain run only"
	exit 0 ;;
esac

for tool in dpkg-buildpackage dh lintian; do
	command -v "$tool" >/dev/null 2>&1 ||
		{ not_ok "$tool is installed (scripts/install-deps.sh)"; done_testing; }
done
make -C "$TOP" -s deb BUILD="$T/b" >"$T/deb.log" 2>&1
rc=$?
check "make deb builds the package and lintian passes it" test "$rc" -eq 0
[ "$rc" -eq 0 ] || tail -n 30 "$T/deb.log" | sed 's/^/#   | /'
deb=$(ls "$T"/b/deb/pushgate_*_amd64.deb 2>/dev/null | head -n 1)
check "there is one .deb" test -f "$deb" || done_testing

dpkg -c "$deb" | awk '{print $6}' >"$T/files"
for f in ./usr/libexec/pushgate/pre-receive ./usr/libexec/pushgate/update \
	./usr/libexec/pushgate/post-receive ./usr/bin/pushgate \
	./usr/share/man/man1/pushgate.1.gz ./usr/share/man/man5/pushgate.ini.5.gz \
	./usr/share/doc/pushgate/examples/pushgate.ini.example; do
	grep -qxF "$f" "$T/files"
	check "the package has $f" test $? -eq 0
done
grep -q '^./etc' "$T/files"
check "and nothing under /etc: no conffile, no live policy" test $? -ne 0
dpkg -I "$deb" >"$T/info"
expect_contains "it depends on Debian's libgit2" "$T/info" "libgit2-1.5"

root=$T/root
dpkg -x "$deb" "$root"
"$root/usr/bin/pushgate" version >"$T/out" 2>&1
check "the installed pushgate runs" test $? -eq 0
ldd "$root/usr/libexec/pushgate/pre-receive" >"$T/ldd"
expect_contains "the hooks use the shared libgit2" "$T/ldd" "libgit2.so"
expect_contains "and the shared OpenSSL" "$T/ldd" "libcrypto.so"
MANWIDTH=80 man --warnings -l "$root/usr/share/man/man5/pushgate.ini.5.gz" >"$T/page" 2>"$T/warn"
check "man 5 pushgate.ini renders from the package" test -s "$T/page"
check "without warnings" test ! -s "$T/warn"

"$TOP/demo.sh" --installed "$root/usr" >"$T/demo" 2>&1
rc=$?
check "the demo runs against the installed files" test "$rc" -eq 0
[ "$rc" -eq 0 ] || tail -n 20 "$T/demo" | sed 's/^/#   | /'
expect_contains "using them" "$T/demo" "Using what is installed in $root/usr"
expect_contains "with the refusal's message" "$T/demo" "REJECTED refs/heads/main: bob may not push to this branch"
expect_contains "and a log that verifies" "$T/demo" "6 entries, head"
rm -rf "$(sed -n 's/.*The demo repository stays in \(.*\)\x1b.*/\1/p' "$T/demo")"
done_testing
