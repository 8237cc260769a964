#pragma once

#include <string>
#include <vector>

namespace gw::routing {

/// One problem in a routing config: the JSON path of the bad field (e.g.
/// `targets[1].weight`, `strategy.conditions[0].query.metadata.plan.$foo`; empty for the
/// document itself) and what is wrong with it.
struct ValidationError {
  std::string path;
  std::string message;

  /// "path: message", or the message alone for the root.
  std::string toString() const { return path.empty() ? message : path + ": " + message; }
  bool operator==(const ValidationError&) const = default;
};

using ValidationErrors = std::vector<ValidationError>;

/// Joins a JSON path and a key: `join("targets[0]", "weight")` is "targets[0].weight".
inline std::string joinPath(const std::string& base, std::string_view key) {
  return base.empty() ? std::string(key) : base + "." + std::string(key);
}

/// Appends an array index: `indexPath("targets", 2)` is "targets[2]".
inline std::string indexPath(const std::string& base, std::size_t index) {
  return base + "[" + std::to_string(index) + "]";
}

}  // namespace gw::routing
