#!/usr/bin/env bash
# Smoke test for mock-llm: starts it on port 0, hits every endpoint (plain and streaming) and a
# few faults with curl, checks the answers with python3. Exits non-zero on the first failure.
# Usage: tools/mock-llm/smoke.sh [path/to/mock-llm]
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${1:-${MOCK_LLM_BIN:-}}
if [[ -z $BIN ]]; then
  for c in "$ROOT"/build/tools/mock-llm/mock-llm "$ROOT"/build-*/tools/mock-llm/mock-llm; do
    [[ -x $c ]] && { BIN=$c; break; }
  done
fi
[[ -n $BIN && -x $BIN ]] || { echo "mock-llm binary not found (pass its path)" >&2; exit 2; }
TMP=$(mktemp -d)
"$BIN" --host 127.0.0.1 --port 0 --threads 2 --port-file "$TMP/port" >"$TMP/stdout" 2>"$TMP/stderr" &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do [[ -s $TMP/port ]] && break; sleep 0.05; done
PORT=$(cat "$TMP/port")
U=http://127.0.0.1:$PORT
PASSED=0

fail() { echo "FAIL: $1" >&2; echo "--- body:" >&2; head -c 2000 "$TMP/body" >&2; echo >&2; exit 1; }
ok() { PASSED=$((PASSED + 1)); echo "ok   $1"; }

# Python helpers available to every check: `body` (bytes), `js()` (parsed JSON body),
# `sse()` (list of (event, parsed data) pairs; '[DONE]' kept as a string), `frames()` (AWS
# event-stream frames as (headers, payload), CRCs verified).
read -r -d '' PYLIB <<'PY'
import sys, json, base64, struct, zlib
body = open(sys.argv[1], 'rb').read()
def js(): return json.loads(body)
def sse():
    out = []
    for block in body.decode().replace('\r\n', '\n').split('\n\n'):
        if not block.strip(): continue
        ev, data = None, None
        for line in block.split('\n'):
            if line.startswith('event: '): ev = line[7:]
            if line.startswith('data: '): data = line[6:]
        out.append((ev, data if data == '[DONE]' else json.loads(data)))
    return out
def frames():
    out, b = [], body
    while b:
        total, hlen, pcrc = struct.unpack('>III', b[:12])
        assert zlib.crc32(b[:8]) == pcrc, 'prelude crc'
        assert zlib.crc32(b[:total - 4]) == struct.unpack('>I', b[total - 4:total])[0], 'message crc'
        h, i, hb = {}, 0, b[12:12 + hlen]
        while i < len(hb):
            n = hb[i]; name = hb[i + 1:i + 1 + n].decode(); i += 1 + n
            assert hb[i] == 7; i += 1
            vl = struct.unpack('>H', hb[i:i + 2])[0]; h[name] = hb[i + 2:i + 2 + vl].decode(); i += 2 + vl
        out.append((h, json.loads(b[12 + hlen:total - 4])))
        b = b[total:]
    return out
REPLY = 'Hello from mock-llm, the deterministic fake provider.'
PY

