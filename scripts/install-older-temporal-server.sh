#!/usr/bin/env bash
# Prints, one a line: the path of an OLDER Temporal server than the one the stack runs, and that
# version's PostgreSQL schema folder (its version.go names the schema versions the server needs).
# test/cluster/schema-upgrade.cluster.ts starts the stack on it and its schema versions, then
# upgrades the schema with the current temporal-sql-tool.
# v1.29.1 is the newest release before 1.30 whose schema is older: its visibility schema is 1.9
# where 1.30.1's is 1.13 (schema/postgresql/v12/version.go of each module), and the Temporal CLI
# v1.5.1 embeds this same server version, so much of the build reuses the CLI's compiled packages.
# Built once, like the current one, into $(go env GOPATH)/bin under a name of its own;
# $TEMPORAL_OLDER_SERVER_PATH names another.
set -euo pipefail
here="$(dirname "$0")"
server=go.temporal.io/server@v1.29.1

bash "$here/find-or-build-go-tool.sh" "temporal-server-${server#*@}" TEMPORAL_OLDER_SERVER_PATH \
  "${server%@*}/cmd/server@${server#*@}" "older Temporal server"

module_dir="$(go env GOMODCACHE)/$server"
[ -d "$module_dir/schema" ] || go mod download "$server" >&2
echo "$module_dir/schema/postgresql/v12"
