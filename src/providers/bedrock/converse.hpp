#pragma once

#include <string_view>

#include "core/json.hpp"
#include "core/result.hpp"
#include "providers/provider.hpp"

/// OpenAI <-> Bedrock Converse translation (internal to the Bedrock adapter; pure functions).
/// Wire format: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
namespace gw::providers::bedrock::converse {

/// Builds the Converse request body from an OpenAI chat request (without `modelId`, which
/// goes into the path). Unsupported features are ErrorCode::Unsupported naming the field.
Result<json::object> toConverseRequest(const json::object& chat);

/// Converse response (2xx) -> OpenAI chat.completion.
Result<ParsedResponse> fromConverseResponse(const UpstreamResponse& response,
                                            const RequestOptions& options);

/// ListFoundationModels response -> OpenAI model list.
Result<ParsedResponse> fromFoundationModels(const UpstreamResponse& response);

/// A translator from ConverseStream event-stream bytes to OpenAI chunks.
StreamTranslatorPtr newStreamTranslator(const RequestOptions& options);

/// Converse `stopReason` -> OpenAI `finish_reason`.
std::string_view finishReason(std::string_view stop_reason);

/// Converse `usage` -> Usage. inputTokens excludes cache reads/writes in Converse, so the
/// OpenAI prompt_tokens is their sum.
Usage usageFrom(const json::object& usage);

}  // namespace gw::providers::bedrock::converse
