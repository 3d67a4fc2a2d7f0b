#!/usr/bin/env bash
# Installs the real servers some tests run against, from Debian's packages, when they are missing:
#   coturn   -> turnserver, turnutils_uclient   (test/turnserver.test.ts)
#   prometheus -> promtool                      (test/alert-rules.test.ts)
# Needs root (or sudo) and apt-get; on another system, install those two packages by hand.
set -euo pipefail
missing=()
command -v turnserver >/dev/null 2>&1 || missing+=(coturn)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: please install ${missing[*]} (Debian package names) so the tests can run them" >&2
  exit 1
fi
echo "install-test-deps: installing ${missing[*]} from Debian's packages" >&2
$SUDO apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts packaged daemons on install; the tests start their own on loopback.
$SUDO systemctl disable --now coturn prometheus >/dev/null 2>&1 || true
pkill -x turnserver 2>/dev/null || true
pkill -x prometheus 2>/dev/null || true
