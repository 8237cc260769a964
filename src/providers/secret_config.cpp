#include "providers/secret_config.hpp"

#include "providers/catalog.hpp"

namespace gw::providers {

namespace {

constexpr std::string_view kSealedKey = "$sealed";

const json::string* sealedValue(const json::value& v) {
  const auto* o = v.if_object();
  if (!o || o->size() != 1) {
    return nullptr;
  }
  return getString(*o, kSealedKey);
}

}  // namespace

std::vector<std::string> secretConfigFields(std::string_view type) {
  std::vector<std::string> out;
  if (const auto* tpl = catalog().find(type)) {
    for (const auto& field : tpl->config_fields) {
      if (field.type == "secret") {
        out.push_back(field.key);
      }
    }
  }
  return out;
}

json::object sealConfigSecrets(json::object config, const std::vector<std::string>& fields,
                               const crypto::SecretBox& secrets) {
  for (const auto& name : fields) {
    auto* v = config.if_contains(name);
    if (v && v->is_string() && !v->get_string().empty()) {
      json::object sealed;
      sealed[kSealedKey] = secrets.seal(v->get_string());
      *v = std::move(sealed);
    }
  }
  return config;
}

json::object openConfigSecrets(json::object config, const crypto::SecretBox& secrets) {
  for (auto it = config.begin(); it != config.end();) {
    if (const auto* sealed = sealedValue(it->value())) {
      if (auto plain = secrets.open(*sealed)) {
        it->value() = json::string(*plain);
      } else {
        it = config.erase(it);
        continue;
      }
    }
    ++it;
  }
  return config;
}

}  // namespace gw::providers
