#pragma once

// Integration-test support: the real App on port 0 with a real SQLite file in a temp dir,
// a blocking HTTP client over real sockets, and a mock-llm child process.

#include <boost/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/app.hpp"

namespace gw::test {

namespace json = boost::json;

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  ///< lower-case names
  std::string body;
  json::value json() const;  ///< parsed body (null when not JSON)
  std::string header(const std::string& name) const;
};

/// Sends one request on a new connection and reads the whole answer (chunked bodies are
/// de-chunked). `timeout` bounds the whole exchange.
HttpResponse httpRequest(unsigned short port, const std::string& method, const std::string& target,
                         const std::string& body = {},
                         const std::map<std::string, std::string>& headers = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(30));

/// A fresh temporary directory removed on destruction.
class TempDir {
public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

private:
  std::filesystem::path path_;
};

/// The gateway in-process: own temp DB, port 0, 2 threads, web dir absent.
class TestGateway {
public:
  /// `env` entries override the defaults (e.g. {"MAX_BODY_BYTES","2048"}).
  explicit TestGateway(std::map<std::string, std::string> env = {});
  ~TestGateway();
  unsigned short port() const { return app_->port(); }
  void stop();
  HttpResponse request(const std::string& method, const std::string& target,
                       const std::string& body = {},
                       std::map<std::string, std::string> headers = {});
  /// Same, with `Authorization: Bearer <token>`.
  HttpResponse authed(const std::string& token, const std::string& method,
                      const std::string& target, const std::string& body = {});
  /// Registers the first admin (admin / password123) and returns its token.
  std::string registerAdmin();
  const TempDir& dir() const { return dir_; }

private:
  TempDir dir_;
  std::unique_ptr<app::App> app_;
};

/// The mock-llm binary as a child process on a free loopback port.
class MockLlm {
public:
  MockLlm();
  ~MockLlm();
  unsigned short port() const { return port_; }
  std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// GET /_mock/requests -> the "data" array.
  json::array requests();
  void clear();
  json::object stats();

private:
  int pid_ = -1;
  unsigned short port_ = 0;
  TempDir dir_;
};

}  // namespace gw::test
