#include "routing/compiler.hpp"

#include <algorithm>
#include <vector>

namespace gw::routing {

namespace {

/// Settings a node passes down to its descendants.
struct Inherited {
  json::object override_params;
  std::optional<RetrySpec> retry;
  std::optional<std::int64_t> request_timeout_ms;
  std::optional<std::string> custom_host;
};

Inherited merge(const Inherited& parent, const ConfigNode& node) {
  Inherited out = parent;
  if (node.override_params) {
    for (const auto& [key, value] : *node.override_params) {
      out.override_params[key] = value;
    }
  }
  if (node.retry) {
    out.retry = node.retry;
  }
  if (node.request_timeout_ms) {
    out.request_timeout_ms = node.request_timeout_ms;
  }
  if (node.custom_host) {
    out.custom_host = node.custom_host;
  }
  return out;
}

std::string childPath(const std::string& parent, std::size_t index) {
  return parent.empty() ? std::to_string(index) : parent + "." + std::to_string(index);
}

std::string trimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  return url;
}

class Compiler {
public:
  Compiler(const ProviderDirectory& directory, ValidationErrors& errors,
           std::optional<std::int64_t> self_id)
      : directory_(directory), errors_(errors) {
    if (self_id) {
      stack_.push_back(*self_id);
    }
  }

  void node(const ConfigNode& n, const Inherited& parent, const std::string& route_path,
            RouteNode& out) {
    const Inherited mine = merge(parent, n);
    out.path = route_path;
    out.name = n.name;
    out.weight = n.weight.value_or(1.0);
    if (n.config_id) {
      reference(n, mine, route_path, out);
      return;
    }
    if (n.isGroup()) {
      group(n, mine, route_path, out);
      return;
    }
    leaf(n, mine, out);
  }

private:
  void group(const ConfigNode& n, const Inherited& mine, const std::string& route_path,
             RouteNode& out) {
    out.mode = *n.mode;
    out.on_status_codes = n.on_status_codes;
    out.children.resize(n.targets.size());
    for (std::size_t i = 0; i < n.targets.size(); ++i) {
      node(n.targets[i], mine, childPath(route_path, i), out.children[i]);
    }
    const auto indexOf = [&](const std::string& name) -> std::optional<std::size_t> {
      for (std::size_t i = 0; i < n.targets.size(); ++i) {
        if (n.targets[i].name == name) {
          return i;
        }
      }
      return std::nullopt;  // reported by parseConfig
    };
    for (const auto& c : n.conditions) {
      if (auto index = indexOf(c.then)) {
        out.conditions.push_back(Condition{c.query, *index});
      }
    }
    if (n.default_target) {
      out.default_target = indexOf(*n.default_target);
    }
  }

  /// A `config_id` target: the referenced config compiled in place, under this target's
  /// settings. Problems inside it are reported at this target's `config_id`.
  void reference(const ConfigNode& n, const Inherited& mine, const std::string& route_path,
                 RouteNode& out) {
    const std::int64_t id = *n.config_id;
    const std::string path = joinPath(n.path, "config_id");
    if (std::find(stack_.begin(), stack_.end(), id) != stack_.end()) {
      std::string cycle = "cycle: config ";
      for (auto s : stack_) {
        cycle += std::to_string(s) + " -> ";
      }
      fail(path, cycle + std::to_string(id));
      return;
    }
    const auto json = directory_.findConfig(id);
    if (!json) {
      fail(path, "unknown routing config " + std::to_string(id));
      return;
    }
    auto parsed = parseConfig(*json);
    const bool outermost = ref_path_.empty();
    if (outermost) {
      ref_path_ = path;
    }
    for (const auto& e : parsed.errors) {
      inner(id, e.toString());
    }
    if (parsed.root) {
      const double weight = out.weight;
      const std::string name = out.name;
      stack_.push_back(id);
      ref_ids_.push_back(id);
      node(*parsed.root, mine, route_path, out);
      ref_ids_.pop_back();
      stack_.pop_back();
      out.weight = weight;  // the referencing target's, not the referenced root's
      out.name = name;
    }
    if (outermost) {
      ref_path_.clear();
    }
  }

