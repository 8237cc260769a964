#include "dataplane/proxy.hpp"

#include <boost/beast/core/string.hpp>
#include <memory>
#include <unordered_map>

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "dataplane/agent_forward.hpp"
#include "dataplane/snapshot.hpp"
#include "governance/key_guard.hpp"
#include "governance/pricing.hpp"
#include "http/client/client_set.hpp"
#include "http/errors.hpp"
#include "http/server.hpp"
#include "http/sse/sse_parser.hpp"
#include "observe/gateway_metrics.hpp"
#include "observe/usage_log_writer.hpp"
#include "providers/adapter_util.hpp"
#include "providers/anthropic/ingress.hpp"
#include "providers/registry.hpp"
#include "routing/compiler.hpp"

namespace gw::dataplane {
namespace {

/// The arena a client's body is parsed into, with its first block inside: a small body's DOM
/// costs this one allocation, under glibc's 1 KiB per-thread cache limit (a separate 1 KiB
/// block, as monotonic_resource starts with, takes malloc's slow path every request).
class BodyArena final : public json::memory_resource {
public:
  BodyArena() : arena_(first_, sizeof first_) {}

private:
  void* do_allocate(std::size_t n, std::size_t align) override {
    return arena_.allocate(n, align);
  }
  void do_deallocate(void*, std::size_t, std::size_t) override {}
  bool do_is_equal(const json::memory_resource& other) const noexcept override {
    return this == &other;
  }

  alignas(16) unsigned char first_[832];
  json::monotonic_resource arena_;  // after first_, which it allocates from
};

}  // namespace
}  // namespace gw::dataplane

/// Like monotonic_resource's: values made in the arena never free one by one.
template <>
struct boost::json::is_deallocate_trivial<gw::dataplane::BodyArena> : std::true_type {};

