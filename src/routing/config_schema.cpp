#include "routing/config_schema.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace gw::routing {

// --- MapProviderDirectory ---

void MapProviderDirectory::addProvider(providers::ProviderConfig provider) {
  providers_.push_back(std::make_shared<const providers::ProviderConfig>(std::move(provider)));
}

void MapProviderDirectory::addType(std::string type, ProviderTypeInfo info) {
  types_[std::move(type)] = std::move(info);
}

void MapProviderDirectory::addConfig(std::int64_t id, json::value config) {
  configs_[id] = std::move(config);
}

namespace {

template <class Pred>
std::shared_ptr<const providers::ProviderConfig> findProvider(
    const std::vector<std::shared_ptr<const providers::ProviderConfig>>& list, Pred pred) {
  const auto it = std::find_if(list.begin(), list.end(), [&](const auto& p) { return pred(*p); });
  return it == list.end() ? nullptr : *it;
}

}  // namespace

std::shared_ptr<const providers::ProviderConfig> MapProviderDirectory::findById(
    std::int64_t id) const {
  return findProvider(providers_, [&](const providers::ProviderConfig& p) { return p.id == id; });
}

std::shared_ptr<const providers::ProviderConfig> MapProviderDirectory::findByName(
    std::string_view name) const {
  return findProvider(providers_,
                      [&](const providers::ProviderConfig& p) { return p.name == name; });
}

