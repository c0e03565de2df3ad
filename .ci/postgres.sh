#!/usr/bin/env bash
# Start a local PostgreSQL (Debian package) and create the role and database the store tests use:
# postgresql+psycopg://faq:faq@127.0.0.1:5432/faq_test. Safe to run again.
set -euo pipefail
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
pg_lsclusters -h | grep -q . || pg_createcluster "$version" main >/dev/null
pg_ctlcluster "$version" main start 2>/dev/null || true
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
as_postgres() { su postgres -c "$1"; }
as_postgres "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='faq'\"" | grep -q 1 \
  || as_postgres "psql -qc \"CREATE ROLE faq LOGIN SUPERUSER PASSWORD 'faq'\""
as_postgres "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='faq_test'\"" | grep -q 1 \
  || as_postgres "createdb -O faq faq_test"
