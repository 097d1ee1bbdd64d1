#!/usr/bin/env bash
# Prints the path of a Temporal CLI, building v1.5.1 from the Go module proxy when none is found.
# Looked for, in order: $TEMPORAL_CLI_PATH, `temporal` on PATH, $(go env GOPATH)/bin/temporal.
# (Later tags carry a replace directive that `go install` refuses, hence the pinned version.)
set -euo pipefail
VERSION=v1.5.1

if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
  if [ -x "$TEMPORAL_CLI_PATH" ]; then echo "$TEMPORAL_CLI_PATH"; exit 0; fi
  echo "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable file" >&2
  exit 1
fi
if found=$(command -v temporal 2>/dev/null); then echo "$found"; exit 0; fi

if ! command -v go >/dev/null 2>&1; then
  for candidate in /usr/local/go/bin/go /usr/lib/go/bin/go; do
    if [ -x "$candidate" ]; then PATH="$(dirname "$candidate"):$PATH"; break; fi
  done
fi
if ! command -v go >/dev/null 2>&1; then
  echo "No Temporal CLI found and no Go toolchain to build one. Install Go, or set TEMPORAL_CLI_PATH." >&2
  exit 1
fi

gobin="$(go env GOPATH)/bin"
if [ -x "$gobin/temporal" ]; then echo "$gobin/temporal"; exit 0; fi

# One build at a time on this machine: a second caller waits for the first one's binary.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${TMPDIR:-/tmp}/temporal-cli-build.lock"
  flock 9
  if [ -x "$gobin/temporal" ]; then echo "$gobin/temporal"; exit 0; fi
fi

echo "Building the Temporal CLI $VERSION from the Go module proxy (a few minutes, once)..." >&2
GOFLAGS="${GOFLAGS:-} -mod=mod" go install "github.com/temporalio/cli/cmd/temporal@$VERSION" >&2
echo "$gobin/temporal"
