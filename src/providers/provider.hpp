#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"

namespace gw::providers {

using Headers = std::vector<std::pair<std::string, std::string>>;

/// Case-insensitive header look-up; nullptr when absent.
const std::string* findHeader(const Headers& headers, std::string_view name);

/// What the client asked for, in OpenAI terms (or Anthropic terms for the /v1/messages
/// passthrough to an Anthropic target).
enum class Operation {
  ChatCompletions,  ///< POST /v1/chat/completions
  Completions,      ///< POST /v1/completions (legacy)
  Embeddings,       ///< POST /v1/embeddings
  Messages,         ///< POST /v1/messages passed through untouched to an Anthropic target
  ListModels,       ///< the provider's own model list (connection test, discovery)
};

/// Per-provider quirks of a family, from the compiled-in catalog (providers/catalog.json).
struct ProviderFlags {
  bool stream_options = true;     ///< accepts stream_options.include_usage
  bool reasoning_content = false; ///< emits `reasoning_content` deltas (DeepSeek, Qwen, ...)
  bool list_models = true;        ///< offers GET {base}/models
  bool completions = true;        ///< offers the legacy /completions endpoint
  bool embeddings = true;         ///< offers /embeddings
  std::string auth_header = "authorization";  ///< "authorization" (Bearer) or header name
};

/// A provider as the request path sees it: from the snapshot, credentials decrypted.
/// Immutable; shared across threads.
struct ProviderConfig {
  std::int64_t id = 0;
  std::string name;      ///< unique display name
  std::string type;      ///< catalog id: "openai", "anthropic", "gemini", "bedrock", "deepseek", ...
  std::string family;    ///< adapter family: "openai", "anthropic", "gemini", "bedrock", "azure"
  std::string base_url;  ///< no trailing slash
  std::string api_key;   ///< decrypted; never logged
  json::object config;   ///< type-specific settings (Azure api_version, Bedrock region and keys)
  ProviderFlags flags;
  Headers extra_headers; ///< from config.headers
};

/// One HTTP request to send upstream. Built by an adapter; sent by the dataplane.
struct UpstreamRequest {
  std::string method = "POST";
  std::string url;  ///< absolute: scheme://host[:port]/path?query
  Headers headers;
  std::string body;
  bool stream = false;  ///< the response is a stream (SSE or AWS event-stream)
};

/// A complete upstream response (non-streaming, or the body of a failed streaming call).
struct UpstreamResponse {
  int status = 0;
  Headers headers;
  std::string body;
};

/// Token usage of one call. `known` is false when the provider reported none.
struct Usage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t cached_tokens = 0;          ///< prompt tokens read from cache
  std::int64_t cache_creation_tokens = 0;  ///< prompt tokens written to cache (Anthropic)
  bool known = false;
  std::int64_t totalTokens() const { return prompt_tokens + completion_tokens; }
};

/// Facts about the client's request that shape the answer.
struct RequestOptions {
  bool stream = false;
  bool include_usage = false;  ///< the client asked for stream_options.include_usage
  std::string public_model;    ///< the model name the client used
  /// Seconds since the Unix epoch at which the request is built, for adapters that sign
  /// requests (Bedrock SigV4). Set by the caller from its injected Clock; adapters are pure and
  /// never read a clock. 0 = not set (a signing adapter then signs with the epoch and the
  /// upstream rejects it, so callers must set it). Also the `created` value of answers an
  /// adapter synthesises (Anthropic, Gemini and Bedrock answers carry none).
  std::int64_t unix_time = 0;
  /// The caller can send an OpenAI-format upstream body to its client byte for byte. An adapter
  /// whose upstream already speaks the answer's format may then skip building `body` (see
  /// ParsedResponse::passthrough), and its stream translator may hand out SSE text instead of
  /// chunks (StreamTranslator::takeText): no parse into a DOM and no re-serialisation.
  bool passthrough_ok = false;
  /// The client's body text when `body` is exactly its parse (model and every other field as
  /// the client sent them), else empty. An adapter that would serialise `body` unchanged sends
  /// this text instead: no serialisation, and the client's bytes go upstream as they came.
  std::string_view source_text;
};

/// A translated non-streaming answer: the OpenAI-format body (chat.completion, text_completion,
/// embedding list or model list) and its usage.
struct ParsedResponse {
  json::object body;
  Usage usage;
  /// The upstream body is the answer as it stands: the caller sends UpstreamResponse::body
  /// unchanged and `body` is empty. Only ever set when RequestOptions::passthrough_ok is.
  bool passthrough = false;
};

/// Translates one upstream response stream (SSE or AWS event-stream bytes, in whatever pieces
/// the network delivers) into OpenAI `chat.completion.chunk` objects (or text_completion chunks
/// for Operation::Completions).
/// One per attempt; not thread-safe. Never mutates its inputs, so a retry builds a new one.
class StreamTranslator {
public:
  virtual ~StreamTranslator() = default;
  /// Feeds raw bytes; appends zero or more chunks to `out`. An error (malformed upstream JSON,
  /// a broken frame, an upstream `error` event) ends the stream: the caller sends it to the
  /// client as an OpenAI-shaped error event.
  virtual Result<void> onData(std::string_view bytes, std::vector<json::object>& out) = 0;
  /// The upstream stream ended; appends the final chunks (finish_reason, usage when asked).
  virtual Result<void> onEnd(std::vector<json::object>& out) = 0;
  /// Usage seen so far (complete after onEnd).
  virtual const Usage& usage() const = 0;
  /// Upstream events this translator did not recognise and skipped.
  virtual std::size_t skippedEvents() const = 0;
  /// Ready-to-send SSE text (`data: ...` events, upstream bytes passed through) produced
  /// instead of chunks: a translator whose upstream already speaks the client's format does
  /// so when RequestOptions::passthrough_ok is set, and then appends nothing to `out`.
  /// Emptied by the call.
  virtual std::string takeText() { return {}; }
};
using StreamTranslatorPtr = std::unique_ptr<StreamTranslator>;

/// Converts OpenAI-format requests to one provider family's native API and back.
/// Pure: no sockets, timers or clocks; stateless and thread-safe.
class Adapter {
public:
  virtual ~Adapter() = default;
  /// The family this adapter speaks: "openai", "anthropic", "gemini", "bedrock", "azure".
  virtual std::string_view family() const = 0;
  /// Builds the upstream request for `op` from the OpenAI-format `body` (whose `model` is
  /// already the upstream model id). A feature the provider cannot express is an
  /// ErrorCode::Unsupported error naming the field.
  virtual Result<UpstreamRequest> buildRequest(Operation op, const json::object& body,
                                               const ProviderConfig& provider,
                                               const RequestOptions& options) const = 0;
  /// Parses a 2xx non-streaming response into the OpenAI format.
  virtual Result<ParsedResponse> parseResponse(Operation op, const UpstreamResponse& response,
                                               const RequestOptions& options) const = 0;
  /// A fresh translator for one streaming attempt.
  virtual StreamTranslatorPtr newStreamTranslator(Operation op,
                                                  const RequestOptions& options) const = 0;
  /// Maps a non-2xx response to a gw::Error (UpstreamError with upstream_status and the
  /// provider's message; Retry-After carried over). Never includes credentials.
  virtual Error mapError(const UpstreamResponse& response) const = 0;
};
using AdapterPtr = std::unique_ptr<Adapter>;

/// Removes `provider`'s credentials (api_key and every secret-looking config value) from an
/// error's message, as a second line of defence after Adapter::mapError.
Error redactCredentials(Error error, const ProviderConfig& provider);

}  // namespace gw::providers
