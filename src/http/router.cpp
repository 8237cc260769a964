#include "http/router.hpp"

namespace gw::http {

namespace {

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const auto j = path.find('/', i);
    out.push_back(path.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i));
    if (j == std::string_view::npos) {
      break;
    }
    i = j;
  }
  return out;
}

}  // namespace

void Router::add(std::string_view method, std::string_view pattern, Handler handler) {
  const bool literal = pattern.find(':') == std::string_view::npos &&
                       pattern.find('*') == std::string_view::npos;
  if (literal) {
    literal_[std::string(pattern)].emplace_back(std::string(method), std::move(handler));
    return;
  }
  Route r;
  r.method = std::string(method);
  for (auto seg : split(pattern)) {
    if (seg == "*") {
      r.tail = true;
      break;
    }
    r.segments.emplace_back(seg);
  }
  r.handler = std::move(handler);
  patterns_.push_back(std::move(r));
}

bool Router::matchPattern(const Route& r, std::string_view path,
                          std::vector<std::pair<std::string, std::string>>& params) {
  const auto segs = split(path);
  if (segs.size() < r.segments.size() || (!r.tail && segs.size() != r.segments.size())) {
    return false;
  }
  std::vector<std::pair<std::string, std::string>> found;
  for (std::size_t i = 0; i < r.segments.size(); ++i) {
    const auto& p = r.segments[i];
    if (!p.empty() && p[0] == ':') {
      auto decoded = percentDecode(segs[i]);
      if (!decoded) {
        return false;
      }
      found.emplace_back(p.substr(1), std::move(*decoded));
    } else if (p != segs[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

const Handler* Router::find(std::string_view method, std::string_view path,
                            std::vector<std::pair<std::string, std::string>>& params,
                            Match& match) const {
  bool path_known = false;
  if (auto it = literal_.find(std::string(path)); it != literal_.end()) {
    for (const auto& [m, h] : it->second) {
      if (m == method || (method == "HEAD" && m == "GET")) {
        match = Match::Found;
        return &h;
      }
    }
    path_known = true;
  }
  for (const auto& r : patterns_) {
    std::vector<std::pair<std::string, std::string>> p;
    if (matchPattern(r, path, p)) {
      if (r.method == method || (method == "HEAD" && r.method == "GET")) {
        params = std::move(p);
        match = Match::Found;
        return &r.handler;
      }
      path_known = true;
    }
  }
  match = path_known ? Match::MethodNotAllowed : Match::NotFound;
  return nullptr;
}

}  // namespace gw::http
