#!/bin/sh
# Creates Temporal's two databases on PostgreSQL and brings their schemas up to the server's
# version, with temporal-sql-tool. Run by docker-compose.yml (service temporal-schema, image
# temporalio/admin-tools) and by `npm run stack:prod` (with the tool built from the Go module).
# It runs on every start, so it must be safe to repeat: an initialised database only gets pending
# updates, and the initial setup (which writes schema version 0.0) runs only where no schema
# exists yet.
#   POSTGRES_SEEDS, DB_PORT, POSTGRES_USER, SQL_PASSWORD   where PostgreSQL is, as whom
#   DBNAME, VISIBILITY_DBNAME          the databases (temporal, temporal_visibility)
#   TEMPORAL_SCHEMA_DIR                the server's schema/postgresql/v12 (the image's by default)
#   TEMPORAL_SCHEMA_VERSION, VISIBILITY_SCHEMA_VERSION
#                                      versions to stop at (the newest in the folder by default):
#                                      an older server's, as its schema/postgresql/v12/version.go says
set -eu

: "${POSTGRES_SEEDS:?set POSTGRES_SEEDS to the PostgreSQL host}"
: "${POSTGRES_USER:?set POSTGRES_USER}"
# Read by temporal-sql-tool itself; empty for a server that trusts local connections.
export SQL_PASSWORD="${SQL_PASSWORD:-}"
PORT="${DB_PORT:-5432}"
SCHEMA_ROOT="${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p "$PORT" "$@"
}

echo "Waiting for PostgreSQL at $POSTGRES_SEEDS:$PORT"
if command -v pg_isready >/dev/null 2>&1; then
  until pg_isready -q -h "$POSTGRES_SEEDS" -p "$PORT"; do sleep 1; done
else
  until nc -z -w 5 "$POSTGRES_SEEDS" "$PORT"; do sleep 1; done
fi

prepare() {
  database="$1"
  versioned="$SCHEMA_ROOT/$2/versioned"
  target="${3:+-v $3}"
  # $target is empty or "-v VERSION": left unquoted so it becomes two words or none.
  # shellcheck disable=SC2086
  if sql_tool --db "$database" update-schema -d "$versioned" $target; then
    echo "$database: schema up to date"
    return
  fi
  echo "$database: no schema yet, setting it up"
  sql_tool --db "$database" create
  sql_tool --db "$database" setup-schema -v 0.0
  # shellcheck disable=SC2086
  sql_tool --db "$database" update-schema -d "$versioned" $target
}

prepare "${DBNAME:-temporal}" temporal "${TEMPORAL_SCHEMA_VERSION:-}"
prepare "${VISIBILITY_DBNAME:-temporal_visibility}" visibility "${VISIBILITY_SCHEMA_VERSION:-}"
echo "Temporal schema ready"
