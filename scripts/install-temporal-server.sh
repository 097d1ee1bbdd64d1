#!/usr/bin/env bash
# Prints the paths of Temporal's production server and its schema tool, one a line
# (temporal-server, then temporal-sql-tool), building them from the Go module proxy at the
# version docker-compose.yml pins (temporalio/server:1.30.1) when none is found: several minutes
# on 2 cores, once. Looked for in $TEMPORAL_SERVER_PATH / $TEMPORAL_SQL_TOOL_PATH, on PATH, then
# in $(go env GOPATH)/bin, where the Temporal CLI is cached too. Named as in Temporal's images.
set -euo pipefail
here="$(dirname "$0")"
version=v1.30.1
bash "$here/find-or-build-go-tool.sh" temporal-server TEMPORAL_SERVER_PATH \
  "go.temporal.io/server/cmd/server@$version" "Temporal server"
bash "$here/find-or-build-go-tool.sh" temporal-sql-tool TEMPORAL_SQL_TOOL_PATH \
  "go.temporal.io/server/cmd/tools/sql@$version" "Temporal SQL schema tool"
