#!/usr/bin/env bash
# The Debian packages whose files the memory corpus reads at test time (test/fixtures/memory-corpus:
# C headers, Python's and Perl's standard libraries, git's scripts, CMake's modules and docs, Asciidoctor's
# AsciiDoc reference and README, ...).
# Installs the missing ones as root; otherwise says what is missing. The corpus test skips (and
# reports) a file that is missing or changed, so this is for full coverage, not for passing.
set -euo pipefail
PACKAGES=(
  libc6-dev zlib1g-dev libxmlsec1-dev libpython3.11-minimal libpython3.11-stdlib python3-argcomplete
  software-properties-common python3-pip git perl-modules-5.36 libwww-perl openssl valgrind gettext-base
  cmake-data postgresql-15 libtcl8.6 dpkg-dev vim-runtime libapache-pom-java libcommons-parent-java
  xorg-sgml-doctools openjdk-17-jre-headless ruby-asciidoctor asciidoctor
)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "[install-corpus] apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    echo "[install-corpus] could not install every package; the corpus test reports the files it skips" >&2
else
  echo "[install-corpus] missing: ${missing[*]} (the corpus test reports the files it skips)" >&2
fi
