# Sourced by test runners: starts mock-llm and the gateway on free loopback ports.
#   source scripts/stack.sh; stack_start <build-dir> [ENV=VALUE ...]; ...; stack_stop
# Exports MOCK_URL, GATEWAY_URL, GATEWAY_LOG, STACK_DIR.

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

stack_start() {
  local build=$1; shift
  STACK_DIR=$(mktemp -d)
  export STACK_DIR
  "$build/tools/mock-llm/mock-llm" --host 127.0.0.1 --port 0 --port-file "$STACK_DIR/mock.port" \
    > "$STACK_DIR/mock.log" 2>&1 &
  STACK_MOCK_PID=$!
  for _ in $(seq 1 200); do [ -s "$STACK_DIR/mock.port" ] && break; sleep 0.05; done
  MOCK_URL="http://127.0.0.1:$(cat "$STACK_DIR/mock.port")"
  export MOCK_URL
  local port
  port=$(free_port)
  GATEWAY_URL="http://127.0.0.1:$port"
  GATEWAY_LOG="$STACK_DIR/gateway.log"
  export GATEWAY_URL GATEWAY_LOG
  env PORT="$port" HOST=127.0.0.1 DB_PATH="$STACK_DIR/gateway.db" LOG_LEVEL=info \
    JWT_SECRET=stack-test-jwt-secret-0123456789abcdef SECRET_KEY=stack-test-secret-key-0123456789 \
    PRESETS_AUTO_SYNC=false WEB_DIR="${WEB_DIR:-$STACK_DIR/no-web}" "$@" \
    "$build/llm-gateway" serve > "$GATEWAY_LOG" 2>&1 &
  STACK_GATEWAY_PID=$!
  for _ in $(seq 1 600); do
    curl -sf "$GATEWAY_URL/healthz" > /dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "stack: gateway did not start" >&2
  tail -n 30 "$GATEWAY_LOG" >&2
  return 1
}

stack_stop() {
  [ -n "${STACK_GATEWAY_PID:-}" ] && kill "$STACK_GATEWAY_PID" 2>/dev/null && wait "$STACK_GATEWAY_PID" 2>/dev/null
  [ -n "${STACK_MOCK_PID:-}" ] && kill "$STACK_MOCK_PID" 2>/dev/null && wait "$STACK_MOCK_PID" 2>/dev/null
  STACK_GATEWAY_PID=""
  STACK_MOCK_PID=""
  return 0
}
