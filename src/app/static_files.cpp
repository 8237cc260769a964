#include "app/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "http/errors.hpp"

namespace gw::app {

namespace fs = std::filesystem;

std::string contentTypeFor(const std::string& path) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
      {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".gif", "image/gif"},
      {".ico", "image/x-icon"}, {".webp", "image/webp"}, {".woff", "font/woff"},
      {".woff2", "font/woff2"}, {".ttf", "font/ttf"}, {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"}, {".wasm", "application/wasm"}};
  const auto ext = fs::path(path).extension().string();
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

StaticFiles::StaticFiles(const std::string& dir) : dir_(dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return;
  }
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file()) {
      continue;
    }
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string rel = "/" + fs::relative(it->path(), dir).generic_string();
    files_[rel] = File{ss.str(), contentTypeFor(rel)};
  }
}

namespace {

constexpr std::string_view kNoUiPage =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>LLM Gateway</title></head>"
    "<body><h1>LLM Gateway is running</h1><p>The web UI is not built. Build it with "
    "<code>make web</code> (or <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>), "
    "or start everything with <code>make run</code>.</p><p>The API answers under "
    "<code>/api</code> and <code>/v1</code>; health at <code>/healthz</code>.</p></body></html>";

/// True when a decoded path could climb out of the web root or smuggle a separator, at any
/// depth of percent-encoding ("%252e%252e" is ".." after two decodings: some proxies and
/// clients decode twice, so such paths are refused rather than served as SPA routes).
bool unsafePath(const std::string& decoded) {
  std::string cur = decoded;
  for (int depth = 0; depth < 4; ++depth) {
    if (cur.find("..") != std::string::npos || cur.find('\\') != std::string::npos ||
        cur.find('\0') != std::string::npos) {
      return true;
    }
    if (cur.find('%') == std::string::npos) {
      return false;
    }
    auto next = http::percentDecode(cur);
    if (!next || *next == cur) {
      return false;  // a literal '%' that is no escape
    }
    cur = std::move(*next);
  }
  return true;  // still encoded after four decodings: nothing legitimate looks like that
}

bool reserved(std::string_view path) {
  for (std::string_view p : {"/api/", "/v1/", "/healthz", "/readyz", "/metrics"}) {
    if (path.rfind(p, 0) == 0) {
      return true;
    }
  }
  return path == "/api" || path == "/v1";
}

}  // namespace

http::Handler StaticFiles::handler() const {
  return [this](http::RequestContext& rc) -> http::net::awaitable<void> {
    const std::string_view raw = rc.path();
    auto decoded = http::percentDecode(raw);
    if (!decoded || unsafePath(*decoded) || reserved(*decoded)) {
      co_await rc.sendJson(404, http::errorBodyFor(raw, Error::notFound("not found")));
      co_return;
    }
    if (files_.empty()) {
      co_await rc.send(200, std::string(kNoUiPage), "text/html; charset=utf-8");
      co_return;
    }
    std::string path = *decoded;
    if (path == "/") {
      path = "/index.html";
    }
    auto it = files_.find(path);
    if (it == files_.end()) {
      // A missing asset is a real 404; any other path is a client-side route of the SPA.
      if (path.rfind("/assets/", 0) == 0 || fs::path(path).has_extension()) {
        co_await rc.sendJson(404, http::errorBodyFor(raw, Error::notFound("not found")));
        co_return;
      }
      it = files_.find("/index.html");
      if (it == files_.end()) {
        co_await rc.send(200, std::string(kNoUiPage), "text/html; charset=utf-8");
        co_return;
      }
    }
    rc.addHeader("cache-control", path.rfind("/assets/", 0) == 0
                                      ? "public, max-age=31536000, immutable"
                                      : "no-cache");
    rc.addHeader("x-content-type-options", "nosniff");
    co_await rc.send(200, it->second.body, it->second.content_type);
  };
}

}  // namespace gw::app
