-- wrk script: POST /v1/chat/completions with a virtual key, plain or streamed.
--
-- Environment: BENCH_KEY (the Bearer token), BENCH_MODEL (default mock-gpt), BENCH_STREAM
-- ("1" for "stream": true), BENCH_PACE_MS (when set, each connection waits about that many
-- milliseconds, jittered by +-50 %, before each request: an open load below saturation, whose
-- latencies are the service's own rather than queueing). When the run ends it prints one
-- machine-readable line:
--   BENCH requests=N duration_us=N p50_us=N p99_us=N errors=N non2xx=N

local key = os.getenv("BENCH_KEY") or "sk-bench"
local model = os.getenv("BENCH_MODEL") or "mock-gpt"
local stream = os.getenv("BENCH_STREAM") == "1"
local pace = tonumber(os.getenv("BENCH_PACE_MS") or "")

if pace and pace > 0 then
  delay = function()
    return math.random(math.floor(pace / 2), math.floor(pace * 3 / 2))
  end
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.body = string.format(
  '{"model":"%s","messages":[{"role":"system","content":"You are terse."},' ..
  '{"role":"user","content":"Say hello to the benchmark in one sentence."}],' ..
  '"max_tokens":64,"stream":%s}',
  model, stream and "true" or "false")

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d errors=%d non2xx=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
