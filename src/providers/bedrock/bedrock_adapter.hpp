#pragma once

#include "providers/provider.hpp"

/// AWS Bedrock Runtime adapter: OpenAI chat <-> Converse / ConverseStream, SigV4-signed.
///
/// - Chat: `POST {base}/model/{modelId}/converse` (`/converse-stream` when streaming; the body
///   is AWS event-stream frames). The model id is percent-encoded in the path (':' and '/' of
///   versioned ids and ARNs).
///   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
/// - List models: `GET https://bedrock.{region}.amazonaws.com/foundation-models` (the control
///   plane, signed for service "bedrock"); `modelSummaries` become an OpenAI model list.
/// - Embeddings and legacy completions: ErrorCode::Unsupported. Bedrock embeddings go through
///   InvokeModel with a body specific to each model family, which this adapter does not speak.
///
/// Provider settings (`ProviderConfig::config`):
/// - `region` (required), `access_key_id`, `secret_access_key`, `session_token` (optional).
/// - When `secret_access_key` is absent, `api_key` holds the secret.
/// - With no `access_key_id` at all, `api_key` is sent as a Bedrock API key
///   (`Authorization: Bearer`), unsigned.
/// - `base_url` overrides the runtime endpoint (tests point it at a mock); `{region}` in it is
///   replaced. List models then uses the same origin unless it is a `bedrock-runtime.` host.
///
/// Requests are signed at `RequestOptions::unix_time`; the caller must set it (0 is an
/// ErrorCode::Internal error when signing).
namespace gw::providers::bedrock {

/// A new Bedrock adapter. Stateless and thread-safe.
AdapterPtr makeBedrockAdapter();

}  // namespace gw::providers::bedrock
