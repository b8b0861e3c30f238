#!/usr/bin/env bash
# `npm run record:histories`: runs every workflow against the real services the test suite
# starts (PostgreSQL, SeaweedFS, a Temporal dev server, the GitHub emulator) and rewrites
# test/replay/histories/*.json from those runs, on the Node line the suite runs on.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-tools.sh all
rm -f test/replay/histories/*.json
PATH="$PWD/.tools/node24/bin:$PATH" npx vitest run --config test/replay/vitest.record.config.ts
echo "recorded: $(ls test/replay/histories/*.json | wc -l) histories in test/replay/histories"
