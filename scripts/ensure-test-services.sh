#!/bin/sh
# Installs the system packages the test suite needs; the tests start and stop the services
# themselves on loopback ports, so nothing is left running. One idempotent ensure_* function per
# service: add yours below and call it at the end.
#   - Dovecot (IMAP), for the email channel tests (packages/core/test/channels/email*.test.ts).
#   - Chromium, for the desk's browser tests (apps/web/test/*.test.ts, driven by playwright-core).
#   - Noto CJK fonts, so Chinese, Japanese and Korean text in screenshots is glyphs, not boxes.
# Non-interactive: safe under CI=true with no stdin. Needs root (or passwordless sudo) only when
# something is missing. Serialised with flock so parallel test workers do not race apt/dpkg.
set -eu

run_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
  else echo "ensure-test-services: need root to run: $*" >&2; return 1
  fi
}

APT_UPDATED=
apt_install() {
  command -v apt-get >/dev/null 2>&1 || { echo "ensure-test-services: no apt-get; install $* by hand" >&2; return 1; }
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "$APT_UPDATED" ]; then run_as_root apt-get update -qq </dev/null >&2; APT_UPDATED=1; fi
  run_as_root apt-get install -y -qq --no-install-recommends "$@" </dev/null >&2
}

ensure_dovecot() {
  [ -x /usr/sbin/dovecot ] && return 0
  echo "ensure-test-services: installing dovecot-imapd" >&2
  apt_install dovecot-core dovecot-imapd
  # The package may start a system-wide Dovecot; the tests run their own and need none.
  if command -v service >/dev/null 2>&1; then run_as_root service dovecot stop </dev/null >/dev/null 2>&1 || true; fi
}

install_chromium() {
  # Debian's build: `npx playwright install` cannot download browsers here.
  [ -x /usr/bin/chromium ] && return 0
  echo "ensure-test-services: installing chromium" >&2
  apt_install chromium fonts-dejavu-core
}

ensure_cjk_fonts() {
  # Chromium renders CJK customer text as boxes without a font that has the glyphs.
  if command -v dpkg-query >/dev/null 2>&1 && dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'install ok installed'; then return 0; fi
  if command -v fc-list >/dev/null 2>&1 && fc-list :lang=ja family 2>/dev/null | grep -qi 'cjk'; then return 0; fi
  echo "ensure-test-services: installing fonts-noto-cjk" >&2
  apt_install fonts-noto-cjk
}

if command -v flock >/dev/null 2>&1; then
  exec 9>/tmp/earshot-ensure-test-services.lock
  flock 9
fi

ensure_dovecot
install_chromium
ensure_cjk_fonts
