#!/usr/bin/env bash
# Make sure the local PostgreSQL answers on 127.0.0.1:5432; start it if it is down, fail if it cannot be reached.
set -euo pipefail
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then exit 0; fi
echo "PostgreSQL is down; starting it" >&2
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start || true
fi
for _ in $(seq 1 30); do
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then exit 0; fi
  sleep 1
done
echo "PostgreSQL at 127.0.0.1:5432 cannot be reached" >&2
exit 1