  std::shared_ptr<const providers::ProviderConfig> resolve(const ConfigNode& n,
                                                           const Inherited& mine,
                                                           std::string& model_out) {
    if (n.provider_id) {
      if (auto p = directory_.findById(*n.provider_id)) {
        return p;
      }
      fail(joinPath(n.path, "provider_id"),
           "unknown provider id " + std::to_string(*n.provider_id));
      return nullptr;
    }
    if (n.virtual_key) {
      if (auto p = directory_.findByName(*n.virtual_key)) {
        return p;
      }
      fail(joinPath(n.path, "virtual_key"), "unknown provider \"" + *n.virtual_key + "\"");
      return nullptr;
    }
    if (n.provider) {
      std::string_view name = *n.provider;
      if (name.starts_with("@")) {
        name.remove_prefix(1);
      }
      if (auto p = directory_.findByName(name)) {
        return p;
      }
      if (auto type = directory_.findType(name)) {
        providers::ProviderConfig inline_provider;
        inline_provider.name = std::string(name);
        inline_provider.type = std::string(name);
        inline_provider.family = type->family;
        inline_provider.base_url = trimSlash(mine.custom_host.value_or(type->base_url));
        inline_provider.api_key = n.api_key.value_or("");
        return std::make_shared<const providers::ProviderConfig>(std::move(inline_provider));
      }
      fail(joinPath(n.path, "provider"), "unknown provider \"" + *n.provider + "\"");
      return nullptr;
    }
    // override_params.model = "@provider-name/model-id" (Portkey's model catalog form).
    std::string_view model = getString(mine.override_params, "model")->c_str();
    model.remove_prefix(1);
    const auto slash = model.find('/');
    if (auto p = directory_.findByName(model.substr(0, slash))) {
      model_out = std::string(model.substr(slash + 1));
      return p;
    }
    fail(joinPath(joinPath(n.path, "override_params"), "model"),
         "unknown provider \"" + std::string(model.substr(0, slash)) + "\"");
    return nullptr;
  }

  void leaf(const ConfigNode& n, const Inherited& mine, RouteNode& out) {
    std::string catalog_model;
    auto provider = resolve(n, mine, catalog_model);
    if (!provider) {
      return;
    }
    const bool is_inline = provider->id == 0;
    if (!is_inline && (mine.custom_host || n.api_key)) {
      // A stored provider with a host or key override: a private copy for this target.
      auto copy = *provider;
      if (mine.custom_host) {
        copy.base_url = trimSlash(*mine.custom_host);
      }
      if (n.api_key) {
        copy.api_key = *n.api_key;
      }
      provider = std::make_shared<const providers::ProviderConfig>(std::move(copy));
    }
    out.provider = std::move(provider);
    out.override_params = mine.override_params;
    if (!catalog_model.empty()) {
      out.override_params["model"] = catalog_model;
    }
    if (mine.retry) {
      out.retry.attempts = mine.retry->attempts;
      if (mine.retry->on_status_codes) {
        out.retry.on_status_codes = *mine.retry->on_status_codes;
      }
      out.retry.use_retry_after = mine.retry->use_retry_after.value_or(true);
    }
    if (mine.request_timeout_ms) {
      out.request_timeout = std::chrono::milliseconds(*mine.request_timeout_ms);
    }
  }

  void fail(std::string path, std::string message) {
    if (ref_ids_.empty()) {
      errors_.push_back({std::move(path), std::move(message)});
    } else {
      inner(ref_ids_.back(), path.empty() ? message : path + ": " + message);
    }
  }

  /// A problem inside referenced config `id`, reported at the outermost `config_id`.
  void inner(std::int64_t id, const std::string& what) {
    errors_.push_back({ref_path_, "in config " + std::to_string(id) + ": " + what});
  }

  const ProviderDirectory& directory_;
  ValidationErrors& errors_;
  std::vector<std::int64_t> stack_;  ///< ids of the configs being compiled, outermost first
  std::vector<std::int64_t> ref_ids_;  ///< referenced configs being compiled, innermost last
  std::string ref_path_;  ///< path of the outermost `config_id` being compiled, if any
};

}  // namespace

CompileResult compileConfig(const json::value& config, const ProviderDirectory& directory,
                            std::optional<std::int64_t> self_id) {
  CompileResult result;
  auto parsed = parseConfig(config);
  if (!parsed.root) {
    result.errors = std::move(parsed.errors);
    return result;
  }
  auto root = std::make_shared<RouteNode>();
  Compiler compiler(directory, result.errors, self_id);
  if (parsed.root->isGroup()) {
    compiler.node(*parsed.root, {}, "", *root);
  } else {
    root->mode = StrategyMode::Single;
    root->children.resize(1);
    compiler.node(*parsed.root, {}, "0", root->children[0]);
  }
  if (result.errors.empty()) {
    result.root = std::move(root);
  }
  return result;
}

RouteNodePtr compileSingle(std::shared_ptr<const providers::ProviderConfig> provider,
                           std::string upstream_model, RetryPolicy retry) {
  auto root = std::make_shared<RouteNode>();
  root->mode = StrategyMode::Single;
  RouteNode leaf;
  leaf.path = "0";
  leaf.provider = std::move(provider);
  if (!upstream_model.empty()) {
    leaf.override_params["model"] = std::move(upstream_model);
  }
  leaf.retry = std::move(retry);
  root->children.push_back(std::move(leaf));
  return root;
}

}  // namespace gw::routing
