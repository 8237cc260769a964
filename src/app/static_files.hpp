#pragma once

#include <map>
#include <memory>
#include <string>

#include "http/router.hpp"

namespace gw::app {

/// Serves the built web UI from a directory, loaded into memory at start-up (the UI is a few
/// megabytes; serving from memory keeps file I/O off the event loops). SPA fallback: paths
/// without a file answer index.html. Hashed assets under /assets/ are cached for a year.
/// Paths with `..` (plain or percent-encoded) answer 404.
/// @par Thread Safety
/// Immutable after construction.
class StaticFiles {
public:
  explicit StaticFiles(const std::string& dir);
  /// True when the directory held an index.html.
  bool available() const { return files_.count("/index.html") > 0; }
  std::size_t fileCount() const { return files_.size(); }
  http::Handler handler() const;

private:
  struct File {
    std::string body;
    std::string content_type;
  };
  std::map<std::string, File> files_;
  std::string dir_;
};

/// Content type for a file name by extension.
std::string contentTypeFor(const std::string& path);

}  // namespace gw::app
