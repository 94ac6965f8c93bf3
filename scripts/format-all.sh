#!/usr/bin/env bash
# Formats the whole tree with Biome (biome.json), once: `npm test` checks formatting with
# `npm run format:check`, which passes after this has run and its result is committed.
#   bash scripts/format-all.sh && npx tsc --noEmit -p tsconfig.json && npm run format:check
set -euo pipefail
cd "$(dirname "$0")/.."
npx biome format --write .
