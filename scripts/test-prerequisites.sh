#!/usr/bin/env bash
# Run by `npm test` first (pretest): makes present what the tests need beyond node_modules, so
# the one command passes on a fresh machine. Each check is quick when its thing is already there.
#   - the Temporal CLI, built once from the Go module proxy (scripts/install-temporal-cli.sh;
#     the tests find it the same way, in $(go env GOPATH)/bin, with no variable to export);
#   - versitygw, the S3-compatible server the object-store tests run, built the same way
#     (scripts/install-versitygw.sh);
#   - Chromium (browser tests, Web UI screenshot) and jq (the runbook's reset points), from
#     Debian's packages when this runs as root, otherwise named in one line;
#   - PostgreSQL on 127.0.0.1:5432, started when installed but stopped, unless
#     TEST_DATABASE_URL points the tests elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-temporal-cli.sh >/dev/null
bash scripts/install-versitygw.sh >/dev/null

missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v jq >/dev/null 2>&1 || missing+=(jq)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${missing[*]} for the tests (apt-get)..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "The tests need ${missing[*]}: install them (as root: apt-get install ${missing[*]})." >&2
  fi
fi

if [ -z "${TEST_DATABASE_URL:-}" ] && ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
  if [ "$(id -u)" -eq 0 ] && [ -n "$version" ] && command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "Starting PostgreSQL $version for the tests..." >&2
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  else
    echo "The tests need PostgreSQL on 127.0.0.1:5432 (database test, trust) or TEST_DATABASE_URL: start one." >&2
  fi
fi
