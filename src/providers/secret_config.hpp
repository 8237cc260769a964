#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/crypto.hpp"
#include "core/json.hpp"

namespace gw::providers {

/// Names of the config fields of catalog type `type` that hold credentials (field type
/// "secret", e.g. Bedrock's secret_access_key and session_token).
std::vector<std::string> secretConfigFields(std::string_view type);

/// Seals the string values of `fields` for storage: each becomes {"$sealed": "<SecretBox>"}.
/// Values already sealed, empty or not strings are left as they are.
json::object sealConfigSecrets(json::object config, const std::vector<std::string>& fields,
                               const crypto::SecretBox& secrets);

/// Opens every top-level {"$sealed": ...} value back into its string; a value that cannot be
/// opened (SECRET_KEY changed) is removed.
json::object openConfigSecrets(json::object config, const crypto::SecretBox& secrets);

}  // namespace gw::providers
