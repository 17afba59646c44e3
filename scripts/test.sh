#!/usr/bin/env bash
# The whole test suite: peers, build (type-checks tests too), lint + format check, then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-peers.sh
npm run build
npx biome check .
mapfile -t files < <(find dist -name '*.test.js' | sort)
# A hung test fails after 10 minutes (with its name) instead of holding CI until its own limit.
node --test --test-concurrency=2 --test-timeout=600000 --test-reporter=spec "${files[@]}"