# req NAME CHECK CURL_ARGS... : runs curl (body to $TMP/body, status in $STATUS), then CHECK.
req() {
  local name=$1 check=$2; shift 2
  STATUS=$(curl -s -N -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' "$@")
  CURL_RC=$?
  python3 -c "$PYLIB
status = $STATUS
curl_rc = $CURL_RC
headers = open('$TMP/headers').read().lower()
$check" "$TMP/body" || fail "$name"
  ok "$name"
}

OA=(-H 'authorization: Bearer sk-test' -H 'content-type: application/json')
AN=(-H 'x-api-key: sk-ant' -H 'anthropic-version: 2023-06-01' -H 'content-type: application/json')
GE=(-H 'x-goog-api-key: g-key' -H 'content-type: application/json')
BR=(-H 'authorization: AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc'
    -H 'x-amz-date: 20250101T000000Z' -H 'content-type: application/json')
TOOLS_OA='"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]'

grep -qx "mock-llm listening on 127.0.0.1:$PORT" "$TMP/stdout" || fail "listening line"
ok "listening line"

# ---- OpenAI
req "openai chat" "
r = js(); assert status == 200 and r['object'] == 'chat.completion' and r['model'] == 'gpt-x'
assert r['choices'][0]['message']['content'] == REPLY and r['choices'][0]['finish_reason'] == 'stop'
assert r['usage'] == {**r['usage'], 'prompt_tokens': 3, 'completion_tokens': 7, 'total_tokens': 10}" \
  "${OA[@]}" $U/v1/chat/completions -d '{"model":"gpt-x","messages":[{"role":"user","content":"hi there you"}]}'
req "openai chat stream + include_usage" "
ev = sse(); assert ev[-1][1] == '[DONE]'; chunks = [d for _, d in ev[:-1]]
assert all(c['object'] == 'chat.completion.chunk' for c in chunks)
assert ''.join(c['choices'][0]['delta'].get('content') or '' for c in chunks if c['choices']) == REPLY
assert sum(1 for c in chunks if c['choices'] and c['choices'][0]['delta'].get('content')) == 3
assert chunks[-1]['choices'] == [] and chunks[-1]['usage']['completion_tokens'] == 7
assert chunks[-2]['choices'][0]['finish_reason'] == 'stop'" \
  "${OA[@]}" $U/v1/chat/completions -H 'x-mock-chunks: 3' \
  -d '{"model":"gpt-x","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}'
req "openai tool call stream" "
chunks = [d for _, d in sse()[:-1]]
calls = [tc for c in chunks for tc in c['choices'][0]['delta'].get('tool_calls', [])]
assert calls[0]['function']['name'] == 'get_weather' and calls[0]['id'].startswith('call_')
args = [tc['function']['arguments'] for tc in calls[1:]]
assert len(args) >= 2 and json.loads(''.join(args)) == {'location': 'Paris'}
assert chunks[-1]['choices'][0]['finish_reason'] == 'tool_calls'" \
  "${OA[@]}" $U/v1/chat/completions -d "{\"model\":\"m\",\"stream\":true,$TOOLS_OA,\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]}"
req "openai tool result" "
m = js()['choices'][0]['message']; assert m['content'] == 'The tool said: sunny'" \
  "${OA[@]}" $U/v1/chat/completions -d "{\"model\":\"m\",$TOOLS_OA,\"messages\":[{\"role\":\"user\",\"content\":\"w\"},{\"role\":\"assistant\",\"tool_calls\":[]},{\"role\":\"tool\",\"tool_call_id\":\"c\",\"content\":\"sunny\"}]}"
req "openai completions" "
r = js(); assert r['object'] == 'text_completion' and r['choices'][0]['text'] == REPLY" \
  "${OA[@]}" $U/v1/completions -d '{"model":"m","prompt":"say hi"}'
req "openai completions stream" "
ev = sse(); assert ev[-1][1] == '[DONE]'
assert ''.join(d['choices'][0]['text'] for _, d in ev[:-1]) == REPLY" \
  "${OA[@]}" $U/v1/completions -d '{"model":"m","prompt":"say hi","stream":true}'
req "openai embeddings" "
r = js(); assert r['object'] == 'list' and len(r['data']) == 2 and len(r['data'][0]['embedding']) == 4
assert r['data'][0]['embedding'] != r['data'][1]['embedding'] and r['usage']['prompt_tokens'] == 3" \
  "${OA[@]}" $U/v1/embeddings -d '{"model":"e","input":["a b","c"],"dimensions":4}'
req "openai embeddings base64" "
v = struct.unpack('<8f', base64.b64decode(js()['data'][0]['embedding'])); assert abs(sum(x*x for x in v) - 1) < 1e-4" \
  "${OA[@]}" $U/v1/embeddings -d '{"model":"e","input":"a b","encoding_format":"base64"}'
req "openai models" "assert js()['object'] == 'list' and js()['data'][0]['object'] == 'model'" "${OA[@]}" $U/v1/models
req "openai 401 without key" "
assert status == 401 and js()['error']['code'] == 'invalid_api_key'" $U/v1/chat/completions -d '{}'

# ---- Azure OpenAI
AZ=$U/openai/deployments/my-gpt
req "azure chat" "
r = js(); assert status == 200 and r['model'] == 'my-gpt' and 'prompt_filter_results' in r" \
  -H 'api-key: az' "$AZ/chat/completions?api-version=2024-10-21" -d '{"messages":[{"role":"user","content":"hi"}]}'
req "azure stream starts with prompt-filter chunk" "
ev = sse(); assert ev[0][1]['choices'] == [] and 'prompt_filter_results' in ev[0][1] and ev[-1][1] == '[DONE]'" \
  -H 'api-key: az' "$AZ/chat/completions?api-version=2024-10-21" -d '{"stream":true,"messages":[{"role":"user","content":"hi"}]}'
req "azure embeddings" "assert len(js()['data'][0]['embedding']) == 8" \
  -H 'api-key: az' "$AZ/embeddings?api-version=2024-10-21" -d '{"input":"x"}'
req "azure 401 without api-key" "assert status == 401 and js()['error']['code'] == '401'" \
  "$AZ/chat/completions?api-version=2024-10-21" -d '{}'
req "azure 404 without api-version" "assert status == 404 and js()['error']['message'] == 'Resource not found'" \
  -H 'api-key: az' "$AZ/chat/completions" -d '{}'

# ---- Anthropic
req "anthropic message" "
r = js(); assert r['type'] == 'message' and r['content'] == [{'type': 'text', 'text': REPLY}]
assert r['stop_reason'] == 'end_turn' and r['usage']['input_tokens'] == 4 and r['model'] == 'claude-x'" \
  "${AN[@]}" $U/v1/messages -d '{"model":"claude-x","max_tokens":10,"system":"be brief","messages":[{"role":"user","content":"hi you"}]}'
req "anthropic stream event sequence" "
ev = sse(); names = [e for e, _ in ev]
assert names[:3] == ['message_start', 'content_block_start', 'ping'] and names[-3:] == ['content_block_stop', 'message_delta', 'message_stop']
assert all(e == d['type'] for e, d in ev)
assert ''.join(d['delta']['text'] for e, d in ev if e == 'content_block_delta') == REPLY
assert ev[-2][1]['delta']['stop_reason'] == 'end_turn' and ev[-2][1]['usage']['output_tokens'] == 7" \
  "${AN[@]}" $U/v1/messages -d '{"model":"claude-x","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"hi"}]}'
