#!/usr/bin/env bash
# Prints, one a line: the paths of Temporal's production server (temporal-server), its schema
# tool (temporal-sql-tool), the Web UI's server (temporal-ui-server), and the server's PostgreSQL
# schema folder. Each tool is built from the Go module proxy when none is found (the server takes
# about 10 minutes on 2 cores, once), cached in $(go env GOPATH)/bin beside the Temporal CLI;
# $TEMPORAL_SERVER_PATH, $TEMPORAL_SQL_TOOL_PATH and $TEMPORAL_UI_SERVER_PATH name others.
# The server is the version docker-compose.yml pins (temporalio/server:1.30.1). The UI server is
# the one the Temporal CLI v1.5.1 embeds (its go.mod: ui-server/v2 v2.42.1), so its build reuses
# the CLI's compiled packages.
set -euo pipefail
here="$(dirname "$0")"
server=go.temporal.io/server@v1.30.1
ui=github.com/temporalio/ui-server/v2@v2.42.1

bash "$here/find-or-build-go-tool.sh" temporal-server TEMPORAL_SERVER_PATH \
  "${server%@*}/cmd/server@${server#*@}" "Temporal server"
bash "$here/find-or-build-go-tool.sh" temporal-sql-tool TEMPORAL_SQL_TOOL_PATH \
  "${server%@*}/cmd/tools/sql@${server#*@}" "Temporal SQL schema tool"
bash "$here/find-or-build-go-tool.sh" temporal-ui-server TEMPORAL_UI_SERVER_PATH \
  "${ui%@*}/cmd/server@${ui#*@}" "Temporal Web UI server"

# The schema files come with the server's module (schema/postgresql/v12/{temporal,visibility}).
module_dir="$(go env GOMODCACHE)/$server"
[ -d "$module_dir/schema" ] || go mod download "$server" >&2
echo "$module_dir/schema/postgresql/v12"
