#!/usr/bin/env bash
# Usage: find-or-build-go-tool.sh NAME PATH_VARIABLE MODULE@VERSION "DESCRIPTION"
# Prints the path of the Go-built tool NAME, building MODULE@VERSION from the Go module proxy when
# none is found. Looked for, in order: $PATH_VARIABLE, NAME on PATH, $(go env GOPATH)/bin/NAME.
# The tests look in the same places. A package whose folder is not NAME (go install names the
# binary after the folder: .../cmd/server) is installed under NAME.
set -euo pipefail
name="$1" variable="$2" module="$3" description="$4"

given="${!variable:-}"
if [ -n "$given" ]; then
  if [ -x "$given" ]; then echo "$given"; exit 0; fi
  echo "$variable=$given is not an executable file" >&2
  exit 1
fi
if found=$(command -v "$name" 2>/dev/null); then echo "$found"; exit 0; fi

if ! command -v go >/dev/null 2>&1; then
  for candidate in /usr/local/go/bin/go /usr/lib/go/bin/go; do
    if [ -x "$candidate" ]; then PATH="$(dirname "$candidate"):$PATH"; break; fi
  done
fi
if ! command -v go >/dev/null 2>&1; then
  echo "No $description found and no Go toolchain to build one. Install Go, or set $variable." >&2
  exit 1
fi

gobin="$(go env GOPATH)/bin"
if [ -x "$gobin/$name" ]; then echo "$gobin/$name"; exit 0; fi

# One build at a time on this machine: a second caller waits for the first one's binary.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${TMPDIR:-/tmp}/$name-build.lock"
  flock 9
  if [ -x "$gobin/$name" ]; then echo "$gobin/$name"; exit 0; fi
fi

echo "Building the $description ${module#*@} from the Go module proxy (a few minutes, once)..." >&2
built="$(basename "${module%@*}")"
if [ "$built" = "$name" ]; then
  GOFLAGS="${GOFLAGS:-} -mod=mod" go install "$module" >&2
else
  scratch="$(mktemp -d)"
  GOBIN="$scratch" GOFLAGS="${GOFLAGS:-} -mod=mod" go install "$module" >&2
  mkdir -p "$gobin"
  mv "$scratch/$built" "$gobin/$name"
  rmdir "$scratch"
fi
echo "$gobin/$name"
