#!/usr/bin/env bash
# Regenerates migration 0001 from the models, keeping the hand-written 0002+ aside meanwhile.
# Serialised by a lock so two runs in one checkout never move each other's files.
set -euo pipefail
BIN=${BIN:-.venv/bin}
VERSIONS=src/lianfang/migrations/versions
mkdir -p var
exec 9>var/migration.lock
flock 9
work=$(mktemp -d var/migration.XXXXXX)
mkdir -p "$work/keep"
trap 'mv "$work"/keep/*.py "$VERSIONS"/ 2>/dev/null || true; rm -rf "$work"' EXIT
find "$VERSIONS" -name '*.py' ! -name '*_0001_initial.py' -exec mv {} "$work/keep/" \;
rm -f "$VERSIONS"/*_0001_initial.py
LIANFANG_DATABASE_URL="sqlite:///$work/scratch.db" "$BIN/alembic" revision --autogenerate --rev-id 0001 -m initial
"$BIN/ruff" format "$VERSIONS"
"$BIN/ruff" check --fix "$VERSIONS"
