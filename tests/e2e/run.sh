#!/usr/bin/env bash
# Runs the browser end-to-end test against a real gateway serving web/dist and mock-llm.
#   tests/e2e/run.sh <build-dir>
set -uo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/asan}
source scripts/stack.sh
if [ ! -f web/dist/index.html ]; then
  echo "e2e: web/dist is not built (make web)" >&2
  exit 1
fi
WEB_DIR="$PWD/web/dist" stack_start "$build" || exit 1
trap stack_stop EXIT
MOCK_LLM_URL="$MOCK_URL" node --test --test-reporter=tap tests/e2e/run.mjs
rc=$?
if [ $rc -ne 0 ]; then
  echo "--- gateway log (tail)"; tail -n 40 "$GATEWAY_LOG"
fi
exit $rc
