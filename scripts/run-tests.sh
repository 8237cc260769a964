#!/usr/bin/env bash
# Runs every test suite against the build in $1 and ends with one summary line:
#   Summary: N passed, N failed
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/asan}
passed=0
failed=0
failures=()
logdir=$(mktemp -d)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

count() {  # suite-name passed failed
  passed=$((passed + $2))
  failed=$((failed + $3))
  if [ "$3" -gt 0 ]; then failures+=("$1"); fi
  echo "== $1: $2 passed, $3 failed"
}

# 0. Static checks that need no build.
if scripts/check-coroutines.sh > "$logdir/lint.log" 2>&1; then
  count "coroutine lint" 1 0
else
  cat "$logdir/lint.log"; count "coroutine lint" 0 1
fi

# 1. C++ unit and integration tests (GoogleTest through CTest, in parallel).
echo "== C++ tests (ctest)"
ctest --test-dir "$build" -j "$(nproc)" --output-on-failure --timeout 300 > "$logdir/ctest.log" 2>&1
rc=$?
tail -n 40 "$logdir/ctest.log"
total=$(grep -oE 'tests failed out of [0-9]+' "$logdir/ctest.log" | grep -oE '[0-9]+$' || echo 0)
nfail=$(grep -oE '[0-9]+ tests failed out of' "$logdir/ctest.log" | grep -oE '^[0-9]+' || echo 0)
if [ "$total" = 0 ] && [ $rc -ne 0 ]; then nfail=1; fi
count "ctest" $((total - nfail)) "$nfail"

# 2. Node suites: real SDK clients against the real gateway and mock-llm.
if [ -f tests/conformance/run.sh ]; then
  echo "== SDK conformance (node)"
  tests/conformance/run.sh "$build" > "$logdir/conformance.log" 2>&1
  rc=$?
  tail -n 60 "$logdir/conformance.log"
  p=$(grep -E '^# pass ' "$logdir/conformance.log" | awk '{s+=$3} END {print s+0}')
  f=$(grep -E '^# fail ' "$logdir/conformance.log" | awk '{s+=$3} END {print s+0}')
  if [ $rc -ne 0 ] && [ "$f" = 0 ]; then f=1; fi
  count "conformance" "$p" "$f"
fi

# 3. Web UI: type check, lint, unit tests.
if [ -f web/package.json ]; then
  echo "== web UI checks"
  for step in typecheck lint; do
    if (cd web && npm run -s "$step") > "$logdir/web-$step.log" 2>&1; then
      count "web $step" 1 0
    else
      tail -n 40 "$logdir/web-$step.log"; count "web $step" 0 1
    fi
  done
  (cd web && NO_COLOR=1 npx vitest run) > "$logdir/vitest.log" 2>&1
  rc=$?
  tail -n 15 "$logdir/vitest.log"
  tests_line=$(sed 's/\x1b\[[0-9;]*m//g' "$logdir/vitest.log" | grep -E '^ *Tests ' | tail -1)
  p=$(echo "$tests_line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || echo 0)
  f=$(echo "$tests_line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' || echo 0)
  p=${p:-0}; f=${f:-0}
  if [ $rc -ne 0 ] && [ "$f" = 0 ]; then f=1; fi
  count "vitest" "$p" "$f"
fi

# 4. End to end in headless Chromium.
if [ -f tests/e2e/run.sh ]; then
  echo "== e2e (chromium)"
  tests/e2e/run.sh "$build" > "$logdir/e2e.log" 2>&1
  rc=$?
  tail -n 40 "$logdir/e2e.log"
  p=$(grep -E '^# pass ' "$logdir/e2e.log" | awk '{s+=$3} END {print s+0}')
  f=$(grep -E '^# fail ' "$logdir/e2e.log" | awk '{s+=$3} END {print s+0}')
  if [ $rc -ne 0 ] && [ "$f" = 0 ]; then f=1; fi
  count "e2e" "$p" "$f"
fi

echo
if [ ${#failures[@]} -gt 0 ]; then echo "failed suites: ${failures[*]}"; fi
echo "Summary: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
