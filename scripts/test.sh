#!/usr/bin/env bash
# The whole test suite: peers, build (type-checks tests too), lint + format check, then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-peers.sh
npm run build
npx biome check .
mapfile -t files < <(find dist -name '*.test.js' | sort)
# A hung test fails after 10 minutes (with its name) instead of holding CI until its own limit.
# --no-concurrent-recompilation (passed on to every test process): Node 20 can deadlock as a process
# ends, when a background TurboFan job waits for a GC that the main thread, draining platform tasks,
# never runs (nodejs/node#54918; seen: segment.test.js hung after its last test, gdb showed exactly
# that). Optimising on the main thread removes the background job; tests lose nothing by it.
node --no-concurrent-recompilation --test --test-concurrency=2 --test-timeout=600000 --test-reporter=spec "${files[@]}"
