#!/usr/bin/env bash
# Loopback benchmark: mock-llm direct, through llm-gateway, and through nginx (the pure
# reverse-proxy baseline, when nginx is installed). Prints requests/s and p50/p99 latency for
# plain and streamed chat at $CONNECTIONS connections, CPU time per request of the process under
# test (from /proc/<pid>/stat), and its RSS while it holds $OPEN_STREAMS open streams.
#
# Usage: bench/run.sh            (make bench builds build/release first)
# Settings (environment): BUILD_DIR, DURATION (10s), WARMUP (2s), DURATION_C1 (5s, the
#   one-connection latency runs), DURATION_PACED (5s) and PACE_MS (10: the paced runs, where
#   each of the $CONNECTIONS connections waits 5-15 ms before each request), CONNECTIONS (32),
#   WRK_THREADS (2), GATEWAY_THREADS ("1 2"), NGINX_WORKERS ("1 2"; "" skips nginx),
#   OPEN_STREAMS (1000), STREAM_CHUNKS (50), STREAM_CHUNK_DELAY_MS (500).
# Everything listens on 127.0.0.1; every process started here is stopped on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=$(cd "${BUILD_DIR:-$ROOT/build/release}" && pwd)
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
DURATION_C1=${DURATION_C1:-5s}
DURATION_PACED=${DURATION_PACED:-5s}
PACE_MS=${PACE_MS:-10}
CONNECTIONS=${CONNECTIONS:-32}
WRK_THREADS=${WRK_THREADS:-2}
GATEWAY_THREADS=${GATEWAY_THREADS:-1 2}
NGINX_WORKERS=${NGINX_WORKERS-1 2}
OPEN_STREAMS=${OPEN_STREAMS:-1000}
# mock-llm's reply is 53 bytes: at most 53 pieces. 50 pieces every 500 ms keep a stream open
# for 25 s, long enough to open all of them and measure.
STREAM_CHUNKS=${STREAM_CHUNKS:-50}
STREAM_CHUNK_DELAY_MS=${STREAM_CHUNK_DELAY_MS:-500}

GATEWAY_BIN=$BUILD_DIR/llm-gateway
MOCK_BIN=$BUILD_DIR/mock-llm
[ -x "$MOCK_BIN" ] || MOCK_BIN=$BUILD_DIR/tools/mock-llm/mock-llm
for bin in "$GATEWAY_BIN" "$MOCK_BIN"; do
  [ -x "$bin" ] || { echo "bench: $bin not found (build with: make build)" >&2; exit 1; }
done
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
done
if [ -n "$NGINX_WORKERS" ] && ! command -v nginx >/dev/null; then
  echo "bench: nginx not installed (apt-get install nginx-light): skipping the nginx baseline" >&2
  NGINX_WORKERS=""
fi

