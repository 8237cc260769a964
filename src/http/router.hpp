#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/request_context.hpp"

namespace gw::http {

using Handler = std::function<net::awaitable<void>(RequestContext&)>;

/// Maps (method, path) to handlers. Patterns are literal segments, `:name` parameters and a
/// trailing `*` that matches the rest of the path. Literal routes are looked up in a hash map;
/// patterns are tried in registration order.
/// @par Thread Safety
/// Built at start-up, then read-only and shared by all event loops.
class Router {
public:
  enum class Match { Found, NotFound, MethodNotAllowed };

  void add(std::string_view method, std::string_view pattern, Handler handler);
  /// Handler for paths no route matches (e.g. static files). Called for GET and HEAD only.
  void setFallback(Handler handler) { fallback_ = std::move(handler); }

  /// Finds the handler; fills `params`. Returns nullptr with `match` explaining why.
  const Handler* find(std::string_view method, std::string_view path,
                      std::vector<std::pair<std::string, std::string>>& params,
                      Match& match) const;
  const Handler* fallback() const { return fallback_ ? &fallback_ : nullptr; }

private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    bool tail = false;
    Handler handler;
  };
  static bool matchPattern(const Route& r, std::string_view path,
                           std::vector<std::pair<std::string, std::string>>& params);

  std::unordered_map<std::string, std::vector<std::pair<std::string, Handler>>> literal_;
  std::vector<Route> patterns_;
  Handler fallback_;
};

}  // namespace gw::http