std::optional<ProviderTypeInfo> MapProviderDirectory::findType(std::string_view type) const {
  const auto it = types_.find(type);
  if (it == types_.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::optional<json::value> MapProviderDirectory::findConfig(std::int64_t id) const {
  const auto it = configs_.find(id);
  if (it == configs_.end()) {
    return std::nullopt;
  }
  return it->second;
}

// --- parsing ---

namespace {

/// "on_status_codes" -> "onStatusCodes".
std::string camelCase(std::string_view snake) {
  std::string out;
  bool upper = false;
  for (char c : snake) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out;
}

/// A node's field under its snake_case name or its camelCase twin.
class Fields {
public:
  Fields(const json::object& object, const std::string& path, ValidationErrors& errors)
      : object_(object), path_(path), errors_(errors) {}

  const json::value* get(std::string_view snake) const {
    if (const auto* v = object_.if_contains(snake)) {
      return v;
    }
    return object_.if_contains(camelCase(snake));
  }

  std::string path(std::string_view snake) const { return joinPath(path_, snake); }

  void fail(std::string path, std::string message) const {
    errors_.push_back({std::move(path), std::move(message)});
  }

  std::optional<std::string> string(std::string_view key) const {
    const auto* v = get(key);
    if (v == nullptr) {
      return std::nullopt;
    }
    if (!v->is_string()) {
      fail(path(key), "must be a string");
      return std::nullopt;
    }
    return std::string(v->get_string());
  }

  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min,
                                      std::string_view what) const {
    const auto* v = get(key);
    if (v == nullptr) {
      return std::nullopt;
    }
    const auto n = asNumber(*v);
    if (!n || std::floor(*n) != *n || *n < static_cast<double>(min) || *n > 9.0e15) {
      fail(path(key), std::string("must be ") + std::string(what));
      return std::nullopt;
    }
    return static_cast<std::int64_t>(*n);
  }

  const json::object& object() const { return object_; }
  ValidationErrors& errors() const { return errors_; }

private:
  const json::object& object_;
  const std::string& path_;
  ValidationErrors& errors_;
};

std::optional<std::vector<int>> statusCodes(const json::value& v, const std::string& path,
                                            ValidationErrors& errors) {
  const auto* list = v.if_array();
  if (list == nullptr) {
    errors.push_back({path, "must be an array of HTTP status codes"});
    return std::nullopt;
  }
  std::vector<int> codes;
  bool ok = true;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto n = asNumber((*list)[i]);
    if (!n || std::floor(*n) != *n || *n < 100 || *n > 599) {
      errors.push_back({indexPath(path, i), "must be an HTTP status code (100-599)"});
      ok = false;
      continue;
    }
    codes.push_back(static_cast<int>(*n));
  }
  return ok ? std::optional(std::move(codes)) : std::nullopt;
}

void parseRetry(const Fields& f, ConfigNode& out) {
  const auto* v = f.get("retry");
  if (v == nullptr) {
    return;
  }
  const std::string path = f.path("retry");
  const auto* obj = v->if_object();
  if (obj == nullptr) {
    f.fail(path, "must be an object");
    return;
  }
  Fields r(*obj, path, f.errors());
  RetrySpec spec;
  if (r.get("attempts") == nullptr) {
    f.fail(r.path("attempts"), "is required");
    return;
  }
  const auto attempts = r.integer("attempts", 0, "an integer >= 0");
  if (!attempts) {
    return;
  }
  spec.attempts = static_cast<int>(std::min<std::int64_t>(*attempts, kMaxRetryAttempts));
  if (const auto* codes = r.get("on_status_codes")) {
    spec.on_status_codes = statusCodes(*codes, r.path("on_status_codes"), f.errors());
  }
  if (const auto* use = r.get("use_retry_after_headers")) {
    if (!use->is_bool()) {
      f.fail(r.path("use_retry_after_headers"), "must be a boolean");
    } else {
      spec.use_retry_after = use->get_bool();
    }
  }
  out.retry = std::move(spec);
}

void parseSettings(const Fields& f, ConfigNode& out) {
  if (const auto* w = f.get("weight")) {
    const auto n = asNumber(*w);
    if (!n || !std::isfinite(*n) || *n < 0) {
      f.fail(f.path("weight"), "must be a number >= 0");
    } else {
      out.weight = *n;
    }
  }
  if (const auto* o = f.get("override_params")) {
    if (!o->is_object()) {
      f.fail(f.path("override_params"), "must be an object");
    } else {
      out.override_params = o->get_object();
    }
  }
  parseRetry(f, out);
  out.request_timeout_ms =
      f.integer("request_timeout", 1, "a positive integer number of milliseconds");
  if (const auto* h = f.get("forward_headers")) {
    if (!h->is_array()) {
      f.fail(f.path("forward_headers"), "must be an array of header names");
    }
  }
}

void parseTargetFields(const Fields& f, ConfigNode& out) {
  if (auto name = f.string("name")) {
    out.name = std::move(*name);
  }
  out.provider_id = f.integer("provider_id", 1, "a positive integer provider id");
  out.provider = f.string("provider");
  out.virtual_key = f.string("virtual_key");
  out.api_key = f.string("api_key");
  out.custom_host = f.string("custom_host");
  if (out.custom_host && out.custom_host->rfind("http://", 0) != 0 &&
      out.custom_host->rfind("https://", 0) != 0) {
    f.fail(f.path("custom_host"), "must be an http:// or https:// URL");
  }
  out.config_id = f.integer("config_id", 1, "a positive integer config id");
}

bool namesProvider(const ConfigNode& n) {
  if (n.provider_id || n.provider || n.virtual_key || n.config_id) {
    return true;
  }
  // Portkey's model-catalog form: override_params.model = "@provider-name/model".
  if (n.override_params) {
    if (const auto* m = getString(*n.override_params, "model")) {
      return m->starts_with("@") && m->find('/') != json::string::npos;
    }
  }
  return false;
}

void parseNode(const json::value& value, const std::string& path, ConfigNode& out,
               ValidationErrors& errors);

void parseConditions(const Fields& s, ConfigNode& out) {
  const auto* v = s.get("conditions");
  if (v == nullptr) {
    if (out.mode == StrategyMode::Conditional) {
      s.fail(s.path("conditions"), "is required for mode \"conditional\"");
    }
    return;
  }
  const std::string path = s.path("conditions");
  const auto* list = v->if_array();
  if (list == nullptr) {
    s.fail(path, "must be an array of {query, then}");
    return;
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string cpath = indexPath(path, i);
    const auto* cond = (*list)[i].if_object();
    if (cond == nullptr) {
      s.fail(cpath, "must be an object with query and then");
      continue;
    }
    Fields c(*cond, cpath, s.errors());
    const auto* query = c.get("query");
    auto then = c.string("then");
    if (query == nullptr || !query->is_object()) {
      s.fail(c.path("query"), query == nullptr ? "is required" : "must be an object");
    }
    if (c.get("then") == nullptr) {
      s.fail(c.path("then"), "is required");
    }
    if (query == nullptr || !query->is_object() || !then) {
      continue;
    }
    auto compiled = Query::compile(query->get_object(), c.path("query"), s.errors());
    if (compiled) {
      out.conditions.push_back(ConditionSpec{std::move(*compiled), std::move(*then), cpath});
    }
  }
}

void parseStrategy(const Fields& f, ConfigNode& out) {
  const auto* v = f.get("strategy");
  const std::string path = f.path("strategy");
  const auto* obj = v->if_object();
  if (obj == nullptr) {
    f.fail(path, "must be an object");
    return;
  }
  Fields s(*obj, path, f.errors());
  const auto* mode = s.get("mode");
  if (mode == nullptr) {
    s.fail(s.path("mode"), "is required");
    return;
  }
  if (!mode->is_string()) {
    s.fail(s.path("mode"), "must be a string");
    return;
  }
  out.mode = parseStrategyMode(mode->get_string());
  if (!out.mode) {
    s.fail(s.path("mode"), "unknown mode \"" + std::string(mode->get_string()) +
                               "\" (use single, loadbalance, fallback or conditional)");
    return;
  }
  if (const auto* codes = s.get("on_status_codes")) {
    out.on_status_codes = statusCodes(*codes, s.path("on_status_codes"), f.errors());
  }
  parseConditions(s, out);
  out.default_target = s.string("default");
}

/// Names in a conditional node must be unique and every `then`/`default` must name a target.
void checkConditionalNames(const ConfigNode& node, const std::string& path,
                           ValidationErrors& errors) {
  std::set<std::string, std::less<>> names;
  for (std::size_t i = 0; i < node.targets.size(); ++i) {
    const auto& name = node.targets[i].name;
    if (!name.empty() && !names.insert(name).second) {
      errors.push_back({joinPath(node.targets[i].path, "name"),
                        "duplicate target name \"" + name + "\""});
    }
  }
  for (const auto& c : node.conditions) {
    if (!names.contains(c.then)) {
      errors.push_back({joinPath(c.path, "then"), "unknown target name \"" + c.then + "\""});
    }
  }
  if (node.default_target && !names.contains(*node.default_target)) {
    errors.push_back({joinPath(joinPath(path, "strategy"), "default"),
                      "unknown target name \"" + *node.default_target + "\""});
  }
}

void parseTargets(const Fields& f, const std::string& path, ConfigNode& out) {
  const auto* v = f.get("targets");
  const std::string tpath = f.path("targets");
  const auto* list = v->if_array();
  if (list == nullptr || list->empty()) {
    f.fail(tpath, list == nullptr ? "must be an array of targets" : "must not be empty");
    return;
  }
  bool any_weight = false;
  for (std::size_t i = 0; i < list->size(); ++i) {
    ConfigNode child;
    parseNode((*list)[i], indexPath(tpath, i), child, f.errors());
    any_weight = any_weight || !child.weight || *child.weight > 0;
    out.targets.push_back(std::move(child));
  }
  if (out.mode == StrategyMode::LoadBalance && !any_weight) {
    f.fail(tpath, "at least one target needs a weight > 0");
  }
  if (out.mode == StrategyMode::Conditional) {
    checkConditionalNames(out, path, f.errors());
  }
}

void parseNode(const json::value& value, const std::string& path, ConfigNode& out,
               ValidationErrors& errors) {
  out.path = path;
  const auto* obj = value.if_object();
  if (obj == nullptr) {
    errors.push_back({path, "must be an object"});
    return;
  }
  Fields f(*obj, path, errors);
  parseSettings(f, out);
  parseTargetFields(f, out);
  const bool has_strategy = f.get("strategy") != nullptr;
  const bool has_targets = f.get("targets") != nullptr;
  if (has_strategy) {
    parseStrategy(f, out);
  }
  if (has_strategy && !has_targets) {
    f.fail(f.path("targets"), "is required with a strategy");
  } else if (has_targets && !has_strategy) {
    f.fail(f.path("strategy"), "is required with targets");
  } else if (has_targets) {
    parseTargets(f, path, out);  // even under a bad mode, so every error is reported
  }
  if (!has_strategy && !has_targets && !namesProvider(out)) {
    errors.push_back({path, "a target needs provider_id, provider, virtual_key or config_id "
                            "(or a strategy with targets)"});
  }
}

}  // namespace

ParsedConfig parseConfig(const json::value& config, const std::string& base_path) {
  ParsedConfig result;
  ConfigNode root;
  parseNode(config, base_path, root, result.errors);
  if (result.errors.empty()) {
    result.root = std::move(root);
  }
  return result;
}

}  // namespace gw::routing