req "anthropic tool_use stream" "
ev = sse(); start = ev[1][1]['content_block']; assert start['type'] == 'tool_use' and start['name'] == 'get_weather'
parts = [d['delta']['partial_json'] for e, d in ev if e == 'content_block_delta']
assert json.loads(''.join(parts)) == {'location': 'Paris'} and ev[-2][1]['delta']['stop_reason'] == 'tool_use'" \
  "${AN[@]}" $U/v1/messages -d '{"model":"c","max_tokens":10,"stream":true,"tools":[{"name":"get_weather","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"w"}]}'
req "anthropic tool_result" "assert js()['content'][0]['text'] == 'The tool said: 18C'" \
  "${AN[@]}" $U/v1/messages -d '{"model":"c","max_tokens":10,"tools":[{"name":"get_weather"}],"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"18C"}]}]}]}'
req "anthropic models" "r = js(); assert r['data'][0]['type'] == 'model' and r['has_more'] is False and r['first_id']" \
  "${AN[@]}" $U/v1/models
req "anthropic 401 without x-api-key" "
r = js(); assert status == 401 and r['type'] == 'error' and r['error']['type'] == 'authentication_error'" \
  -H 'anthropic-version: 2023-06-01' $U/v1/messages -d '{}'

# ---- Gemini
GM=$U/v1beta/models/gemini-x
req "gemini generateContent" "
c = js()['candidates'][0]; assert c['content']['parts'][0]['text'] == REPLY and c['finishReason'] == 'STOP'
assert js()['usageMetadata']['promptTokenCount'] == 2" \
  "${GE[@]}" "$GM:generateContent" -d '{"contents":[{"role":"user","parts":[{"text":"hi there"}]}]}'
req "gemini streamGenerateContent sse" "
assert b'\r\n\r\n' in body; ev = sse()
assert ''.join(d['candidates'][0]['content']['parts'][0]['text'] for _, d in ev) == REPLY
assert ev[-1][1]['candidates'][0]['finishReason'] == 'STOP' and 'finishReason' not in ev[0][1]['candidates'][0]" \
  "${GE[@]}" "$GM:streamGenerateContent?alt=sse" -d '{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}'
