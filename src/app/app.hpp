#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/config.hpp"

namespace gw::app {

inline constexpr const char* kVersion = "0.1.0";

/// The composition root: builds every component from a Config, wires the routes, and runs
/// the server. Used by `llm-gateway serve` and, in-process, by the integration tests.
class App {
public:
  explicit App(Config config);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  /// Opens the store, publishes the first snapshot, binds and starts serving.
  void start();
  /// The bound port (after start()).
  unsigned short port() const;
  /// Graceful shutdown (blocks up to the grace period).
  void stop();

  struct Impl;

private:
  std::unique_ptr<Impl> impl_;
};

/// `llm-gateway serve`: loads the configuration, runs until SIGINT/SIGTERM. Returns the exit
/// code (2 for a configuration error).
int runServe(const std::vector<std::string>& args);

}  // namespace gw::app
