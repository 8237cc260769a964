#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "http/errors.hpp"
#include "store/rows.hpp"

namespace gw::admin {

class FieldReader;

/// Reads a record's display name: required and non-empty on create (`creating`), non-empty
/// when present on update; at most `max_len` characters. Problems go to `f`.
void readName(FieldReader& f, std::string& name, std::size_t max_len, bool creating);

/// Whether `mode` is a gateway model mode: chat, embedding, image, audio or completion.
bool isModelMode(std::string_view mode);

/// A model as the admin API shows it (docs/api.md, Models). `capabilities` always carries the
/// four flags tools, vision, json_mode and reasoning.
json::object modelJson(const store::ModelRow& row);

/// Reads the model fields present in `body` into `row`, for a create (`creating`: `provider_id`
/// and `name` required) or a partial update alike: provider_id, name, model_id, enabled, mode,
/// context_window, max_output_tokens, input_price, output_price, cached_input_price and
/// capabilities (merged flag by flag). `null` clears an optional field. An empty `model_id`
/// becomes the name. Problems are appended to `errors`, their paths prefixed with `prefix`
/// (e.g. "models[3]."). Unknown fields are ignored. Does not check that the provider exists.
/// @par Thread Safety
/// Pure; safe from any thread.
void readModelFields(const json::object& body, store::ModelRow& row,
                     std::vector<http::FieldError>& errors, bool creating,
                     const std::string& prefix = {});

}  // namespace gw::admin
