#!/usr/bin/env bash
# Runs every test: installs Node 24 and the npm dependencies when missing,
# starts PostgreSQL when it is not running, then runs the node:test suites.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"

npx tsc --noEmit -p tsconfig.json
npm test
