#!/usr/bin/env bash
# Installs what pushgate builds and tests with, from Debian 12's packages.
# tzdata: the zone database windows and freezes are read in.
# libvectorscan-dev: Hyperscan's API for secret scanning; libpcre2-dev: the
# capture group of each match.
# chromium, fonts-liberation: the tests render pushgate report's page headless.
# pandoc: the man pages are made from docs/*.md.
# debhelper, lintian: make deb (tests/e2e/t_deb.sh builds and checks it).
# Used by demo.sh and .ci/run; needs root (or sudo).
set -euo pipefail
pkgs=(build-essential pkg-config git
      libgit2-dev libinih-dev libssh2-1-dev libssl-dev libcmocka-dev
      libvectorscan-dev libpcre2-dev
      openssh-client openssh-server tzdata
      chromium fonts-liberation pandoc man-db debhelper lintian)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
as_root=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "install-deps.sh: run as root to install: ${missing[*]}" >&2
		exit 1
	}
	as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
