#include "integration/test_support.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

#include "app/config.hpp"

namespace gw::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

json::value HttpResponse::json() const {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  return ec ? json::value(nullptr) : v;
}

std::string HttpResponse::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

HttpResponse httpRequest(unsigned short port, const std::string& method, const std::string& target,
                         const std::string& body, const std::map<std::string, std::string>& headers,
                         std::chrono::milliseconds timeout) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(timeout);
  stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  bool has_type = false;
  for (const auto& [k, v] : headers) {
    req.set(k, v);
    has_type = has_type || beast::iequals(k, "content-type");
  }
  if (!body.empty() && !has_type) {
    req.set(bhttp::field::content_type, "application/json");
  }
  req.body() = body;
  req.prepare_payload();
  bhttp::write(stream, req);
  beast::flat_buffer buf;
  bhttp::response_parser<bhttp::string_body> parser;
  // Large enough for /api/agent/binary: a sanitizer build of the test binary is ~300 MB.
  parser.body_limit(std::uint64_t{1} << 30);
  boost::system::error_code ec;
  bhttp::read(stream, buf, parser, ec);
  HttpResponse out;
  if (ec && !parser.is_header_done()) {
    out.status = 0;
    return out;
  }
  const auto& res = parser.get();
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = res.body();
  stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
  return out;
}

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("gwtest-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

TestGateway::TestGateway(std::map<std::string, std::string> env) {
  std::map<std::string, std::string> e = {
      {"PORT", "0"},
      {"HOST", "127.0.0.1"},
      {"THREADS", "2"},
      {"DB_PATH", (dir_.path() / "gateway.db").string()},
      {"LOG_LEVEL", "warn"},
      {"JWT_SECRET", "integration-test-secret-0123456789abcdef"},
      {"SECRET_KEY", "integration-test-secret-key-0123456789"},
      {"WEB_DIR", (dir_.path() / "no-web").string()},
      {"SHUTDOWN_GRACE_MS", "5000"},
      {"PRESETS_AUTO_SYNC", "false"},
      {"LITELLM_PRESETS_URL", "http://127.0.0.1:9/none.json"},
  };
  for (auto& [k, v] : env) {
    e[k] = v;
  }
  auto config = app::loadConfig({}, (dir_.path() / "no.env").string(), &e);
  app_ = std::make_unique<app::App>(config);
  app_->start();
}

TestGateway::~TestGateway() { stop(); }

void TestGateway::stop() {
  if (app_) {
    app_->stop();
  }
}

HttpResponse TestGateway::request(const std::string& method, const std::string& target,
                                  const std::string& body,
                                  std::map<std::string, std::string> headers) {
  return httpRequest(port(), method, target, body, headers);
}

HttpResponse TestGateway::authed(const std::string& token, const std::string& method,
                                 const std::string& target, const std::string& body) {
  return request(method, target, body, {{"Authorization", "Bearer " + token}});
}

std::string TestGateway::registerAdmin() {
  auto r = request("POST", "/api/auth/register", R"({"username":"admin","password":"password123"})");
  if (r.status != 201) {
    throw std::runtime_error("register failed: " + std::to_string(r.status) + " " + r.body);
  }
  return std::string(r.json().at("token").as_string());
}

MockLlm::MockLlm() {
  const auto port_file = (dir_.path() / "port").string();
  pid_ = ::fork();
  if (pid_ == 0) {
    ::execl(GW_MOCK_LLM_BIN, "mock-llm", "--host", "127.0.0.1", "--port", "0", "--port-file",
            port_file.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 500 && port_ == 0; ++i) {
    std::ifstream f(port_file);
    int p = 0;
    if (f >> p && p > 0) {
      port_ = static_cast<unsigned short>(p);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (port_ == 0) {
    throw std::runtime_error("mock-llm did not start");
  }
}

MockLlm::~MockLlm() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

json::array MockLlm::requests() {
  auto r = httpRequest(port_, "GET", "/_mock/requests");
  return r.json().at("data").as_array();
}

void MockLlm::clear() { httpRequest(port_, "DELETE", "/_mock/requests"); }

json::object MockLlm::stats() { return httpRequest(port_, "GET", "/_mock/stats").json().as_object(); }

}  // namespace gw::test
