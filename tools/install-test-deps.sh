#!/usr/bin/env bash
# Runs before `npm test`: installs the real servers some tests run against, from Debian's packages,
# when they are missing:
#   coturn     -> turnserver          (test/turnserver.test.ts)
#   prometheus -> promtool            (test/alert-rules.test.ts, test/dashboards.test.ts)
# Without root or passwordless sudo it only says what to install; those tests then skip locally,
# and fail in CI (CI=true), where the packages must be present.
set -euo pipefail
missing=()
command -v turnserver >/dev/null 2>&1 || missing+=(coturn)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="none"; fi
if [ "$SUDO" = "none" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: install the Debian packages ${missing[*]} to run the real turnserver/promtool tests" >&2
  exit 0
fi
echo "install-test-deps: installing ${missing[*]} from Debian's packages" >&2
$SUDO apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts packaged daemons on install; the tests start their own, on loopback.
$SUDO systemctl disable --now coturn prometheus >/dev/null 2>&1 || true
$SUDO pkill -x turnserver 2>/dev/null || true
$SUDO pkill -x prometheus 2>/dev/null || true
