#!/usr/bin/env bash
# Print a DATABASE_URL for a PostgreSQL server on 127.0.0.1:5432, starting or installing one
# from Debian's packages when none answers. Progress goes to stderr; the URL to stdout.
set -euo pipefail
log() { echo "$@" >&2; }

ready() { command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; }

if ! ready; then
  if ! command -v pg_ctlcluster >/dev/null; then
    log "installing PostgreSQL from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  log "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
  for _ in $(seq 30); do ready && break; sleep 1; done
fi
ready || { log "PostgreSQL did not start"; exit 1; }

# a role with a password works whatever the server's local authentication (trust or scram)
run_psql() {
  if psql -h 127.0.0.1 -U postgres -d postgres -tAc "select 1" >/dev/null 2>&1; then
    psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -qtAc "$1"
  else
    su postgres -c "psql -d postgres -v ON_ERROR_STOP=1 -qtAc \"$1\""
  fi
}
if [ "$(run_psql "select 1 from pg_roles where rolname = 'netweave'")" != "1" ]; then
  run_psql "create role netweave login createdb password 'netweave-ci'" >&2
fi
echo "postgres://netweave:netweave-ci@127.0.0.1:5432/netweave"
