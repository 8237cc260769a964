#include "admin/model_fields.hpp"

#include <array>
#include <limits>

#include "admin/common.hpp"

namespace gw::admin {

namespace {

constexpr std::array<std::string_view, 5> kModes = {"chat", "embedding", "image", "audio",
                                                    "completion"};
constexpr std::array<std::string_view, 4> kCapabilities = {"tools", "vision", "json_mode",
                                                           "reasoning"};
constexpr std::size_t kMaxNameLength = 200;
constexpr std::int64_t kMaxTokens = 100'000'000;
constexpr double kMaxPrice = 1'000'000;

template <class T>
json::value orNull(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

/// An optional whole number: absent keeps, null clears, otherwise it must be in range.
void readTokens(FieldReader& f, std::string_view key, std::optional<std::int64_t>& out) {
  if (f.isNull(key)) {
    out.reset();
  } else if (auto v = f.integer(key, 1, kMaxTokens)) {
    out = *v;
  }
}

/// An optional price in USD per 1M tokens: absent keeps, null clears, else 0..kMaxPrice.
void readPrice(FieldReader& f, std::string_view key, std::optional<double>& out) {
  if (f.isNull(key)) {
    out.reset();
  } else if (auto v = f.number(key, 0, kMaxPrice)) {
    out = *v;
  }
}

void readCapabilities(FieldReader& f, json::object& out) {
  if (f.isNull("capabilities")) {
    out.clear();
    return;
  }
  const auto* caps = f.object("capabilities");
  if (!caps) {
    return;
  }
  json::object merged = out;
  bool ok = true;
  for (const auto& [key, value] : *caps) {
    const std::string path = "capabilities." + std::string(key);
    bool known = false;
    for (auto c : kCapabilities) {
      known = known || c == key;
    }
    if (!known) {
      f.fail(path, "unknown capability (expected tools, vision, json_mode or reasoning)");
      ok = false;
    } else if (!value.is_bool()) {
      f.fail(path, "must be true or false");
      ok = false;
    } else {
      merged[key] = value.get_bool();
    }
  }
  if (ok) {
    out = std::move(merged);
  }
}

}  // namespace

void readName(FieldReader& f, std::string& name, std::size_t max_len, bool creating) {
  if (auto value = f.string("name", max_len, creating)) {
    if (value->empty()) {
      f.fail("name", "must not be empty");
    } else {
      name = std::move(*value);
    }
  } else if (!creating && f.isNull("name")) {
    f.fail("name", "must not be empty");
  }
}

bool isModelMode(std::string_view mode) {
  for (auto m : kModes) {
    if (m == mode) {
      return true;
    }
  }
  return false;
}

json::object modelJson(const store::ModelRow& r) {
  json::object caps;
  for (auto c : kCapabilities) {
    caps[c] = getBool(r.capabilities, c).value_or(false);
  }
  json::object o;
  o["id"] = r.id;
  o["provider_id"] = r.provider_id;
  o["provider_name"] = r.provider_name;
  o["name"] = r.name;
  o["model_id"] = r.model_id;
  o["enabled"] = r.enabled;
  o["mode"] = r.mode;
  o["context_window"] = orNull(r.context_window);
  o["max_output_tokens"] = orNull(r.max_output_tokens);
  o["input_price"] = orNull(r.input_price);
  o["output_price"] = orNull(r.output_price);
  o["cached_input_price"] = orNull(r.cached_input_price);
  o["capabilities"] = std::move(caps);
  o["created_at"] = r.created_at;
  o["updated_at"] = r.updated_at;
  return o;
}

void readModelFields(const json::object& body, store::ModelRow& row,
                     std::vector<http::FieldError>& errors, bool creating,
                     const std::string& prefix) {
  FieldReader f(body);
  if (creating && (!f.has("provider_id") || f.isNull("provider_id"))) {
    f.fail("provider_id", "is required");
  } else if (auto id = f.integer("provider_id", 1, std::numeric_limits<std::int64_t>::max())) {
    row.provider_id = *id;
  }
  readName(f, row.name, kMaxNameLength, creating);
  if (auto model_id = f.string("model_id", kMaxNameLength)) {
    row.model_id = std::move(*model_id);
  }
  if (auto enabled = f.boolean("enabled")) {
    row.enabled = *enabled;
  }
  if (auto mode = f.string("mode", 32)) {
    if (isModelMode(*mode)) {
      row.mode = std::move(*mode);
    } else {
      f.fail("mode", "must be chat, embedding, image, audio or completion");
    }
  }
  readTokens(f, "context_window", row.context_window);
  readTokens(f, "max_output_tokens", row.max_output_tokens);
  readPrice(f, "input_price", row.input_price);
  readPrice(f, "output_price", row.output_price);
  readPrice(f, "cached_input_price", row.cached_input_price);
  readCapabilities(f, row.capabilities);
  if (row.model_id.empty()) {
    row.model_id = row.name;
  }
  for (const auto& e : f.errors()) {
    errors.push_back({prefix + e.path, e.message});
  }
}

}  // namespace gw::admin
