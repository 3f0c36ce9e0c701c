#!/bin/sh
# Runs before each Chorus service starts (the create-database init container): waits for
# PostgreSQL, then creates the service's database if it is missing. The service applies its own
# migrations at start. Reads PGHOST, PGPORT, PGUSER, PGPASSWORD (the libpq variables),
# CHORUS_DATABASE and CHORUS_DATABASE_TIMEOUT (seconds). Every failure says what to check.
set -u
where="PostgreSQL at ${PGHOST}:${PGPORT:-5432} as ${PGUSER}"
timeout=${CHORUS_DATABASE_TIMEOUT:-120}
waited=0
until pg_isready -q -d postgres; do
  if [ "$waited" -ge "$timeout" ]; then
    echo "chorus: $where did not answer in ${timeout} s. Check that it runs, that database.host" \
      "and database.port are right, and that NetworkPolicies let this pod reach it." >&2
    exit 1
  fi
  echo "chorus: waiting for $where ..."
  sleep 2
  waited=$((waited + 2))
done
if ! exists=$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '${CHORUS_DATABASE}'"); then
  echo "chorus: cannot log in to $where. Check database.user and the password" \
    "(database.password or database.existingSecret)." >&2
  exit 1
fi
if [ "$exists" = 1 ]; then
  echo "chorus: database ${CHORUS_DATABASE} exists"
  exit 0
fi
if ! psql -d postgres -v ON_ERROR_STOP=1 -qc "CREATE DATABASE \"${CHORUS_DATABASE}\""; then
  echo "chorus: ${PGUSER} cannot create the database ${CHORUS_DATABASE}. Grant it CREATEDB, or" \
    "create the database yourself with ${PGUSER} as its owner." >&2
  exit 1
fi
echo "chorus: created database ${CHORUS_DATABASE}"
