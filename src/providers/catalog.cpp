#include "providers/catalog.hpp"

#include <array>
#include <set>
#include <tuple>

namespace gw::providers {

namespace {

constexpr std::string_view kCatalogText =
#include "providers/catalog_json.inc"
    ;

constexpr std::array<std::string_view, 5> kFamilies = {"openai", "azure", "anthropic", "gemini",
                                                       "bedrock"};
constexpr std::array<std::string_view, 5> kFieldTypes = {"string", "secret", "number", "boolean",
                                                         "map"};

template <std::size_t N>
bool oneOf(std::string_view v, const std::array<std::string_view, N>& set) {
  for (auto s : set) {
    if (s == v) {
      return true;
    }
  }
  return false;
}

Result<std::string> requiredString(const json::object& o, std::string_view key,
                                   const std::string& path, bool allow_empty = false) {
  auto v = getStringView(o, key);
  if (!v || (!allow_empty && v->empty())) {
    return Error::invalid(path + "." + std::string(key) + ": must be a non-empty string",
                          path + "." + std::string(key));
  }
  return std::string(*v);
}

Result<ProviderFlags> parseFlags(const json::object& t, const std::string& path) {
  ProviderFlags flags;
  const auto* f = getObject(t, "flags");
  if (!f) {
    return Error::invalid(path + ".flags: must be an object", path + ".flags");
  }
  struct BoolFlag {
    const char* key;
    bool ProviderFlags::*member;
  };
  for (auto [key, member] : {BoolFlag{"stream_options", &ProviderFlags::stream_options},
                             BoolFlag{"reasoning_content", &ProviderFlags::reasoning_content},
                             BoolFlag{"list_models", &ProviderFlags::list_models},
                             BoolFlag{"completions", &ProviderFlags::completions},
                             BoolFlag{"embeddings", &ProviderFlags::embeddings}}) {
    auto b = getBool(*f, key);
    if (!b) {
      return Error::invalid(path + ".flags." + key + ": must be a boolean", path + ".flags." + key);
    }
    flags.*member = *b;
  }
  auto auth = requiredString(*f, "auth_header", path + ".flags", true);
  if (!auth) {
    return auth.error();
  }
  flags.auth_header = std::move(*auth);
  return flags;
}

Result<ProviderTemplate> parseTemplate(const json::value& v, const std::string& path) {
  const auto* t = v.if_object();
  if (!t) {
    return Error::invalid(path + ": must be an object", path);
  }
  ProviderTemplate out;
  for (auto [key, field, allow_empty] :
       {std::tuple{"id", &out.id, false}, std::tuple{"name", &out.name, false},
        std::tuple{"family", &out.family, false}, std::tuple{"base_url", &out.base_url, true},
        std::tuple{"docs_url", &out.docs_url, false}}) {
    auto s = requiredString(*t, key, path, allow_empty);
    if (!s) {
      return s.error();
    }
    *field = std::move(*s);
  }
  if (!oneOf(out.family, kFamilies)) {
    return Error::invalid(path + ".family: unknown family '" + out.family + "'", path + ".family");
  }
  auto flags = parseFlags(*t, path);
  if (!flags) {
    return flags.error();
  }
  out.flags = std::move(*flags);
  out.api_key_required = getBool(*t, "api_key_required").value_or(true);
  const auto* fields = getArray(*t, "config_fields");
  if (!fields) {
    return Error::invalid(path + ".config_fields: must be an array", path + ".config_fields");
  }
  for (std::size_t i = 0; i < fields->size(); ++i) {
    const auto fpath = path + ".config_fields[" + std::to_string(i) + "]";
    const auto* f = (*fields)[i].if_object();
    if (!f) {
      return Error::invalid(fpath + ": must be an object", fpath);
    }
    ConfigField field;
    auto key = requiredString(*f, "key", fpath);
    auto label = requiredString(*f, "label", fpath);
    auto type = requiredString(*f, "type", fpath);
    if (!key || !label || !type) {
      return !key ? key.error() : !label ? label.error() : type.error();
    }
    if (!oneOf(*type, kFieldTypes)) {
      return Error::invalid(fpath + ".type: unknown type '" + *type + "'", fpath + ".type");
    }
    field.key = std::move(*key);
    field.label = std::move(*label);
    field.type = std::move(*type);
    field.required = getBool(*f, "required").value_or(false);
    if (const auto* d = f->if_contains("default")) {
      field.default_value = *d;
    }
    field.help = std::string(getStringView(*f, "help").value_or(""));
    field.header = std::string(getStringView(*f, "header").value_or(""));
    out.config_fields.push_back(std::move(field));
  }
  const auto* models = getArray(*t, "default_models");
  if (!models) {
    return Error::invalid(path + ".default_models: must be an array", path + ".default_models");
  }
  for (const auto& m : *models) {
    if (!m.is_string()) {
      return Error::invalid(path + ".default_models: must hold strings", path + ".default_models");
    }
    out.default_models.emplace_back(m.get_string());
  }
  return out;
}

}  // namespace

const ProviderTemplate* Catalog::find(std::string_view id) const {
  for (const auto& t : templates_) {
    if (t.id == id) {
      return &t;
    }
  }
  return nullptr;
}

Result<Catalog> parseCatalog(std::string_view text) {
  auto doc = parseJsonObject(text);
  if (!doc) {
    return doc.error();
  }
  const auto* list = getArray(*doc, "templates");
  if (!list) {
    return Error::invalid("templates: must be an array", "templates");
  }
  std::vector<ProviderTemplate> templates;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto path = "templates[" + std::to_string(i) + "]";
    auto t = parseTemplate((*list)[i], path);
    if (!t) {
      return t.error();
    }
    if (!ids.insert(t->id).second) {
      return Error::invalid(path + ".id: duplicate id '" + t->id + "'", path + ".id");
    }
    templates.push_back(std::move(*t));
  }
  return Catalog(std::move(templates), json::value(std::move(*doc)));
}

const Catalog& catalog() {
  static const Catalog kCatalog = parseCatalog(kCatalogText).value();
  return kCatalog;
}

json::array catalogJson() {
  return catalog().source().as_object().at("templates").as_array();
}

std::string_view catalogText() {
  return kCatalogText;
}

}  // namespace gw::providers
