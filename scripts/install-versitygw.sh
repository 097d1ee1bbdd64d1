#!/usr/bin/env bash
# Prints the path of versitygw, the S3-compatible server the tests store assets in (Apache-2.0),
# building v1.8.0 from the Go module proxy when none is found (about 2 minutes on 2 cores, once;
# $VERSITYGW_PATH, `versitygw` on PATH, then $(go env GOPATH)/bin/versitygw).
set -euo pipefail
exec bash "$(dirname "$0")/find-or-build-go-tool.sh" versitygw VERSITYGW_PATH \
  github.com/versity/versitygw/cmd/versitygw@v1.8.0 "versitygw server"
