#include "integration/dataplane_e2e_support.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <latch>
#include <sstream>
#include <stdexcept>
#include <thread>


namespace gw::test {

namespace {

std::runtime_error failure(const std::string& what, const HttpResponse& r) {
  return std::runtime_error(what + ": " + std::to_string(r.status) + " " + r.body);
}

}  // namespace

E2eGateway::E2eGateway(std::map<std::string, std::string> env) : env_(std::move(env)) {
  if (!env_.count("DB_PATH")) {
    env_["DB_PATH"] = (db_dir_.path() / "gateway.db").string();
  }
  gw_ = std::make_unique<TestGateway>(env_);
  token_ = gw_->registerAdmin();
}

E2eGateway::~E2eGateway() = default;

void E2eGateway::restart() {
  gw_->stop();
  gw_.reset();
  gw_ = std::make_unique<TestGateway>(env_);
  auto r = gw_->request("POST", "/api/auth/login",
                        R"({"username":"admin","password":"password123"})");
  if (r.status != 200) {
    throw failure("login after restart", r);
  }
  token_ = std::string(r.json().at("token").as_string());
}

HttpResponse E2eGateway::admin(const std::string& method, const std::string& path,
                               const json::value& body) {
  return gw_->authed(token_, method, path, body.is_null() ? std::string() : json::serialize(body));
}

std::int64_t E2eGateway::createProvider(const std::string& name, const std::string& base_url,
                                        const std::string& type) {
  const json::object body{{"name", name}, {"type", type}, {"base_url", base_url},
                          {"api_key", "sk-upstream-test"}};
  auto r = admin("POST", "/api/admin/providers", body);
  if (r.status != 201) {
    throw failure("create provider " + name, r);
  }
  return r.json().at("id").as_int64();
}

std::int64_t E2eGateway::createModel(std::int64_t provider_id, const std::string& name,
                                     const std::string& model_id, const json::object& extra) {
  json::object body = extra;
  body["provider_id"] = provider_id;
  body["name"] = name;
  body["model_id"] = model_id;
  auto r = admin("POST", "/api/admin/models", body);
  if (r.status != 201) {
    throw failure("create model " + name, r);
  }
  return r.json().at("id").as_int64();
}

std::int64_t E2eGateway::createConfig(const std::string& name, const json::value& config,
                                      const std::optional<std::string>& virtual_model) {
  json::object body{{"name", name}, {"config", config}};
  if (virtual_model) {
    body["virtual_model"] = *virtual_model;
  }
  auto r = admin("POST", "/api/admin/routing-configs", body);
  if (r.status != 201) {
    throw failure("create routing config " + name, r);
  }
  return r.json().at("id").as_int64();
}

std::string E2eGateway::createKey(json::object fields) {
  if (!fields.contains("name")) {
    fields["name"] = "key-" + std::to_string(last_key_id_ + 1);
  }
  auto r = admin("POST", "/api/admin/virtual-keys", fields);
  if (r.status != 201) {
    throw failure("create virtual key", r);
  }
  const auto v = r.json();
  const auto& o = v.as_object();
  last_key_id_ = o.at("id").as_int64();
  return std::string(o.at("key").as_string());
}

HttpResponse E2eGateway::chat(const std::string& key, const std::string& model,
                              const std::map<std::string, std::string>& headers,
                              const json::object& extra) {
  return postChat(gw_->port(), key, model, headers, extra);
}

HttpResponse postChat(unsigned short port, const std::string& key, const std::string& model,
                      const std::map<std::string, std::string>& headers,
                      const json::object& extra) {
  json::object body{{"model", model},
                    {"messages", json::array{json::object{{"role", "user"},
                                                          {"content", "hello there"}}}}};
  for (const auto& [k, v] : extra) {
    body[k] = v;
  }
  auto h = headers;
  h["Authorization"] = "Bearer " + key;
  return httpRequest(port, "POST", "/v1/chat/completions", json::serialize(body), h);
}

void abandonPost(unsigned short port, const std::string& target, const std::string& body,
                 const std::map<std::string, std::string>& headers,
                 std::chrono::milliseconds after) {
  namespace net = boost::asio;
  net::io_context ioc;
  net::ip::tcp::socket socket(ioc);
  socket.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  std::string request = "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                        "Content-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n";
  for (const auto& [k, v] : headers) {
    request += k + ": " + v + "\r\n";
  }
  request += "\r\n" + body;
  net::write(socket, net::buffer(request));
  std::this_thread::sleep_for(after);  // the client's patience, not a synchronisation
  boost::system::error_code ec;
  socket.shutdown(net::ip::tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

std::vector<HttpResponse> parallel(int n, const std::function<HttpResponse(int)>& fn) {
  std::vector<HttpResponse> out(static_cast<std::size_t>(n));
  std::vector<std::thread> threads;
  threads.reserve(out.size());
  std::latch start(n);  // every thread is up before the first request goes out
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&out, &fn, &start, i] {
      start.arrive_and_wait();
      try {
        out[static_cast<std::size_t>(i)] = fn(i);
      } catch (const std::exception& e) {
        out[static_cast<std::size_t>(i)].status = -1;
        out[static_cast<std::size_t>(i)].body = e.what();
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  return out;
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (pred()) {
      return true;
    }
    if (std::chrono::steady_clock::now() >= until) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

double sumMetric(const std::string& text, const std::string& metric) {
  double sum = 0;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.compare(0, metric.size(), metric) != 0) {
      continue;
    }
    const char next = line.size() > metric.size() ? line[metric.size()] : '\0';
    if (next != '{' && next != ' ') {
      continue;  // another metric with this prefix (e.g. _bucket)
    }
    const auto space = line.rfind(' ');
    sum += std::stod(line.substr(space + 1));
  }
  return sum;
}

std::string chatText(const HttpResponse& r) {
  const auto v = r.json();
  if (!v.is_object()) {
    return {};
  }
  const auto* choices = v.as_object().if_contains("choices");
  if (!choices || !choices->is_array() || choices->as_array().empty()) {
    return {};
  }
  const auto* content = choices->as_array()[0].as_object().at("message").as_object().if_contains(
      "content");
  return content && content->is_string() ? std::string(content->as_string()) : std::string();
}

std::vector<json::object> sseJsonEvents(const std::string& body) {
  std::vector<json::object> out;
  for (std::size_t pos = 0; (pos = body.find("data: {", pos)) != std::string::npos; ++pos) {
    const auto end = body.find("\n\n", pos);
    out.push_back(json::parse(body.substr(pos + 6, end - pos - 6)).as_object());
  }
  return out;
}

std::int64_t sseTotalTokens(const std::string& body) {
  std::int64_t total = 0;
  for (const auto& event : sseJsonEvents(body)) {
    if (const auto* u = event.if_contains("usage"); u && u->is_object()) {
      total = u->at("total_tokens").as_int64();
    }
  }
  return total;
}

}  // namespace gw::test
