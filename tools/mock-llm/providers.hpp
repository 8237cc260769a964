#pragma once

#include "common.hpp"

/// Pure request -> Plan transforms, one namespace per provider wire format. No I/O here:
/// the server owns sockets, timers and faults.
namespace gw::mock {

namespace openai {
/// OpenAI proper, or Azure OpenAI (deployment paths, api-key auth, Azure error shape,
/// content-filter annotations).
enum class Flavour { OpenAi, Azure };
Plan chatCompletions(Incoming& in, Flavour f);
Plan completions(Incoming& in, Flavour f);
Plan embeddings(Incoming& in, Flavour f);
Plan listModels(Incoming& in);
Plan error(unsigned status, std::string_view message);
Plan azureError(unsigned status, std::string_view message);
} // namespace openai

namespace anthropic {
Plan messages(Incoming& in);
Plan countTokens(Incoming& in);
Plan listModels(Incoming& in);
Plan error(unsigned status, std::string_view message);
} // namespace anthropic

namespace gemini {
/// `action` is the part after ':' in `/v1beta/models/{model}:{action}`.
Plan modelAction(Incoming& in, std::string_view model, std::string_view action);
Plan listModels(Incoming& in);
Plan error(unsigned status, std::string_view message);
} // namespace gemini

namespace bedrock {
Plan converse(Incoming& in, std::string_view model_id, bool stream);
Plan error(unsigned status, std::string_view message);
} // namespace bedrock

} // namespace gw::mock