WORK=$(mktemp -d /tmp/gw-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

VIRTUAL_KEY="sk-bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
SLOW_MODEL="mock-gpt@chunks=${STREAM_CHUNKS},chunk_delay=${STREAM_CHUNK_DELAY_MS}"
CLK_TCK=$(getconf CLK_TCK)

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Waits until GET http://127.0.0.1:$1$2 answers (any status), for up to 10 s.
wait_http() {
  for _ in $(seq 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$1$2"; then return 0; fi
    sleep 0.1
  done
  echo "bench: nothing answers on port $1" >&2
  return 1
}

# The process and its children (nginx workers).
family() { echo "$1" $(pgrep -P "$1" || true); }

# utime + stime, in clock ticks, summed over the given pids.
cpu_ticks() {
  local total=0 pid
  for pid in "$@"; do
    local f
    f=$(sed 's/^.*) //' "/proc/$pid/stat")
    total=$((total + $(echo "$f" | awk '{print $12 + $13}')))
  done
  echo "$total"
}

rss_kib() {
  local total=0 pid
  for pid in "$@"; do
    total=$((total + $(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")))
  done
  echo "$total"
}

declare -A R  # results: R[<column>,<metric>]
COLUMNS_ORDER=()

# wrk_run <threads> <connections> <duration> <url> <model> <stream 0|1> [pace ms]: prints
# "requests duration_us p50_us p99_us errors" (errors: socket errors plus non-2xx answers).
wrk_run() {
  local line
  line=$(BENCH_KEY=$VIRTUAL_KEY BENCH_MODEL=$5 BENCH_STREAM=$6 BENCH_PACE_MS=${7:-} \
    wrk -t "$1" -c "$2" -d "$3" -s "$ROOT/bench/chat.lua" "$4" | grep '^BENCH ')
  echo "${line#BENCH }" | sed -E 's/[a-z0-9_]+=//g' |
    awk '{print $1, $2, $3, $4, $5 + $6}'
}

# bench_load <column> <port> <model> <pids...>: plain and streamed wrk runs.
bench_load() {
  local col=$1 port=$2 model=$3
  shift 3
  local url="http://127.0.0.1:$port/v1/chat/completions" mode stream
  for mode in plain stream; do
    stream=0
    [ "$mode" = stream ] && stream=1
    wrk_run "$WRK_THREADS" "$CONNECTIONS" "$WARMUP" "$url" "$model" "$stream" >/dev/null
    local t0 t1 requests duration p50 p99 errors
    t0=$(cpu_ticks "$@")
    read -r requests duration p50 p99 errors \
      <<<"$(wrk_run "$WRK_THREADS" "$CONNECTIONS" "$DURATION" "$url" "$model" "$stream")"
    t1=$(cpu_ticks "$@")
    if [ "$errors" -gt 0 ]; then
      echo "bench: $col $mode: $errors socket errors or non-2xx answers" >&2
    fi
    R[$col,$mode.rps]=$(awk -v n="$requests" -v d="$duration" 'BEGIN {printf "%.0f", n / (d / 1e6)}')
    R[$col,$mode.p50]=$p50
    R[$col,$mode.p99]=$p99
    R[$col,$mode.cpu]=$(awk -v t=$((t1 - t0)) -v hz="$CLK_TCK" -v n="$requests" \
      'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
    R[$col,$mode.errors]=$errors
    # One connection: the latency a request pays for the extra hop when nothing queues.
    read -r requests duration p50 p99 errors \
      <<<"$(wrk_run 1 1 "$DURATION_C1" "$url" "$model" "$stream")"
    R[$col,$mode.c1p50]=$p50
    # The same connections paced below saturation: latency under concurrency without the
    # queueing of a CPU-bound machine (three processes on two cores).
    read -r requests duration p50 p99 errors <<<"$(wrk_run "$WRK_THREADS" "$CONNECTIONS" \
      "$DURATION_PACED" "$url" "$model" "$stream" "$PACE_MS")"
    R[$col,$mode.paced_rps]=$(awk -v n="$requests" -v d="$duration" \
      'BEGIN {printf "%.0f", n / (d / 1e6)}')
    R[$col,$mode.paced_p50]=$p50
    R[$col,$mode.paced_p99]=$p99
  done
}

# bench_streams <column> <port> <model> <pids...>: RSS while holding $OPEN_STREAMS streams.
bench_streams() {
  local col=$1 port=$2 model=$3
  shift 3
  local pid_args=() pid
  for pid in "$@"; do pid_args+=(--pid "$pid"); done
  local out
  out=$(python3 "$ROOT/bench/open_streams.py" --port "$port" --key "$VIRTUAL_KEY" \
    --model "$model" --count "$OPEN_STREAMS" --mock-port "$MOCK_PORT" "${pid_args[@]}") || true
  echo "  $col streams: $out" >&2
  R[$col,rss_idle]=$(echo "$out" | python3 -c 'import json,sys; print("%.1f" % (json.load(sys.stdin)["rss_before_kib"] / 1024))')
  R[$col,rss_open]=$(echo "$out" | python3 -c 'import json,sys; print("%.1f" % (json.load(sys.stdin)["rss_open_kib"] / 1024))')
  R[$col,opened]=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["mock_active_streams"])')
  if [ "${R[$col,opened]}" != "$OPEN_STREAMS" ]; then
    echo "bench: $col: mock-llm served ${R[$col,opened]} streams, not $OPEN_STREAMS" >&2
  fi
  # Let the cancelled upstream streams drain before the next measurement.
  sleep 1
}

# --- mock-llm ------------------------------------------------------------------------------
MOCK_PORT=$(free_port)
"$MOCK_BIN" --host 127.0.0.1 --port "$MOCK_PORT" --threads 1 >"$WORK/mock.log" 2>&1 &
MOCK_PID=$!
PIDS+=("$MOCK_PID")
wait_http "$MOCK_PORT" /_mock/stats

echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)," \
  "kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "settings: wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION (after a $WARMUP warm-up)," \
  "mock-llm --threads 1, $OPEN_STREAMS open streams of $STREAM_CHUNKS chunks every" \
  "${STREAM_CHUNK_DELAY_MS} ms; paced runs: $CONNECTIONS connections, ${PACE_MS} ms (+-50 %)" \
  "between a connection's requests"
echo

echo "direct to mock-llm ..." >&2
COLUMNS_ORDER+=(direct)
bench_load direct "$MOCK_PORT" mock-gpt "$MOCK_PID"

# --- the gateway ---------------------------------------------------------------------------
# start_gateway <threads>: a fresh database, an admin, a provider pointing at mock-llm, two
# models and a virtual key without limits. Sets GW_PID and GW_PORT.
start_gateway() {
  local threads=$1 dir="$WORK/gw-$1"
  mkdir -p "$dir"
  GW_PORT=$(free_port)
  (cd "$dir" && exec env -i PATH="$PATH" HOME="$dir" PORT="$GW_PORT" HOST=127.0.0.1 \
    THREADS="$threads" LOG_LEVEL=warn DB_PATH="$dir/gateway.db" GATEWAY_ENV=development \
    JWT_SECRET="bench-jwt-secret-bench-jwt-secret-0123456789" \
    SECRET_KEY="bench-secret-key-bench-secret-key-0123456789" PRESETS_AUTO_SYNC=false \
    "$GATEWAY_BIN" serve) >"$dir/gateway.log" 2>&1 &
  GW_PID=$!
  PIDS+=("$GW_PID")
  wait_http "$GW_PORT" /healthz

  local base="http://127.0.0.1:$GW_PORT" token provider_id
  token=$(curl -sf -X POST "$base/api/auth/register" -H 'content-type: application/json' \
    -d '{"username":"bench","password":"bench-password"}' | jq -r .token)
  api() {
    local out code
    out=$(curl -s -w '\n%{http_code}' -X "$1" "$base$2" -H "authorization: Bearer $token" \
      -H 'content-type: application/json' ${3:+-d "$3"})
    code=${out##*$'\n'}
    out=${out%$'\n'*}
    if [ "${code:0:1}" != 2 ]; then
      echo "bench: $1 $2 answered $code: $out" >&2
      return 1
    fi
    echo "$out"
  }
  provider_id=$(api POST /api/admin/providers \
    "{\"name\":\"mock\",\"type\":\"openai\",\"base_url\":\"http://127.0.0.1:$MOCK_PORT/v1\",\"api_key\":\"sk-upstream-bench\"}" |
    jq -r .id)
  api POST /api/admin/models \
    "{\"provider_id\":$provider_id,\"name\":\"mock-gpt\",\"model_id\":\"mock-gpt\"}" >/dev/null
  api POST /api/admin/models \
    "{\"provider_id\":$provider_id,\"name\":\"mock-slow\",\"model_id\":\"$SLOW_MODEL\"}" >/dev/null
  api POST /api/admin/virtual-keys "{\"name\":\"bench\",\"key\":\"$VIRTUAL_KEY\"}" >/dev/null
  api POST /api/admin/config/regenerate '' >/dev/null || true

  local status
  status=$(curl -s -o "$WORK/check.json" -w '%{http_code}' "$base/v1/chat/completions" \
    -H "authorization: Bearer $VIRTUAL_KEY" -H 'content-type: application/json' \
    -d '{"model":"mock-gpt","messages":[{"role":"user","content":"hi"}]}')
  if [ "$status" != 200 ]; then
    echo "bench: the gateway's check request answered $status: $(cat "$WORK/check.json")" >&2
    return 1
  fi
}

stop_pid() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

for threads in $GATEWAY_THREADS; do
  col="gateway-t$threads"
  echo "through the gateway, THREADS=$threads ..." >&2
  start_gateway "$threads"
  COLUMNS_ORDER+=("$col")
  bench_load "$col" "$GW_PORT" mock-gpt "$GW_PID"
  bench_streams "$col" "$GW_PORT" mock-slow "$GW_PID"
  stop_pid "$GW_PID"
done

# --- nginx (pure reverse proxy, keep-alive upstream, no buffering) -------------------------
for workers in $NGINX_WORKERS; do
  col="nginx-w$workers"
  echo "through nginx, worker_processes $workers ..." >&2
  dir="$WORK/nginx-$workers"
  mkdir -p "$dir"
  NGINX_PORT=$(free_port)
  user_line=""
  [ "$(id -u)" = 0 ] && user_line="user root;"
  cat >"$dir/nginx.conf" <<EOF
$user_line
worker_processes $workers;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
worker_rlimit_nofile 8192;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  upstream mock { server 127.0.0.1:$MOCK_PORT; keepalive 256; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_read_timeout 300s;
    }
  }
}
EOF
  nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
  wait_http "$NGINX_PORT" /_mock/stats
  COLUMNS_ORDER+=("$col")
  # shellcheck disable=SC2046
  bench_load "$col" "$NGINX_PORT" mock-gpt $(family "$NGINX_PID")
  # shellcheck disable=SC2046
  bench_streams "$col" "$NGINX_PORT" "$SLOW_MODEL" $(family "$NGINX_PID")
  stop_pid "$NGINX_PID"
done

# --- the table -----------------------------------------------------------------------------
row() {
  local label=$1 key=$2 col
  printf '%-38s' "$label"
  for col in "${COLUMNS_ORDER[@]}"; do
    printf '%14s' "${R[$col,$key]:--}"
  done
  echo
}
added() {
  local mode=$1 col
  for col in "${COLUMNS_ORDER[@]}"; do
    [ "$col" = direct ] && continue
    R[$col,$mode.added]=$((R[$col,$mode.p50] - R[direct,$mode.p50]))
    R[$col,$mode.c1added]=$((R[$col,$mode.c1p50] - R[direct,$mode.c1p50]))
    R[$col,$mode.paced_added]=$((R[$col,$mode.paced_p50] - R[direct,$mode.paced_p50]))
  done
}
added plain
added stream

echo
printf '%-38s' ""
for col in "${COLUMNS_ORDER[@]}"; do printf '%14s' "$col"; done
echo
row "non-streaming requests/s" plain.rps
row "non-streaming p50 (us)" plain.p50
row "non-streaming p99 (us)" plain.p99
row "non-streaming added p50 (us)" plain.added
row "non-streaming CPU per request (us)" plain.cpu
row "non-streaming p50, 1 conn (us)" plain.c1p50
row "non-streaming added p50, 1 conn (us)" plain.c1added
row "non-streaming paced requests/s" plain.paced_rps
row "non-streaming paced p50 (us)" plain.paced_p50
row "non-streaming paced p99 (us)" plain.paced_p99
row "non-streaming paced added p50 (us)" plain.paced_added
row "non-streaming errors" plain.errors
row "streaming requests/s" stream.rps
row "streaming p50 (us)" stream.p50
row "streaming p99 (us)" stream.p99
row "streaming added p50 (us)" stream.added
row "streaming CPU per request (us)" stream.cpu
row "streaming p50, 1 conn (us)" stream.c1p50
row "streaming added p50, 1 conn (us)" stream.c1added
row "streaming paced p50 (us)" stream.paced_p50
row "streaming paced added p50 (us)" stream.paced_added
row "streaming errors" stream.errors
row "RSS idle after load (MB)" rss_idle
row "RSS with $OPEN_STREAMS open streams (MB)" rss_open
row "streams open upstream at the measure" opened
echo
echo "CPU per request is the process's utime+stime over the measured run divided by the"
echo "requests served (for direct: mock-llm's own cost). Targets (2 cores): gateway CPU <= 40 us"
echo "per non-streaming request, added p50 <= 100 us at $CONNECTIONS connections, RSS <= 60 MB"
echo "with 1,000 open streams. At $CONNECTIONS unpaced connections all processes share two"
echo "saturated cores and p50 is mostly queueing (about $CONNECTIONS / throughput); the paced"
echo "runs keep the same connections below saturation, so their added p50 is the proxy's own."
