#!/usr/bin/env bash
# Prints the path of a Temporal CLI, building v1.5.1 from the Go module proxy when none is found
# ($TEMPORAL_CLI_PATH, `temporal` on PATH, then $(go env GOPATH)/bin/temporal).
# (Later tags carry a replace directive that `go install` refuses, hence the pinned version.)
set -euo pipefail
exec bash "$(dirname "$0")/find-or-build-go-tool.sh" temporal TEMPORAL_CLI_PATH \
  github.com/temporalio/cli/cmd/temporal@v1.5.1 "Temporal CLI"
