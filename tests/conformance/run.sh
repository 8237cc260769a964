#!/usr/bin/env bash
# SDK conformance suite: the official `openai` and `@anthropic-ai/sdk` clients against the real
# gateway binary and the real mock-llm upstream.
#   tests/conformance/run.sh <build-dir> [test files...]
# Prints node:test's TAP output (ending with `# pass N` / `# fail N`) and exits non-zero on any
# failure. Works with ASan builds (timeouts scale by CONFORMANCE_SLOW, set automatically).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-build/asan}
shift || true
case "$build" in /*) ;; *) build="$repo/$build" ;; esac

gateway_bin="$build/llm-gateway"
mock_bin="$build/tools/mock-llm/mock-llm"
for b in "$gateway_bin" "$mock_bin"; do
  if [ ! -x "$b" ]; then
    echo "conformance: missing $b (build the llm-gateway and mock-llm targets)" >&2
    echo "# pass 0"
    echo "# fail 1"
    exit 1
  fi
done
if [ ! -d "$repo/tests/node_modules/openai" ] || [ ! -d "$repo/tests/node_modules/@anthropic-ai/sdk" ]; then
  echo "conformance: installing the SDK clients (npm ci in tests/)" >&2
  (cd "$repo/tests" && npm ci --no-audit --no-fund --loglevel=error) >&2 || {
    echo "# pass 0"; echo "# fail 1"; exit 1; }
fi

# Sanitizer builds are several times slower: scale every timeout in the tests.
slow=${CONFORMANCE_SLOW:-1}
if grep -qE 'GW_SANITIZE:BOOL=(ON|1|TRUE)|-fsanitize=' "$build/CMakeCache.txt" 2>/dev/null; then
  slow=${CONFORMANCE_SLOW:-4}
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

work=$(mktemp -d "${TMPDIR:-/tmp}/gw-conformance.XXXXXX")
mock_pid=""
gw_pid=""
cleanup() {
  # Only the two processes this script started, by pid.
  for p in $gw_pid $mock_pid; do
    if kill -0 "$p" 2>/dev/null; then
      kill -TERM "$p" 2>/dev/null
      for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$p" 2>/dev/null || true
    fi
  done
  if [ "${KEEP_CONFORMANCE_DIR:-0}" != 1 ]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# 1. mock-llm on an ephemeral port.
"$mock_bin" --host 127.0.0.1 --port 0 --threads 2 --port-file "$work/mock.port" \
  > "$work/mock.log" 2>&1 &
mock_pid=$!
for _ in $(seq 1 $((100 * slow))); do
  [ -s "$work/mock.port" ] && break
  kill -0 "$mock_pid" 2>/dev/null || break
  sleep 0.1
done
if [ ! -s "$work/mock.port" ]; then
  echo "conformance: mock-llm did not start" >&2; cat "$work/mock.log" >&2
  echo "# pass 0"; echo "# fail 1"; exit 1
fi
mock_url="http://127.0.0.1:$(cat "$work/mock.port")"

# 2. The gateway, from an empty working directory (no stray .env), on a free port.
mkdir -p "$work/gw"
gw_log="$work/gateway.log"
start_gateway() {
  local port
  port=$(free_port)
  (cd "$work/gw" && exec env \
    HOST=127.0.0.1 PORT="$port" THREADS=2 GATEWAY_ENV=development \
    DB_PATH="$work/gw/gateway.db" \
    JWT_SECRET="conformance-jwt-secret-0123456789abcdefghijkl" \
    SECRET_KEY="conformance-secret-key-0123456789abcdefghijkl" \
    LOG_LEVEL="${CONFORMANCE_LOG_LEVEL:-info}" \
    WEB_DIR="$work/no-web-ui" PRESETS_AUTO_SYNC=false LITELLM_PRESETS_URL="http://127.0.0.1:1/none" \
    MAX_BODY_BYTES=1048576 \
    UPSTREAM_FIRST_BYTE_TIMEOUT_MS=2000 \
    ${GATEWAY_WRAPPER:-} "$gateway_bin" serve --port "$port") >> "$gw_log" 2>&1 &
  gw_pid=$!
  gateway_url="http://127.0.0.1:$port"
  for _ in $(seq 1 $((150 * slow))); do
    if curl -fsS -m 2 "$gateway_url/healthz" > /dev/null 2>&1; then return 0; fi
    kill -0 "$gw_pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
ok=0
for _ in 1 2 3; do  # a port race with another process is possible: retry on a new port
  if start_gateway; then ok=1; break; fi
  kill -TERM "$gw_pid" 2>/dev/null; wait "$gw_pid" 2>/dev/null
done
if [ $ok != 1 ]; then
  echo "conformance: the gateway did not become healthy" >&2; tail -n 50 "$gw_log" >&2
  echo "# pass 0"; echo "# fail 1"; exit 1
fi

export GATEWAY_URL="$gateway_url" MOCK_URL="$mock_url" GATEWAY_LOG="$gw_log" GATEWAY_DB="$work/gw/gateway.db"
export CONFORMANCE_DIR="$work" CONFORMANCE_SLOW="$slow"

# 3. The tests: one file at a time (they share the mock's recording), files in name order.
files=()
for f in "$@"; do files+=("$(realpath "$f")"); done
if [ ${#files[@]} -eq 0 ]; then files=("$here"/*.test.mjs); fi
cd "$repo/tests"
timeout $((900 * slow)) node --test --test-reporter=tap --test-concurrency=1 "${files[@]}" \
  | tee "$work/tap.txt"
rc=${PIPESTATUS[0]}
# Tests cancelled by a failed hook are failures too (node counts them apart).
cancelled=$(grep -E '^# cancelled [0-9]+' "$work/tap.txt" | awk '{s+=$3} END {print s+0}')
if [ "$cancelled" -gt 0 ]; then
  echo "# fail $cancelled (cancelled tests)"
  rc=1
fi

if ! kill -0 "$gw_pid" 2>/dev/null; then
  echo "conformance: the gateway died during the run" >&2
  rc=1
fi
if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$gw_log"; then
  echo "conformance: the gateway reported a sanitizer error" >&2
  grep -m 5 -A 30 -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$gw_log" >&2
  rc=1
fi
if [ $rc -ne 0 ]; then
  echo "---- gateway log (last 80 lines) ----" >&2
  tail -n 80 "$gw_log" >&2
fi
exit $rc
