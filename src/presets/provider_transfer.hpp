#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"

namespace gw::presets {

/// Version of the provider export document; imports accept exactly this version.
inline constexpr std::int64_t kTransferVersion = 1;

/// One model in an export or import (no ids: they are the target database's business).
struct TransferModel {
  std::string name;      ///< public name
  std::string model_id;  ///< upstream id
  bool enabled = true;
  std::string mode = "chat";  ///< "chat" | "embedding" | "image" | "audio" | "completion"
  std::optional<std::int64_t> context_window;
  std::optional<std::int64_t> max_output_tokens;
  std::optional<double> input_price;  ///< USD per 1M tokens
  std::optional<double> output_price;
  std::optional<double> cached_input_price;
  json::object capabilities;  ///< {tools, vision, json_mode, reasoning}
};

/// One provider in an export or import. Never carries an API key.
struct TransferProvider {
  std::string name;
  std::string type;  ///< catalog id
  std::string base_url;
  json::object config;  ///< type-specific settings (secrets removed)
  bool enabled = true;  ///< as exported; imports always create providers disabled
  std::vector<TransferModel> models;
};

/// True for a config field that may hold a credential: its name contains "key", "secret",
/// "token", "password", "credential", "authorization" or "cookie" (any case), e.g. Bedrock's
/// access_key_id, secret_access_key, session_token.
bool isSecretField(std::string_view name);

/// Removes secret fields from `config`, recursively (nested objects and arrays of objects).
/// Returns how many fields were removed.
std::size_t stripSecrets(json::object& config);

/// The export document: {"version":1,"exported_at","providers":[{"name","type","base_url",
/// "config","enabled","models":[{"name","model_id","enabled","mode","context_window",
/// "max_output_tokens","input_price","output_price","cached_input_price","capabilities"}]}]}.
/// Secrets are stripped from every config and user:password from base URLs, whatever the input
/// holds. `enabled_only` leaves out disabled providers (and their models). Pure.
json::object buildExport(const std::vector<TransferProvider>& providers,
                         std::chrono::system_clock::time_point now, bool enabled_only = false);

/// One problem of an import file, e.g. {"providers[3].type", "unknown provider type \"foo\""}.
struct ValidationIssue {
  std::string path;
  std::string message;
};

/// What an import will create: every provider disabled and without a key, with its models.
struct ImportPlan {
  std::vector<TransferProvider> providers;  ///< `enabled` is false in every entry
  std::vector<ValidationIssue> warnings;    ///< ignored api keys, stripped secret config fields
};

/// Either a plan or every problem of the file.
struct ImportCheck {
  std::optional<ImportPlan> plan;       ///< set when `issues` is empty
  std::vector<ValidationIssue> issues;  ///< in file order
};

/// Validates the WHOLE document before anything is written: version must be 1, `providers` an
/// array (at most 1000), each provider a `name` (non-empty, <= 100 characters, unique in the
/// file), a `type` accepted by `is_known_type`, an optional string `base_url`, an optional
/// object `config`, an optional array `models` of well-formed models (`name` non-empty and
/// unique within the provider, `model_id` defaulting to the name, `mode` one of ours, limits
/// non-negative integers, prices non-negative numbers, `capabilities` booleans). Unknown fields
/// are ignored; `api_key` and secret config fields are dropped with a warning. Pure.
ImportCheck checkImport(const json::value& doc,
                        const std::function<bool(std::string_view)>& is_known_type);

/// checkImport() as a Result: the error (InvalidRequest) lists every issue, one per line as
/// `path: message`, and `param` holds the first path.
Result<ImportPlan> validateImport(const json::value& doc,
                                  const std::function<bool(std::string_view)>& is_known_type);

/// Issues as the admin API's error `details`: [{"path","message"}].
json::array issuesToJson(const std::vector<ValidationIssue>& issues);

/// One provider's fate in an import.
struct ImportDetail {
  std::string name;
  std::string status;   ///< "imported" | "skipped" | "failed"
  std::string message;  ///< e.g. "a provider with this name exists"
  std::size_t models = 0;  ///< models created
};

/// The answer of POST /api/admin/providers/batch-import.
struct ImportReport {
  std::size_t imported = 0;
  std::size_t skipped = 0;
  std::size_t failed = 0;
  std::vector<ImportDetail> details;
};

/// {"imported","skipped","failed","details":[{"name","status","message","models"}],
///  "warnings":[{"path","message"}]}.
json::object reportToJson(const ImportReport& report,
                          const std::vector<ValidationIssue>& warnings = {});

}  // namespace gw::presets