req "gemini streamGenerateContent json array" "
arr = js(); assert isinstance(arr, list) and ''.join(d['candidates'][0]['content']['parts'][0]['text'] for d in arr) == REPLY" \
  "${GE[@]}" "$GM:streamGenerateContent" -d '{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}'
req "gemini functionCall (key in query)" "
c = js()['candidates'][0]; assert c['content']['parts'][0]['functionCall'] == {'name': 'get_weather', 'args': {'location': 'Paris'}}
assert c['finishReason'] == 'STOP'" \
  "$GM:generateContent?key=abc" -d '{"tools":[{"functionDeclarations":[{"name":"get_weather"}]}],"contents":[{"role":"user","parts":[{"text":"w"}]}]}'
req "gemini embedContent" "assert len(js()['embedding']['values']) == 16" \
  "${GE[@]}" "$U/v1beta/models/emb:embedContent" -d '{"content":{"parts":[{"text":"x"}]},"outputDimensionality":16}'
req "gemini batchEmbedContents" "assert len(js()['embeddings']) == 2" \
  "${GE[@]}" "$U/v1beta/models/emb:batchEmbedContents" -d '{"requests":[{"content":{"parts":[{"text":"x"}]}},{"content":{"parts":[{"text":"y"}]}}]}'
req "gemini models" "
m = js()['models']; assert m[0]['name'].startswith('models/') and 'generateContent' in m[0]['supportedGenerationMethods']" \
  "${GE[@]}" "$U/v1beta/models"
req "gemini 403 without key" "assert status == 403 and js()['error']['status'] == 'PERMISSION_DENIED'" \
  "$GM:generateContent" -d '{}'

# ---- Bedrock
BM=$U/model/anthropic.claude-3-haiku-20240307-v1%3A0
req "bedrock converse" "
r = js(); assert r['output']['message']['content'][0]['text'] == REPLY and r['stopReason'] == 'end_turn'
assert r['usage'] == {'inputTokens': 1, 'outputTokens': 7, 'totalTokens': 8}" \
  "${BR[@]}" "$BM/converse" -d '{"messages":[{"role":"user","content":[{"text":"hi"}]}]}'
req "bedrock converse-stream text" "
assert 'application/vnd.amazon.eventstream' in headers
f = frames(); types = [h[':event-type'] for h, _ in f]
assert all(h[':message-type'] == 'event' and h[':content-type'] == 'application/json' for h, _ in f)
assert types[0] == 'messageStart' and types[-3:] == ['contentBlockStop', 'messageStop', 'metadata']
assert ''.join(p['delta']['text'] for h, p in f if h[':event-type'] == 'contentBlockDelta') == REPLY
assert f[-1][1]['usage']['outputTokens'] == 7 and 'latencyMs' in f[-1][1]['metrics']" \
  "${BR[@]}" "$BM/converse-stream" -d '{"messages":[{"role":"user","content":[{"text":"hi"}]}]}'
req "bedrock converse-stream toolUse" "
f = frames(); start = [p for h, p in f if h[':event-type'] == 'contentBlockStart'][0]
assert start['start']['toolUse']['name'] == 'get_weather'
args = ''.join(p['delta']['toolUse']['input'] for h, p in f if h[':event-type'] == 'contentBlockDelta')
assert json.loads(args) == {'location': 'Paris'} and f[-2][1]['stopReason'] == 'tool_use'" \
  "${BR[@]}" "$BM/converse-stream" -d '{"toolConfig":{"tools":[{"toolSpec":{"name":"get_weather","inputSchema":{"json":{}}}}]},"messages":[{"role":"user","content":[{"text":"w"}]}]}'
req "bedrock 403 without sigv4" "assert status == 403 and 'missingauthenticationtoken' in headers" \
  "$BM/converse" -d '{}'

# ---- Behaviour controls
req "x-mock-status 429 + retry-after (openai shape)" "
assert status == 429 and 'retry-after: 7' in headers and js()['error']['code'] == 'rate_limit_exceeded'" \
  "${OA[@]}" -H 'x-mock-status: 429' -H 'x-mock-retry-after: 7' $U/v1/chat/completions -d '{"model":"m","messages":[]}'
