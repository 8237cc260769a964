#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "core/result.hpp"
#include "http/sse/sse_parser.hpp"
#include "providers/provider.hpp"

/// Small pure helpers shared by the adapters (URLs, headers, usage, upstream errors).
namespace gw::providers {

/// An error value with `code`, `message` and the offending field `param`.
Error makeError(ErrorCode code, std::string message, std::string param = {});

/// `base` + "[i]", for error paths such as "messages[2].content[0]".
std::string indexPath(std::string_view base, std::size_t i);

/// `base` without trailing slashes + `path` (which starts with '/').
std::string joinUrl(std::string_view base, std::string_view path);

/// Appends `provider.extra_headers` to `headers`.
void appendExtraHeaders(Headers& headers, const ProviderConfig& provider);

/// Seconds from `Retry-After` (delta-seconds) or `retry-after-ms`; nullopt when absent or an
/// HTTP-date (which would need a clock).
std::optional<int> retryAfterSeconds(const Headers& headers);

/// Parses an upstream 2xx body; malformed JSON is an UpstreamError (never the client's fault).
Result<json::object> parseUpstreamJson(std::string_view body);

/// Masks tokens that look like credentials (sk-..., Bearer ..., AKIA...) in upstream messages.
std::string redactSecrets(std::string_view message);

/// An UpstreamError carrying the upstream status, the (redacted) message and Retry-After.
Error upstreamError(const UpstreamResponse& response, std::string message);

/// Reads OpenAI's usage object (prompt/completion tokens, prompt_tokens_details.cached_tokens).
Usage usageFromOpenAi(const json::object& usage);
/// Appends `items` to `turns` as a turn `{"role": role, <list_key>: items}`, or to the last
/// turn's list when that turn has the same role: Anthropic, Gemini and Bedrock require
/// alternating roles, so OpenAI's consecutive messages of one role (several tool results, say)
/// become one turn. Empty `items` add nothing.
void appendMergedTurn(json::array& turns, std::string_view role, std::string_view list_key,
                      json::array items);
/// What the gateway needs to know of one OpenAI answer or chunk, read without a DOM.
struct OpenAiChunkFacts {
  Usage usage;              ///< the top-level `usage` when it is an object (`usage.known`)
  bool usage_null = false;  ///< `"usage": null`
  bool error = false;       ///< a non-null top-level `error`
  int choices = -1;         ///< `choices`: -1 absent or not an array, 0 empty, 1 with elements
};
/// Checks that `body` is one JSON object and reads the facts above from it, or
/// ErrorCode::UpstreamError ("malformed JSON") like parseUpstreamJson.
Result<OpenAiChunkFacts> scanOpenAiChunk(std::string_view body);
/// Checks that `body` is one JSON object and reads its top-level OpenAI `usage` (as
/// usageFromOpenAi does) without building a DOM: the cheap path for answers passed through
/// unchanged. ErrorCode::UpstreamError ("malformed JSON") otherwise, like parseUpstreamJson.
Result<Usage> scanOpenAiUsage(std::string_view body);

/// Writes OpenAI's usage object, with prompt_tokens_details.cached_tokens when non-zero.
json::object usageToOpenAi(const Usage& usage);

/// Seconds since the epoch of an RFC 3339 UTC time ("2024-10-22T00:00:00Z"); nullopt if bad.
std::optional<std::int64_t> parseRfc3339(std::string_view text);

/// The error message of an upstream error body in any of the common shapes:
/// {"error":{"message"}}, {"error":"text"}, {"message"}, {"detail"}; nullopt if none.
std::optional<std::string> openAiErrorMessage(const json::value& body);

/// Honours the client's `encoding_format: "base64"` on an OpenAI embedding list built from a
/// provider that only answers floats (Gemini): each `embedding` array becomes the base64 of its
/// little-endian float32 values, as OpenAI sends it (the official SDKs ask for base64 by
/// default and decode it). Embeddings already encoded are left alone; other formats no-op.
void applyEmbeddingEncoding(const json::object& request, json::object& embedding_list);

/// Base of the translators whose upstream speaks SSE: splits the bytes into events and hands
/// them to handleEvents(); at the end of the stream flushes the parser, then calls
/// onStreamEnd(). One per attempt; not thread-safe.
class SseStreamTranslator : public StreamTranslator {
public:
  Result<void> onData(std::string_view bytes, std::vector<json::object>& out) final;
  Result<void> onEnd(std::vector<json::object>& out) final;

protected:
  /// Handles complete events in order; an error ends the stream.
  virtual Result<void> handleEvents(std::vector<http::sse::SseEvent>& events,
                                    std::vector<json::object>& out) = 0;
  /// Called once after the last event; appends final chunks or reports a truncated stream.
  virtual Result<void> onStreamEnd(std::vector<json::object>& /*out*/) { return {}; }

private:
  http::sse::SseParser parser_;
};

}  // namespace gw::providers
