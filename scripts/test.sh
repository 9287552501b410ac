#!/usr/bin/env bash
# The project's one test command (`npm test`): type-check, then every test tier.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm install --no-audit --no-fund
npx tsc --noEmit -p tsconfig.json
npx vitest run