req "model suffix status=529 (anthropic shape)" "
assert status == 529 and js()['error']['type'] == 'overloaded_error'" \
  "${AN[@]}" $U/v1/messages -d '{"model":"claude@status=529","messages":[{"role":"user","content":"x"}]}'
req "model suffix reply/chunks, model echoed without suffix" "
ev = sse(); assert ev[1][1]['model'] == 'mock-gpt'
assert [d['choices'][0]['delta']['content'] for _, d in ev[1:3]] == ['one', ' two three']" \
  "${OA[@]}" $U/v1/chat/completions -d '{"model":"mock-gpt@chunks=2,reply=one two three","stream":true,"messages":[]}'
for expect in 503 503 200; do
  req "fail-times scenario -> $expect" "assert status == $expect" \
    "${GE[@]}" -H 'x-mock-scenario: smoke-retry' -H 'x-mock-fail-times: 2' -H 'x-mock-status: 503' \
    "$GM:generateContent" -d '{"contents":[]}'
done
req "fault malformed-json" "
try: js(); raise SystemExit('body parsed')
except ValueError: pass" \
  "${OA[@]}" -H 'x-mock-fault: malformed-json' $U/v1/chat/completions -d '{"model":"m","messages":[]}'
req "fault reset-mid-stream" "assert curl_rc != 0 and b'data: ' in body and b'[DONE]' not in body" \
  "${OA[@]}" -H 'x-mock-fault: reset-mid-stream' -H 'x-mock-chunks: 8' $U/v1/chat/completions -d '{"model":"m","stream":true,"messages":[]}'
req "fault close-before-headers" "assert curl_rc == 52 and status == 0" \
  "${OA[@]}" $U/v1/chat/completions -d '{"model":"m@fault=close-before-headers","messages":[]}'
req "fault slow-trickle" "assert js()['choices'][0]['message']['content'] == REPLY" \
  "${OA[@]}" -H 'x-mock-fault: slow-trickle' -H 'x-mock-chunk-delay-ms: 1' $U/v1/chat/completions -d '{"model":"m","messages":[]}'
T0=$(date +%s%N)
req "latency" "assert status == 200" "${OA[@]}" -H 'x-mock-latency-ms: 300' $U/v1/models
(( ($(date +%s%N) - T0) / 1000000 >= 300 )) || fail "latency took too little"
curl -s -X DELETE $U/_mock/requests >/dev/null
req "fault stall (client gives up)" "assert curl_rc == 28 and b'message_start' in body" \
  --max-time 0.5 "${AN[@]}" $U/v1/messages -d '{"model":"c@fault=stall","stream":true,"messages":[]}'
for _ in $(seq 40); do
  curl -s $U/_mock/stats | grep -q '"client_disconnects":1' && break; sleep 0.025
done
req "stall disconnect detected promptly" "
s = js(); assert s['client_disconnects'] == 1 and s['active_streams'] == 0 and s['requests'] == 1" $U/_mock/stats

# ---- Recording
req "recording" "
d = js()['data']; assert len(d) == 1 and d[0]['target'] == '/v1/messages' and d[0]['method'] == 'POST'
assert d[0]['headers']['x-api-key'] == 'sk-ant' and d[0]['streaming'] and d[0]['client_disconnected']
assert json.loads(d[0]['body'])['model'] == 'c@fault=stall'" $U/_mock/requests
curl -s "${BR[@]}" "$BM/converse" -d '{"messages":[]}' >/dev/null
req "recording keeps sigv4 headers" "
h = js()['data'][-1]['headers']; assert h['authorization'].startswith('AWS4-HMAC-SHA256 Credential=') and h['x-amz-date']" \
  $U/_mock/requests
curl -s -X DELETE $U/_mock/requests >/dev/null
req "clear" "assert js() == {'data': []}" $U/_mock/requests

kill -TERM $PID
for _ in $(seq 40); do kill -0 $PID 2>/dev/null || break; sleep 0.05; done
kill -0 $PID 2>/dev/null && fail "did not exit on SIGTERM"
wait $PID; RC=$?
[[ $RC == 0 ]] || fail "exit code $RC on SIGTERM"
ok "SIGTERM exit"
echo "all $PASSED checks passed"
