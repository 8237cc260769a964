#include "presets/apply.hpp"

namespace gw::presets {

namespace {

template <class T>
json::value orNull(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::object capabilitiesJson(const PresetCapabilities& c) {
  return json::object{
      {"tools", c.tools}, {"vision", c.vision}, {"json_mode", c.json_mode},
      {"reasoning", c.reasoning}};
}

}  // namespace

std::optional<std::string_view> modelMode(std::string_view m) {
  if (m == "chat" || m == "responses") {
    return "chat";
  }
  if (m == "embedding") {
    return "embedding";
  }
  if (m == "image_generation") {
    return "image";
  }
  if (m == "audio_transcription" || m == "audio_speech") {
    return "audio";
  }
  if (m == "completion") {
    return "completion";
  }
  return std::nullopt;
}

void applyPreset(const Preset& p, json::object& patch) {
  if (p.max_input_tokens) {
    patch["context_window"] = *p.max_input_tokens;
  }
  if (p.max_output_tokens) {
    patch["max_output_tokens"] = *p.max_output_tokens;
  }
  if (p.input_price) {
    patch["input_price"] = *p.input_price;
  }
  if (p.output_price) {
    patch["output_price"] = *p.output_price;
  }
  if (p.cached_input_price) {
    patch["cached_input_price"] = *p.cached_input_price;
  }
  patch["capabilities"] = capabilitiesJson(p.capabilities);
  if (const auto mode = modelMode(p.mode)) {
    patch["mode"] = *mode;
  }
}

json::object presetToJson(const Preset& p) {
  return json::object{
      {"name", p.name},
      {"provider", p.provider},
      {"mode", p.mode},
      {"max_input_tokens", orNull(p.max_input_tokens)},
      {"max_output_tokens", orNull(p.max_output_tokens)},
      {"input_price", orNull(p.input_price)},
      {"output_price", orNull(p.output_price)},
      {"cached_input_price", orNull(p.cached_input_price)},
      {"capabilities", capabilitiesJson(p.capabilities)},
  };
}

ProviderApplyPlan planProviderApply(const PresetIndex& index, std::string_view provider_type,
                                    const std::vector<ModelRef>& models) {
  ProviderApplyPlan plan;
  for (const auto& m : models) {
    auto hit = index.bestMatch(m.model_id, provider_type);
    if (!hit && m.name != m.model_id) {
      hit = index.bestMatch(m.name, provider_type);
    }
    if (!hit) {
      plan.unmatched.push_back(m.name);
      continue;
    }
    ModelUpdate u{m.id, hit->preset->name, hit->score, {}};
    applyPreset(*hit->preset, u.patch);
    plan.updates.push_back(std::move(u));
  }
  return plan;
}

}  // namespace gw::presets