namespace gw::dataplane {

using providers::Operation;
using Clock = std::chrono::steady_clock;

namespace {

/// Status logged when the client went away before the answer was complete (nginx's 499).
constexpr int kClientClosedStatus = 499;

/// The virtual key from `Authorization: Bearer`, `x-api-key` or `api-key`.
std::string_view presentedKey(const http::RequestContext& rc) {
  const std::string_view authz = rc.header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (authz.size() > kBearer.size() &&
      boost::beast::iequals(authz.substr(0, kBearer.size()), kBearer)) {
    return authz.substr(kBearer.size());
  }
  if (auto k = rc.header("x-api-key"); !k.empty()) {
    return k;
  }
  return rc.header("api-key");
}

/// Heterogeneous hash and equality for string-keyed maps looked up by string_view.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

/// Keys' SHA-256 (hex) remembered per event-loop thread: clients present the same few keys on
/// every request, and hashing one costs more than the rest of the key check. Bounded: the
/// cache starts over when full (a flood of wrong keys only costs the hashing again).
constexpr std::size_t kMaxCachedKeyHashes = 4096;

/// The hash the snapshot indexes `presented` by. Valid until the next call on this thread.
const std::string& presentedKeyHash(std::string_view presented) {
  thread_local std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> cache;
  if (const auto it = cache.find(presented); it != cache.end()) {
    return it->second;
  }
  if (cache.size() >= kMaxCachedKeyHashes) {
    cache.clear();
  }
  return cache.emplace(std::string(presented), crypto::sha256Hex(presented)).first->second;
}

std::int64_t millisSince(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

/// Checks the fields every operation needs; names the bad one.
Result<void> validateBody(const json::object& body, Operation op) {
  const auto* model = body.if_contains("model");
  if (!model || !model->is_string() || model->get_string().empty()) {
    return Error::invalid("`model` is required and must be a non-empty string", "model");
  }
  if (const auto* s = body.if_contains("stream"); s && !s->is_bool() && !s->is_null()) {
    return Error::invalid("`stream` must be a boolean", "stream");
  }
  switch (op) {
    case Operation::ChatCompletions: {
      const auto* m = body.if_contains("messages");
      if (!m || !m->is_array() || m->get_array().empty()) {
        return Error::invalid("`messages` is required and must be a non-empty array",
                              "messages");
      }
      for (std::size_t i = 0; i < m->get_array().size(); ++i) {
        const auto& msg = m->get_array()[i];
        if (!msg.is_object() || !getString(msg.get_object(), "role")) {
          return Error::invalid("each message must be an object with a string `role`",
                                "messages[" + std::to_string(i) + "]");
        }
      }
      break;
    }
    case Operation::Completions:
      if (!body.contains("prompt")) {
        return Error::invalid("`prompt` is required", "prompt");
      }
      break;
    case Operation::Embeddings:
      if (!body.contains("input")) {
        return Error::invalid("`input` is required", "input");
      }
      break;
    case Operation::Messages: {
      const auto* m = body.if_contains("messages");
      if (!m || !m->is_array()) {
        return Error::invalid("`messages` is required and must be an array", "messages");
      }
      break;
    }
    case Operation::ListModels:
      break;
  }
  return {};
}

/// The public model's upstream id on `provider`, or `name` itself when the provider has no
/// model of that public name (then it is taken as an upstream id).
std::string upstreamModelFor(const Snapshot& snap, std::int64_t provider_id,
                             const std::string& name) {
  if (auto it = snap.models.find(name); it != snap.models.end()) {
    for (const auto& e : it->second) {
      if (e.provider && e.provider->id == provider_id) {
        return e.model_id;
      }
    }
  }
  return name;
}

/// One proxied request from start to end.
class ProxyCall {
public:
  ProxyCall(Dataplane& dp, http::RequestContext& rc, Operation op, Ingress ingress)
      : dp_(dp), deps_(dp.deps()), rc_(rc), op_(op), ingress_(ingress),
        snap_(deps_.snapshots.current()), started_(Clock::now()) {}

  net::awaitable<void> run();

private:
  /// What one attempt sends, and through which adapter.
  struct Attempt {
    const providers::Adapter* adapter;
    Operation op;
    providers::UpstreamRequest request;
  };

  Result<routing::RouteNodePtr> prepare();
  Result<Attempt> buildAttempt(const routing::ResolvedTarget& target,
                               const routing::AttemptInfo& info);
  routing::RouteContext routeContext();
  Result<routing::RouteNodePtr> resolveRoute();
  net::awaitable<Result<void>> attempt(const routing::ResolvedTarget& target,
                                       const routing::AttemptInfo& info);
  net::awaitable<Result<void>> attemptPlain(const providers::Adapter& adapter, Operation op,
                                            const providers::UpstreamRequest& req,
                                            const providers::ProviderConfig& provider,
                                            Clock::time_point deadline);
  net::awaitable<Result<void>> attemptStream(const providers::Adapter& adapter, Operation op,
                                             providers::UpstreamRequest& req,
                                             const providers::ProviderConfig& provider,
                                             Clock::time_point deadline);
  net::awaitable<void> sendError(const Error& error);
  net::awaitable<bool> writeStreamPiece(const std::string& text);
  std::string encodeChunks(std::vector<json::object>& chunks);
  std::string streamErrorEvent(const Error& error);
  void setAnswerHeaders(const providers::ProviderConfig& provider, const std::string& model,
                        int attempt, const std::string& path);
  void settle();
  void account(int status, const std::string& error);
  Result<void> parseBody();
  void releaseRequestBodies();

  Dataplane& dp_;
  DataplaneDeps& deps_;
  http::RequestContext& rc_;
  Operation op_;
  Ingress ingress_;
  SnapshotPtr snap_;
  Clock::time_point started_;
  const KeyEntry* key_ = nullptr;
  json::object body_;                  ///< the client's body, in its own format
  json::object chat_body_;             ///< OpenAI-format body, for Anthropic ingress only
  json::object* chat_ = &body_;        ///< OpenAI-format body: body_ or chat_body_
  std::string model_;                  ///< public model the client asked for
  bool stream_ = false;
  bool include_usage_ = false;
  std::optional<governance::Admission> admission_;
  providers::Usage usage_;
  double cost_usd_ = 0;
  bool settled_ = false;
  std::shared_ptr<const providers::ProviderConfig> answered_by_;
  std::string upstream_model_;
  std::string route_path_;
  int attempts_ = 0;
  bool client_gone_ = false;
  bool forwarded_in_ = false;  ///< agent mode: forwarded by the control plane (not uploaded)
  bool streaming_ = false;
  std::optional<std::int64_t> ttfb_ms_;
  Clock::duration upstream_time_{0};
  std::unique_ptr<providers::anthropic::MessagesStreamEncoder> encoder_;
};

/// Steps 1-3 of a call, which never wait: the key, the body, the limits and the route. Apart
/// from run() so that their locals live on the stack, not in run()'s coroutine frame (GCC
/// keeps every local of a coroutine in its frame, and a frame over 1 KiB is a slow malloc).
Result<routing::RouteNodePtr> ProxyCall::prepare() {
  forwarded_in_ = isForwardedRequest(deps_.forwarding, rc_);  // agent mode: logged upstream
  // 1. The key.
  const std::string_view presented = presentedKey(rc_);
  if (presented.empty()) {
    return Error(ErrorCode::Unauthorized,
                 "missing API key: send it as Authorization: Bearer <key>");
  }
  auto kit = snap_->keys.find(presentedKeyHash(presented));
  if (kit == snap_->keys.end()) {
    return Error(ErrorCode::Unauthorized, "invalid API key");
  }
  key_ = &kit->second;

  // 2. The body, parsed once, into an arena of its own: its nodes cost no allocation each, and
  // the arena goes when the last value made from it does.
  if (auto parsed = parseBody(); !parsed) {
    return parsed.error();
  }
  if (auto v = validateBody(body_, op_); !v) {
    return v.error();
  }
  model_ = std::string(body_.at("model").get_string());
  stream_ = getBool(body_, "stream").value_or(false);
  if (const auto* so = getObject(body_, "stream_options")) {
    include_usage_ = getBool(*so, "include_usage").value_or(false);
  }
  if (ingress_ == Ingress::Anthropic) {
    auto chat = providers::anthropic::messagesToChatRequest(body_);
    if (!chat) {
      return chat.error();
    }
    chat_body_ = std::move(*chat);
    chat_ = &chat_body_;
  }

  // 3. Limits, then the route.
  governance::AdmitRequest admit;
  admit.key_id = key_->id;
  // Only an address allow-list reads the client's address, and only a tokens-per-minute
  // limit the token estimate: neither is computed for keys without them.
  const std::string ip =
      key_->limits.allowed_ips.empty() ? std::string() : rc_.remoteAddress().to_string();
  admit.client_ip = ip;
  admit.model = model_;
  if (key_->limits.tpm_limit) {
    admit.estimated_tokens = governance::estimateTokens(body_);
  }
  auto admission = deps_.guard.admit(key_->limits, admit);
  if (!admission) {
    return admission.error();
  }
  admission_.emplace(std::move(*admission));
  auto route = resolveRoute();
  if (!route) {
    return route.error();
  }
  // Agents whose rules take the request go first, this node last (docs/agents.md).
  return routeWithAgents(deps_.forwarding, *snap_, *route, rc_, model_, presented);
}

/// The routing context of step 4: metadata headers, the body for conditions, the deadline.
routing::RouteContext ProxyCall::routeContext() {
  routing::RouteContext ctx;
  providers::Headers meta_headers;
  for (const char* name : {"x-gateway-metadata", "x-portkey-metadata"}) {
    if (auto v = rc_.header(name); !v.empty()) {
      meta_headers.emplace_back(name, std::string(v));
    }
  }
  ctx.metadata = routing::metadataFromHeaders(meta_headers);
  ctx.params = chat_;
  ctx.path = std::string(rc_.path());
  ctx.deadline = started_ + deps_.options.request_deadline;
  ctx.response_started = [this] { return rc_.responseStarted() || client_gone_; };
  return ctx;
}

net::awaitable<void> ProxyCall::run() {
  const auto root = prepare();
  if (!root) {
    co_await sendError(root.error());
    co_return;
  }
  // 4. Route: the executor picks targets and calls attempt() for each try.
  routing::RouteContext ctx = routeContext();
  auto outcome = co_await dp_.loopState().executor.execute(
      **root, ctx,
      [this](const routing::ResolvedTarget& t, const routing::AttemptInfo& i) {
        markAnsweringAgent(rc_, *t.provider);
        return attempt(t, i);
      });
  attempts_ = outcome.attempts;
  if (route_path_.empty()) {
    route_path_ = outcome.last_path;
  }
  if (!outcome.result) {
    if (client_gone_) {
      account(kClientClosedStatus, "client disconnected");
      co_return;
    }
    if (!rc_.responded()) {
      rc_.addHeader("x-gateway-attempts", std::to_string(outcome.attempts));
      if (!outcome.last_path.empty()) {
        rc_.addHeader("x-gateway-route-path", outcome.last_path);
      }
      co_await sendError(outcome.result.error());
    } else {
      account(rc_.status(), outcome.result.error().message);
    }
    co_return;
  }
  account(client_gone_ ? kClientClosedStatus : static_cast<int>(rc_.status()),
          client_gone_ ? "client disconnected" : "");
}

Result<routing::RouteNodePtr> ProxyCall::resolveRoute() {
  // An inline config in a header, when the key allows it.
  std::string_view inline_config = rc_.header("x-gateway-config");
  if (inline_config.empty()) {
    inline_config = rc_.header("x-portkey-config");
  }
  if (!inline_config.empty()) {
    if (!key_->allow_config_header) {
      return Error(ErrorCode::Forbidden, "this key may not send routing configs in headers");
    }
    auto cfg = parseJson(inline_config);
    if (!cfg) {
      return Error::invalid("x-gateway-config: " + cfg.error().message, "x-gateway-config");
    }
    auto compiled = routing::compileConfig(*cfg, makeDirectory(*snap_, {}));
    if (!compiled.ok()) {
      return Error::invalid("x-gateway-config: " + compiled.errors.front().toString(),
                            compiled.errors.front().path);
    }
    return compiled.root;
  }
  if (key_->routing_config_id) {
    auto it = snap_->routes.find(*key_->routing_config_id);
    if (it == snap_->routes.end()) {
      return Error(ErrorCode::NoAvailableTarget,
                   "the routing config bound to this key is disabled or invalid");
    }
    return it->second.root;
  }
  if (auto vm = snap_->virtual_models.find(model_); vm != snap_->virtual_models.end()) {
    if (auto it = snap_->routes.find(vm->second); it != snap_->routes.end()) {
      return it->second.root;
    }
  }
  auto it = snap_->models.find(model_);
  if (it == snap_->models.end()) {
    Error e = Error::notFound("The model `" + model_ + "` does not exist or is not enabled");
    e.param = "model";
    return e;
  }
  for (const auto& entry : it->second) {
    if (key_->provider_id && entry.provider->id != *key_->provider_id) {
      continue;
    }
    return entry.route;
  }
  Error e = Error::notFound("The model `" + model_ + "` is not offered by this key's provider");
  e.param = "model";
  return e;
}

void ProxyCall::setAnswerHeaders(const providers::ProviderConfig& provider,
                                 const std::string& model, int attempt,
                                 const std::string& path) {
  rc_.addHeader("x-gateway-provider", provider.name);
  rc_.addHeader("x-gateway-model", model);
  rc_.addHeader("x-gateway-attempts", std::to_string(attempt));
  rc_.addHeader("x-gateway-route-path", path);
}

/// The upstream request of one attempt at `target`, its adapter and operation; apart from
/// attempt() so that its locals stay out of that coroutine's frame (see prepare()).
Result<ProxyCall::Attempt> ProxyCall::buildAttempt(const routing::ResolvedTarget& target,
                                                    const routing::AttemptInfo& info) {
  const auto& provider = *target.provider;
  const providers::Adapter* adapter = providers::adapterFor(provider.family);
  if (!adapter) {
    return Error(ErrorCode::Internal, "no adapter for family " + provider.family);
  }
  // The Anthropic wire format goes through untouched to an Anthropic target.
  const bool passthrough = ingress_ == Ingress::Anthropic && provider.family == "anthropic";
  const Operation op = passthrough ? Operation::Messages
                       : op_ == Operation::Messages ? Operation::ChatCompletions
                                                    : op_;
  // The request body is the client's, with the target's parameters and the upstream model
  // id. Without other parameters than the model the client's object is used in place (its
  // model restored once the request is built: conditions of later attempts read it); a
  // target that overrides more gets its own copy.
  json::object& source = passthrough ? body_ : *chat_;
  std::string model = model_;
  json::object scratch;
  json::object* body = &source;
  for (const auto& [k, v] : target.override_params) {
    if (k == "model" && v.is_string()) {
      model = std::string(v.get_string());
    } else {
      if (body == &source) {
        scratch = source;
        body = &scratch;
      }
      scratch[k] = v;
    }
  }
  upstream_model_ = upstreamModelFor(*snap_, provider.id, model);

  providers::RequestOptions options;
  options.stream = stream_;
  // Anthropic ingress always needs usage for its message_delta event.
  options.include_usage = include_usage_ || ingress_ == Ingress::Anthropic;
  options.public_model = model_;
  options.unix_time = unixSeconds(deps_.clock.now());
  if (body == &body_ && upstream_model_ == model_) {
    // Sent as the client wrote it: the body is the client's own parse, and unchanged.
    options.source_text = rc_.body();
  }
  Result<providers::UpstreamRequest> req = Error::internal("no request built");
  {
    // Scoped: even moved from, a json::value keeps its storage, and with it the body's arena,
    // which releaseRequestBodies() must be able to free while a long stream goes on.
    json::value client_model = std::exchange((*body)["model"], json::value(upstream_model_));
    req = adapter->buildRequest(op, *body, provider, options);
    (*body)["model"] = std::move(client_model);
  }
  if (!req) {
    return req.error();
  }
  answered_by_ = target.provider;
  route_path_ = target.path;
  attempts_ = info.attempt;
  setAnswerHeaders(provider, upstream_model_, info.attempt, target.path);
  return Attempt{adapter, op, std::move(*req)};
}

net::awaitable<Result<void>> ProxyCall::attempt(const routing::ResolvedTarget& target,
                                                const routing::AttemptInfo& info) {
  auto built = buildAttempt(target, info);
  if (!built) {
    co_return built.error();
  }
  const auto& provider = *target.provider;
  // Not `stream_ ? co_await a : co_await b`: GCC 12 destroys the result of a co_await in a
  // conditional expression twice (a double free as soon as an attempt fails).
  Result<void> r;
  if (stream_) {
    r = co_await attemptStream(*built->adapter, built->op, built->request, provider,
                               info.deadline);
  } else {
    r = co_await attemptPlain(*built->adapter, built->op, built->request, provider,
                              info.deadline);
  }
  if (!r && !client_gone_) {
    deps_.metrics.recordUpstreamError(provider.name, errorCodeName(r.error().code));
  }
  co_return r;
}

net::awaitable<Result<void>> ProxyCall::attemptPlain(const providers::Adapter& adapter,
                                                     Operation op,
                                                     const providers::UpstreamRequest& req,
                                                     const providers::ProviderConfig& provider,
                                                     Clock::time_point deadline) {
  auto& client = deps_.clients.current();
  const auto t0 = Clock::now();
  http::ClientWatch watch(rc_);  // a disconnect cuts the call (and the answer) short
  auto sent = co_await client.send(req, http::Deadline{deadline});
  upstream_time_ += Clock::now() - t0;
  if (rc_.clientLeft()) {
    client_gone_ = true;
    co_return Error(ErrorCode::InvalidRequest, "client disconnected");
  }
  if (!sent) {
    co_return providers::redactCredentials(sent.error(), provider);
  }
  const auto& resp = sent.value();
  if (resp.status < 200 || resp.status >= 300) {
    co_return providers::redactCredentials(adapter.mapError(resp), provider);
  }
  providers::RequestOptions options;
  options.public_model = model_;
  options.unix_time = unixSeconds(deps_.clock.now());
  options.passthrough_ok = ingress_ == Ingress::OpenAi;
  auto parsed = adapter.parseResponse(op, resp, options);
  if (!parsed) {
    co_return providers::redactCredentials(parsed.error(), provider);
  }
  usage_ = parsed->usage;
  std::string answer;
  if (parsed->passthrough) {
    answer = std::move(sent.value().body);  // already the client's format: sent as it came
  } else {
    if (op == Operation::Embeddings) {
      // Float-only providers (Gemini) still owe the SDKs their default base64 encoding.
      providers::applyEmbeddingEncoding(body_, parsed->body);
    }
    if (ingress_ == Ingress::Anthropic && op != Operation::Messages) {
      answer = json::serialize(providers::anthropic::chatResponseToMessages(parsed->body));
    } else {
      answer = json::serialize(parsed->body);
    }
  }
  ttfb_ms_ = millisSince(started_);
  settle();
  co_await rc_.send(200, std::move(answer), "application/json");
  if (rc_.clientGone()) {
    client_gone_ = true;
  }
  co_return Result<void>{};
}

std::string ProxyCall::encodeChunks(std::vector<json::object>& chunks) {
  std::string out;
  for (auto& c : chunks) {
    if (ingress_ == Ingress::OpenAi) {
      out += http::sse::formatSseData(json::serialize(c));
    } else if (op_ == Operation::Messages && answered_by_ && answered_by_->family == "anthropic") {
      // Passthrough: the translator hands Anthropic events back unchanged.
      const auto type = getStringView(c, "type").value_or("message");
      out += http::sse::formatSseEvent(type, json::serialize(c));
    } else {
      for (auto& [name, data] : encoder_->onChunk(c)) {
        out += http::sse::formatSseEvent(name, json::serialize(data));
      }
    }
  }
  chunks.clear();
  return out;
}

std::string ProxyCall::streamErrorEvent(const Error& error) {
  if (ingress_ == Ingress::Anthropic) {
    return http::sse::formatSseEvent("error",
                                     json::serialize(providers::anthropic::anthropicError(error)));
  }
  return http::sse::formatSseData(json::serialize(http::openAiErrorBody(error)));
}

net::awaitable<bool> ProxyCall::writeStreamPiece(const std::string& text) {
  if (text.empty()) {
    co_return true;
  }
  if (!streaming_) {
    streaming_ = true;
    ttfb_ms_ = millisSince(started_);
    releaseRequestBodies();
    const bool begun = co_await rc_.beginStream(200, "text/event-stream");
    if (!begun) {
      client_gone_ = true;
      co_return false;
    }
  }
  const bool written = co_await rc_.writeChunk(text);
  if (!written) {
    client_gone_ = true;
    co_return false;
  }
  co_return true;
}

net::awaitable<Result<void>> ProxyCall::attemptStream(const providers::Adapter& adapter,
                                                      Operation op,
                                                      providers::UpstreamRequest& req,
                                                      const providers::ProviderConfig& provider,
                                                      Clock::time_point deadline) {
  auto& client = deps_.clients.current();
  const auto first_byte =
      std::min(deadline, Clock::now() + deps_.options.first_byte_timeout);
  auto t0 = Clock::now();
  http::ClientWatch watch(rc_);  // a disconnect cuts the upstream reads and our writes short
  auto opened = co_await client.openStream(req, http::Deadline{first_byte});
  upstream_time_ += Clock::now() - t0;
  if (rc_.clientLeft()) {
    client_gone_ = true;
    co_return Error(ErrorCode::InvalidRequest, "client disconnected");
  }
  if (!opened) {
    co_return providers::redactCredentials(opened.error(), provider);
  }
  std::string().swap(req.body);  // sent: a long stream need not hold it
  http::StreamResponse sr = std::move(opened.value());
  if (sr.status() < 200 || sr.status() >= 300) {
    providers::UpstreamResponse err;
    err.status = sr.status();
    err.headers = sr.headers();
    auto body = co_await sr.readAll(http::Deadline{first_byte});
    err.body = body ? std::move(*body) : std::string();
    co_return providers::redactCredentials(adapter.mapError(err), provider);
  }
  providers::RequestOptions options;
  options.stream = true;
  options.include_usage = include_usage_ || ingress_ == Ingress::Anthropic;
  options.public_model = model_;
  options.unix_time = unixSeconds(deps_.clock.now());
  options.passthrough_ok = ingress_ == Ingress::OpenAi;  // OpenAI events may go out as they came
  auto translator = adapter.newStreamTranslator(op, options);
  if (ingress_ == Ingress::Anthropic && op != Operation::Messages) {
    encoder_ = std::make_unique<providers::anthropic::MessagesStreamEncoder>(model_);
  }
  const http::Deadline total{started_ + deps_.options.request_deadline};
  std::vector<json::object> chunks;
  for (;;) {
    // A client that went away ends the stream now: returning drops the upstream connection.
    // The watch cuts each upstream read short; failed writes see it too.
    if (rc_.clientLeft()) {
      client_gone_ = true;
      co_return Error(ErrorCode::InvalidRequest, "client disconnected");
    }
    t0 = Clock::now();
    auto piece = co_await sr.next(deps_.options.idle_timeout, total);
    upstream_time_ += Clock::now() - t0;
    if (rc_.clientLeft()) {
      client_gone_ = true;
      co_return Error(ErrorCode::InvalidRequest, "client disconnected");
    }
    if (!piece) {
      // The upstream failed mid-stream. Before any byte reached the client this attempt may
      // still be retried; afterwards the client gets an error event and the stream ends.
      Error e = providers::redactCredentials(piece.error(), provider);
      if (!streaming_) {
        co_return e;
      }
      usage_ = translator->usage();
      settle();
      co_await writeStreamPiece(streamErrorEvent(e));
      co_await rc_.endStream();
      co_return e;
    }
    const std::string_view bytes = piece.value();
    const bool end = bytes.empty();
    auto fed = end ? translator->onEnd(chunks) : translator->onData(bytes, chunks);
    if (!fed) {
      Error e = providers::redactCredentials(fed.error(), provider);
      GW_LOG_WARN("upstream stream failed{}{}{}", log::kv("request_id", rc_.requestId()),
                  log::kv("provider", provider.name), log::kv("error", e.message));
      if (!streaming_) {
        co_return e;
      }
      usage_ = translator->usage();
      settle();
      co_await writeStreamPiece(encodeChunks(chunks) + translator->takeText() +
                                streamErrorEvent(e));
      co_await rc_.endStream();
      co_return e;
    }
    std::string out = encodeChunks(chunks) + translator->takeText();
    if (end) {
      if (encoder_) {
        for (auto& [name, data] : encoder_->finish()) {
          out += http::sse::formatSseEvent(name, json::serialize(data));
        }
      }
      if (ingress_ == Ingress::OpenAi) {
        out += "data: [DONE]\n\n";
      }
      usage_ = translator->usage();
      settle();
      const bool written = co_await writeStreamPiece(out);
      if (!written) {
        co_return Error(ErrorCode::InvalidRequest, "client disconnected");
      }
      co_await rc_.endStream();
      co_return Result<void>{};
    }
    const bool written = co_await writeStreamPiece(out);
    if (!written) {
      co_return Error(ErrorCode::InvalidRequest, "client disconnected");
    }
  }
}

net::awaitable<void> ProxyCall::sendError(const Error& error) {
  const unsigned status = httpStatus(error);
  if (error.retry_after_seconds) {
    rc_.addHeader("retry-after", std::to_string(*error.retry_after_seconds));
  }
  const json::object body = ingress_ == Ingress::Anthropic
                                ? providers::anthropic::anthropicError(error)
                                : http::openAiErrorBody(error);
  settle();
  co_await rc_.sendJson(status, body);
  account(static_cast<int>(status), error.message);
}

/// Parses the client's body into body_, in an arena of its own.
Result<void> ProxyCall::parseBody() {
  auto parsed =
      parseJsonObject(rc_.body(), json::make_shared_resource<BodyArena>());
  if (!parsed) {
    return parsed.error();
  }
  // A json::object keeps the storage it was made with (assignment copies into it), so body_ is
  // made anew from the parsed object, taking over its arena. `parsed`, moved from but still
  // holding the arena, goes with this function.
  std::destroy_at(&body_);
  std::construct_at(&body_, std::move(*parsed));
  return {};
}

/// Once the first byte is out no retry or condition needs the request again: a stream that
/// lasts minutes should not hold the client's body (often a whole conversation) meanwhile,
/// as text and as a DOM. The text stays when prompts are logged.
void ProxyCall::releaseRequestBodies() {
  // Destroyed and made anew rather than assigned: assignment would keep the arena (above).
  std::destroy_at(&body_);
  std::construct_at(&body_);
  chat_body_ = json::object();
  if (!deps_.log_prompts.load(std::memory_order_relaxed)) {
    std::string().swap(rc_.mutableRequest().body());
  }
}

/// Charges the call's real usage and cost to its key (TPM reconciliation, budget) and frees
/// the key's concurrency slot. Called before the answer's last byte is written, so that a
/// client which waits for its answer before the next request finds its key up to date (no
/// spurious 429 from its own finished request, no request past a spent budget). Idempotent.
void ProxyCall::settle() {
  if (settled_) {
    return;
  }
  settled_ = true;
  if (answered_by_ && usage_.known) {
    governance::ModelPrices prices;
    if (auto it = snap_->by_upstream.find(upstreamKey(answered_by_->id, upstream_model_));
        it != snap_->by_upstream.end()) {
      prices = governance::ModelPrices{it->second.input_price, it->second.output_price,
                                       it->second.cached_input_price};
    }
    cost_usd_ = governance::computeCost(
        governance::TokenUsage{usage_.prompt_tokens, usage_.completion_tokens,
                               usage_.cached_tokens},
        prices);
  }
  if (admission_) {
    deps_.guard.settle(*admission_,
                       governance::TokenUsage{usage_.prompt_tokens, usage_.completion_tokens,
                                              usage_.cached_tokens},
                       cost_usd_);
  }
}

void ProxyCall::account(int status, const std::string& error) {
  settle();  // when no answer was written (client gone)
  observe::UsageRecord rec;
  rec.time = deps_.clock.now();
  rec.request_id = rc_.requestId();
  if (key_) {
    rec.key_id = key_->id;
    rec.key_name = key_->name;
  }
  rec.model = model_;
  if (answered_by_) {
    rec.provider_id = answered_by_->id;
    rec.provider_name = answered_by_->name;
  }
  rec.status = status;
  const auto total = Clock::now() - started_;
  rec.latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(total).count();
  rec.ttfb_ms = ttfb_ms_;
  rec.overhead_ms =
      std::chrono::duration<double, std::milli>(std::max(total - upstream_time_, Clock::duration{0}))
          .count();
  rec.prompt_tokens = usage_.prompt_tokens;
  rec.completion_tokens = usage_.completion_tokens;
  rec.cached_tokens = usage_.cached_tokens;
  rec.attempts = std::max(attempts_, answered_by_ ? 1 : 0);
  rec.route_path = route_path_;
  rec.stream = stream_;
  rec.error = error;
  rec.cost_usd = cost_usd_;
  if (deps_.log_prompts.load(std::memory_order_relaxed)) {
    rec.prompt = std::string(rc_.body());
  }
  rc_.logField("model", model_);
  if (answered_by_) {
    rc_.logField("provider", answered_by_->name);
  }
  rc_.logField("tokens", std::to_string(usage_.totalTokens()));
  noteForwarding(rec, answered_by_.get(), forwarded_in_);
  deps_.metrics.recordRequest(rec);
  deps_.log_writer.submit(std::move(rec));
}

}  // namespace

Dataplane::Dataplane(DataplaneDeps& deps, std::size_t loops) : deps_(deps) {
  for (std::size_t i = 0; i < std::max<std::size_t>(loops, 1); ++i) {
    loops_.push_back(std::make_unique<LoopState>(deps.clock, &deps.breakers));
  }
}

LoopState& Dataplane::loopState() {
  const int i = http::Server::currentLoopIndex();
  return *loops_.at(i < 0 ? 0 : static_cast<std::size_t>(i));
}

net::awaitable<void> Dataplane::proxy(http::RequestContext& rc, Operation op, Ingress ingress) {
  ProxyCall call(*this, rc, op, ingress);
  co_await call.run();
}

net::awaitable<void> Dataplane::listModels(http::RequestContext& rc) {
  const auto snap = deps_.snapshots.current();
  const std::string_view presented = presentedKey(rc);
  auto kit = presented.empty() ? snap->keys.end() : snap->keys.find(presentedKeyHash(presented));
  if (kit == snap->keys.end()) {
    const json::object body = http::openAiErrorBody(
        Error(ErrorCode::Unauthorized, presented.empty() ? "missing API key" : "invalid API key"));
    co_await rc.sendJson(401, body);
    co_return;
  }
  const KeyEntry& key = kit->second;
  const auto created = unixSeconds(snap->built_at);
  json::array data;
  std::set<std::string> seen;
  auto add = [&](const std::string& id, const std::string& owner) {
    if (!key.limits.modelAllowed(id) || !seen.insert(id).second) {
      return;
    }
    json::object m;
    m["id"] = id;
    m["object"] = "model";
    m["created"] = created;
    m["owned_by"] = owner;
    data.push_back(std::move(m));
  };
  if (!key.routing_config_id) {
    for (const auto& [name, entries] : snap->models) {
      for (const auto& e : entries) {
        if (!key.provider_id || e.provider->id == *key.provider_id) {
          add(name, e.provider->name);
          break;
        }
      }
    }
  }
  for (const auto& [name, id] : snap->virtual_models) {
    if (snap->routes.count(id)) {
      add(name, "llm-gateway");
    }
  }
  std::sort(data.begin(), data.end(), [](const json::value& a, const json::value& b) {
    return a.at("id").get_string() < b.at("id").get_string();
  });
  json::object body;
  body["object"] = "list";
  body["data"] = std::move(data);
  co_await rc.sendJson(200, body);
}

}  // namespace gw::dataplane
