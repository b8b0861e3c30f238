#!/bin/sh
# One-shot (the `temporal-schema` service): creates Temporal's two databases on the stack's
# PostgreSQL and brings their schemas to the version the server image expects, with the admin
# tools' temporal-sql-tool. Safe to run on every `docker compose up`: an existing database is
# kept, and update-schema only applies the versions still missing.
set -eu
: "${POSTGRES_SEEDS:?set POSTGRES_SEEDS}" "${POSTGRES_USER:?set POSTGRES_USER}" "${SQL_PASSWORD:?set SQL_PASSWORD}"
port="${DB_PORT:-5432}"
sql_tool() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$port" -u "$POSTGRES_USER" "$@"; }

for database in temporal temporal_visibility; do
  case "$database" in temporal) schema=temporal ;; *) schema=visibility ;; esac
  sql_tool --db "$database" create 2>/dev/null || echo "database $database already exists"
  sql_tool --db "$database" setup-schema -v 0.0
  sql_tool --db "$database" update-schema -d "/etc/temporal/schema/postgresql/v12/$schema/versioned"
done
echo "Temporal schemas are up to date"
