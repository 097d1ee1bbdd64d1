#!/usr/bin/env bash
# Prints the path of versitygw, the S3-compatible server the tests store assets in (Apache-2.0),
# building v1.8.0 from the Go module proxy when none is found (about 2 minutes on 2 cores, once).
# Looked for, in order: $VERSITYGW_PATH, `versitygw` on PATH, $(go env GOPATH)/bin/versitygw;
# test/helpers/s3-server.ts looks in the same places.
set -euo pipefail
VERSION=v1.8.0

if [ -n "${VERSITYGW_PATH:-}" ]; then
  if [ -x "$VERSITYGW_PATH" ]; then echo "$VERSITYGW_PATH"; exit 0; fi
  echo "VERSITYGW_PATH=$VERSITYGW_PATH is not an executable file" >&2
  exit 1
fi
if found=$(command -v versitygw 2>/dev/null); then echo "$found"; exit 0; fi

if ! command -v go >/dev/null 2>&1; then
  for candidate in /usr/local/go/bin/go /usr/lib/go/bin/go; do
    if [ -x "$candidate" ]; then PATH="$(dirname "$candidate"):$PATH"; break; fi
  done
fi
if ! command -v go >/dev/null 2>&1; then
  echo "No versitygw found and no Go toolchain to build one. Install Go, or set VERSITYGW_PATH." >&2
  exit 1
fi

gobin="$(go env GOPATH)/bin"
if [ -x "$gobin/versitygw" ]; then echo "$gobin/versitygw"; exit 0; fi

# One build at a time on this machine: a second caller waits for the first one's binary.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${TMPDIR:-/tmp}/versitygw-build.lock"
  flock 9
  if [ -x "$gobin/versitygw" ]; then echo "$gobin/versitygw"; exit 0; fi
fi

echo "Building versitygw $VERSION from the Go module proxy (a few minutes, once)..." >&2
GOFLAGS="${GOFLAGS:-} -mod=mod" go install "github.com/versity/versitygw/cmd/versitygw@$VERSION" >&2
echo "$gobin/versitygw"
