#!/bin/sh
# Installs the system services the test suite starts by itself (nothing is left running):
#   - Dovecot (IMAP), for the email channel tests (packages/core/test/channels/email*.test.ts).
# Idempotent and non-interactive: safe under CI=true with no stdin. Needs root (or sudo) only when
# something is missing. Serialised with flock so parallel test workers do not race apt/dpkg.
set -eu

if [ -x /usr/sbin/dovecot ]; then
  exit 0
fi

run_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"; else
    echo "ensure-test-services: need root to install $*" >&2; exit 1
  fi
}

install_dovecot() {
  [ -x /usr/sbin/dovecot ] && return 0
  command -v apt-get >/dev/null 2>&1 || { echo "ensure-test-services: no apt-get; install Dovecot (IMAP) by hand" >&2; exit 1; }
  echo "ensure-test-services: installing dovecot-imapd" >&2
  export DEBIAN_FRONTEND=noninteractive
  run_as_root apt-get update -qq </dev/null >&2
  run_as_root apt-get install -y -qq --no-install-recommends dovecot-core dovecot-imapd </dev/null >&2
  # The package may start a system-wide Dovecot; the tests run their own on loopback ports and need none.
  if command -v service >/dev/null 2>&1; then run_as_root service dovecot stop </dev/null >/dev/null 2>&1 || true; fi
}

if command -v flock >/dev/null 2>&1; then
  exec 9>/tmp/earshot-ensure-test-services.lock
  flock 9
fi
install_dovecot
