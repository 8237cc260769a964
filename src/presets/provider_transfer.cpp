#include "presets/provider_transfer.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>

#include "core/clock.hpp"

namespace gw::presets {

namespace {

constexpr std::size_t kMaxProviders = 1000;
constexpr std::size_t kMaxModels = 5000;
constexpr std::size_t kMaxProviderName = 100;
constexpr std::size_t kMaxModelName = 200;
constexpr std::size_t kMaxUrl = 2048;
constexpr std::array<std::string_view, 7> kSecretWords{
    "key", "secret", "token", "password", "credential", "authorization", "cookie"};
constexpr std::array<std::string_view, 5> kModes{"chat", "embedding", "image", "audio",
                                                 "completion"};
constexpr std::array<std::string_view, 4> kCapabilities{"tools", "vision", "json_mode",
                                                        "reasoning"};

std::string lowerCopy(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::size_t stripSecretsIn(json::value& v);

std::size_t stripSecretsIn(json::array& a) {
  std::size_t n = 0;
  for (auto& item : a) {
    n += stripSecretsIn(item);
  }
  return n;
}

std::size_t stripSecretsIn(json::value& v) {
  if (auto* o = v.if_object()) {
    return stripSecrets(*o);
  }
  if (auto* a = v.if_array()) {
    return stripSecretsIn(*a);
  }
  return 0;
}

/// Drops "user:password@" and secret-named query parameters ("?key=...") from a URL.
std::string sanitizeUrl(std::string_view url) {
  std::string out(url);
  if (const auto scheme = out.find("://"); scheme != std::string::npos) {
    const auto host = scheme + 3;
    const auto end = out.find_first_of("/?#", host);
    const auto at = out.rfind('@', end == std::string::npos ? out.size() : end);
    if (at != std::string::npos && at >= host) {
      out.erase(host, at + 1 - host);
    }
  }
  const auto q = out.find('?');
  if (q == std::string::npos) {
    return out;
  }
  std::string kept;
  std::string_view query = std::string_view(out).substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto param = query.substr(0, amp);
    if (!isSecretField(param.substr(0, param.find('=')))) {
      kept += kept.empty() ? "" : "&";
      kept += param;
    }
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  out.resize(q);
  return kept.empty() ? out : out + "?" + kept;
}

template <class T>
json::value orNull(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::object modelJson(const TransferModel& m) {
  return json::object{
      {"name", m.name},
      {"model_id", m.model_id},
      {"enabled", m.enabled},
      {"mode", m.mode},
      {"context_window", orNull(m.context_window)},
      {"max_output_tokens", orNull(m.max_output_tokens)},
      {"input_price", orNull(m.input_price)},
      {"output_price", orNull(m.output_price)},
      {"cached_input_price", orNull(m.cached_input_price)},
      {"capabilities", m.capabilities},
  };
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

/// Collects issues for one document; every check names the path of the field.
class Checker {
public:
  explicit Checker(const std::function<bool(std::string_view)>& is_known_type)
      : is_known_type_(is_known_type) {}

  ImportCheck run(const json::value& doc) {
    const auto* root = doc.if_object();
    if (!root) {
      issue("(document)", "must be a JSON object");
      return finish();
    }
    checkVersion(*root);
    const auto* list = root->if_contains("providers");
    if (!list || !list->is_array()) {
      issue("providers", "must be an array");
      return finish();
    }
    if (list->as_array().size() > kMaxProviders) {
      issue("providers", "at most " + std::to_string(kMaxProviders) + " providers per file");
      return finish();
    }
    std::map<std::string, std::size_t> names;
    const auto& arr = list->as_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
      checkProvider(arr[i], "providers[" + std::to_string(i) + "]", names);
    }
    return finish();
  }

private:
  void issue(std::string path, std::string message) {
    out_.issues.push_back({std::move(path), std::move(message)});
  }

  ImportCheck finish() {
    if (out_.issues.empty()) {
      out_.plan = std::move(plan_);
    }
    return std::move(out_);
  }

  void checkVersion(const json::object& root) {
    const auto* v = root.if_contains("version");
    if (!v) {
      issue("version", "is required (expected " + std::to_string(kTransferVersion) + ")");
      return;
    }
    const auto n = asNumber(*v);
    if (!n || *n != static_cast<double>(kTransferVersion)) {
      issue("version", "unsupported version " + json::serialize(*v) + " (expected " +
                           std::to_string(kTransferVersion) + ")");
    }
  }

  /// A required non-empty string of at most `max` characters; nullopt (and an issue) otherwise.
  std::optional<std::string> requiredName(const json::object& o, std::string_view key,
                                          const std::string& path, std::size_t max) {
    const auto s = getStringView(o, key);
    const bool blank = !s || std::all_of(s->begin(), s->end(), [](char c) {
      return std::isspace(static_cast<unsigned char>(c)) != 0;
    });
    if (blank) {
      issue(path, "must be a non-empty string");
      return std::nullopt;
    }
    if (s->size() > max) {
      issue(path, "must be at most " + std::to_string(max) + " characters");
      return std::nullopt;
    }
    return std::string(*s);
  }

  /// An optional field: absent or null is fine; otherwise `ok` decides.
  template <class Ok>
  const json::value* optional(const json::object& o, std::string_view key,
                              const std::string& path, std::string_view expected, Ok ok) {
    const auto* v = o.if_contains(key);
    if (!v || v->is_null()) {
      return nullptr;
    }
    if (!ok(*v)) {
      issue(path, std::string("must be ") + std::string(expected));
      return nullptr;
    }
    return v;
  }

  std::optional<std::int64_t> optLimit(const json::object& o, std::string_view key,
                                       const std::string& base) {
    const auto* v = optional(o, key, base + "." + std::string(key), "a non-negative integer",
                             [&](const json::value&) {
                               const auto n = getInt(o, key);
                               return n && *n >= 0;
                             });
    return v ? getInt(o, key) : std::nullopt;
  }

  std::optional<double> optPrice(const json::object& o, std::string_view key,
                                 const std::string& base) {
    const auto* v = optional(o, key, base + "." + std::string(key), "a non-negative number",
                             [](const json::value& x) {
                               const auto n = asNumber(x);
                               return n && std::isfinite(*n) && *n >= 0;
                             });
    return v ? asNumber(*v) : std::nullopt;
  }

  bool optBool(const json::object& o, std::string_view key, const std::string& path,
               bool fallback) {
    const auto* v = optional(o, key, path, "true or false",
                             [](const json::value& x) { return x.is_bool(); });
    return v ? v->get_bool() : fallback;
  }

  void checkProvider(const json::value& v, const std::string& path,
                     std::map<std::string, std::size_t>& names) {
    const auto* o = v.if_object();
    if (!o) {
      issue(path, "must be an object");
      return;
    }
    const std::size_t before = out_.issues.size();
    TransferProvider p;
    if (auto name = requiredName(*o, "name", path + ".name", kMaxProviderName)) {
      const std::size_t index = names.size();
      const auto [it, fresh] = names.emplace(*name, index);
      if (!fresh) {
        issue(path + ".name", "duplicate name " + quoted(*name) + " in the file");
      }
      p.name = std::move(*name);
    }
    if (const auto type = getStringView(*o, "type"); !type || type->empty()) {
      issue(path + ".type", "must be a provider type string");
    } else if (!is_known_type_(*type)) {
      issue(path + ".type", "unknown provider type " + quoted(*type));
    } else {
      p.type = std::string(*type);
    }
    if (const auto* url = optional(*o, "base_url", path + ".base_url", "a string",
                                   [](const json::value& x) { return x.is_string(); })) {
      const std::string_view s = url->get_string();
      if (s.size() > kMaxUrl) {
        issue(path + ".base_url", "must be at most " + std::to_string(kMaxUrl) + " characters");
      } else if (!s.empty() && !s.starts_with("http://") && !s.starts_with("https://")) {
        issue(path + ".base_url", "must start with http:// or https://");
      } else {
        p.base_url = sanitizeUrl(s);
      }
    }
    if (const auto* config = optional(*o, "config", path + ".config", "an object",
                                      [](const json::value& x) { return x.is_object(); })) {
      p.config = config->get_object();
      if (const auto removed = stripSecrets(p.config); removed > 0) {
        plan_.warnings.push_back({path + ".config", std::to_string(removed) +
                                                             " secret field(s) removed"});
      }
    }
    optBool(*o, "enabled", path + ".enabled", false);
    p.enabled = false;  // imported providers start disabled, without keys
    if (const auto key = getStringView(*o, "api_key"); key && !key->empty()) {
      plan_.warnings.push_back({path + ".api_key", "ignored: imported providers have no key"});
    }
    if (const auto* models = optional(*o, "models", path + ".models", "an array",
                                      [](const json::value& x) { return x.is_array(); })) {
      checkModels(models->get_array(), path + ".models", p);
    }
    if (out_.issues.size() == before) {
      plan_.providers.push_back(std::move(p));
    }
  }

  void checkModels(const json::array& arr, const std::string& path, TransferProvider& p) {
    if (arr.size() > kMaxModels) {
      issue(path, "at most " + std::to_string(kMaxModels) + " models per provider");
      return;
    }
    std::map<std::string, std::size_t> names;
    for (std::size_t j = 0; j < arr.size(); ++j) {
      const std::string mpath = path + "[" + std::to_string(j) + "]";
      const auto* o = arr[j].if_object();
      if (!o) {
        issue(mpath, "must be an object");
        continue;
      }
      TransferModel m;
      if (auto name = requiredName(*o, "name", mpath + ".name", kMaxModelName)) {
        if (!names.emplace(*name, j).second) {
          issue(mpath + ".name", "duplicate model name " + quoted(*name) + " in this provider");
        }
        m.name = std::move(*name);
      }
      if (const auto* id = optional(*o, "model_id", mpath + ".model_id", "a string",
                                    [](const json::value& x) { return x.is_string(); })) {
        m.model_id = std::string(id->get_string());
      }
      if (m.model_id.empty()) {
        m.model_id = m.name;
      }
      m.enabled = optBool(*o, "enabled", mpath + ".enabled", true);
      if (const auto* mode = optional(*o, "mode", mpath + ".mode", "a string",
                                      [](const json::value& x) { return x.is_string(); })) {
        const std::string_view s = mode->get_string();
        if (std::find(kModes.begin(), kModes.end(), s) == kModes.end()) {
          issue(mpath + ".mode", "unknown mode " + quoted(s) +
                                     " (expected chat, embedding, image, audio or completion)");
        } else {
          m.mode = std::string(s);
        }
      }
      m.context_window = optLimit(*o, "context_window", mpath);
      m.max_output_tokens = optLimit(*o, "max_output_tokens", mpath);
      m.input_price = optPrice(*o, "input_price", mpath);
      m.output_price = optPrice(*o, "output_price", mpath);
      m.cached_input_price = optPrice(*o, "cached_input_price", mpath);
      if (const auto* caps = optional(*o, "capabilities", mpath + ".capabilities", "an object",
                                      [](const json::value& x) { return x.is_object(); })) {
        for (std::string_view c : kCapabilities) {
          const auto cpath = mpath + ".capabilities." + std::string(c);
          if (optional(caps->get_object(), c, cpath, "true or false",
                       [](const json::value& x) { return x.is_bool(); })) {
            m.capabilities[c] = caps->get_object().at(c).get_bool();
          }
        }
      }
      p.models.push_back(std::move(m));
    }
  }


  const std::function<bool(std::string_view)>& is_known_type_;
  ImportPlan plan_;
  ImportCheck out_;
};

}  // namespace

bool isSecretField(std::string_view name) {
  const std::string lower = lowerCopy(name);
  return std::any_of(kSecretWords.begin(), kSecretWords.end(),
                     [&](std::string_view w) { return lower.find(w) != std::string::npos; });
}

std::size_t stripSecrets(json::object& config) {
  std::size_t removed = 0;
  for (auto it = config.begin(); it != config.end();) {
    if (isSecretField(it->key())) {
      it = config.erase(it);
      ++removed;
    } else {
      removed += stripSecretsIn(it->value());
      ++it;
    }
  }
  return removed;
}

json::object buildExport(const std::vector<TransferProvider>& providers,
                         std::chrono::system_clock::time_point now, bool enabled_only) {
  json::array list;
  for (const auto& p : providers) {
    if (enabled_only && !p.enabled) {
      continue;
    }
    json::object config = p.config;
    stripSecrets(config);
    json::array models;
    for (const auto& m : p.models) {
      models.push_back(modelJson(m));
    }
    list.push_back(json::object{
        {"name", p.name},
        {"type", p.type},
        {"base_url", sanitizeUrl(p.base_url)},
        {"config", std::move(config)},
        {"enabled", p.enabled},
        {"models", std::move(models)},
    });
  }
  return json::object{
      {"version", kTransferVersion},
      {"exported_at", formatRfc3339(now)},
      {"providers", std::move(list)},
  };
}

ImportCheck checkImport(const json::value& doc,
                        const std::function<bool(std::string_view)>& is_known_type) {
  return Checker(is_known_type).run(doc);
}

Result<ImportPlan> validateImport(const json::value& doc,
                                  const std::function<bool(std::string_view)>& is_known_type) {
  auto check = checkImport(doc, is_known_type);
  if (check.plan) {
    return std::move(*check.plan);
  }
  std::string message = "invalid import file: ";
  for (std::size_t i = 0; i < check.issues.size(); ++i) {
    message += (i ? "; " : "") + check.issues[i].path + ": " + check.issues[i].message;
  }
  return Error::invalid(std::move(message), check.issues.front().path);
}

json::array issuesToJson(const std::vector<ValidationIssue>& issues) {
  json::array out;
  for (const auto& i : issues) {
    out.push_back(json::object{{"path", i.path}, {"message", i.message}});
  }
  return out;
}

json::object reportToJson(const ImportReport& r, const std::vector<ValidationIssue>& warnings) {
  json::array details;
  for (const auto& d : r.details) {
    details.push_back(json::object{
        {"name", d.name}, {"status", d.status}, {"message", d.message}, {"models", d.models}});
  }
  return json::object{
      {"imported", r.imported}, {"skipped", r.skipped}, {"failed", r.failed},
      {"details", std::move(details)}, {"warnings", issuesToJson(warnings)}};
}

}  // namespace gw::presets
