#!/bin/sh
# One-off job of docker-compose.yml (service temporal-schema, image temporalio/admin-tools):
# creates Temporal's two databases on the `postgresql` service and brings their schemas up to
# the server's version. It runs on every `docker compose up`, so it must be safe to repeat:
# an initialised database only gets pending updates, and the initial setup (which writes
# schema version 0.0) runs only where no schema exists yet.
set -eu

: "${POSTGRES_SEEDS:?set POSTGRES_SEEDS to the PostgreSQL host}"
: "${POSTGRES_USER:?set POSTGRES_USER}"
: "${SQL_PASSWORD:?set SQL_PASSWORD (read by temporal-sql-tool)}"
PORT="${DB_PORT:-5432}"
SCHEMA_ROOT=/etc/temporal/schema/postgresql/v12

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p "$PORT" "$@"
}

echo "Waiting for PostgreSQL at $POSTGRES_SEEDS:$PORT"
until nc -z -w 5 "$POSTGRES_SEEDS" "$PORT"; do sleep 1; done

prepare() {
  database="$1"
  versioned="$SCHEMA_ROOT/$2/versioned"
  if sql_tool --db "$database" update-schema -d "$versioned"; then
    echo "$database: schema up to date"
    return
  fi
  echo "$database: no schema yet, setting it up"
  sql_tool --db "$database" create
  sql_tool --db "$database" setup-schema -v 0.0
  sql_tool --db "$database" update-schema -d "$versioned"
}

prepare temporal temporal
prepare temporal_visibility visibility
echo "Temporal schema ready"
