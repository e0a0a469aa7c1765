#!/usr/bin/env bash
# Install and start a PostgreSQL server on 127.0.0.1 for the storage and feed tests; print its URL
# (the only line on stdout: everything else goes to stderr).
set -euo pipefail
exec 3>&1 1>&2
export DEBIAN_FRONTEND=noninteractive
if ! command -v pg_ctlcluster >/dev/null; then
  apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null 3>&-
fi
pg_ctlcluster "$version" main start 3>&- 2>/dev/null || true  # the server must not hold our stdout pipe
for _ in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -q && break
  sleep 1
done
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='rehab'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE ROLE rehab LOGIN PASSWORD 'rehab' CREATEDB\""
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='rehab'\"" | grep -q 1 ||
  su postgres -c "createdb -O rehab rehab"
echo "postgresql+psycopg://rehab:rehab@127.0.0.1:5432/rehab" >&3
