// LiteLLM preset routes over real sockets: a download from a local HTTP server with ETag
// support, conditional refresh, search, apply to a model and to a provider, upload, and the
// background sync at start-up.

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "integration/test_support.hpp"

namespace gw::test {
namespace {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string& pricesFile() {
  static const std::string kText =
      readFile(std::string(GW_SHARED_DATA_DIR) + "/litellm_model_prices.json");
  return kText;
}

/// Serves the LiteLLM price file at /prices.json with an ETag, answering 304 to a matching
/// If-None-Match. One connection at a time, on its own thread.
class PriceFileServer {
 public:
  static constexpr const char* kEtag = "\"prices-v1\"";

  PriceFileServer() : acceptor_(ioc_, {net::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { run(); });
  }
  ~PriceFileServer() {
    stopping_ = true;
    boost::system::error_code ec;
    net::ip::tcp::socket poke(ioc_);
    poke.connect(acceptor_.local_endpoint(), ec);  // wakes the blocking accept
    thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/prices.json";
  }
  std::vector<std::string> ifNoneMatch() {
    std::lock_guard lock(mutex_);
    return if_none_match_;
  }
  int requests() const { return requests_.load(); }

 private:
  void run() {
    while (!stopping_) {
      net::ip::tcp::socket socket(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) {
        continue;
      }
      serve(socket);
    }
  }

  void serve(net::ip::tcp::socket& socket) {
    boost::beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> req;
    boost::system::error_code ec;
    bhttp::read(socket, buffer, req, ec);
    if (ec) {
      return;
    }
    ++requests_;
    const std::string inm(req[bhttp::field::if_none_match]);
    {
      std::lock_guard lock(mutex_);
      if_none_match_.push_back(inm);
    }
    bhttp::response<bhttp::string_body> res;
    res.version(11);
    res.keep_alive(false);
    if (req.target() != "/prices.json") {
      res.result(bhttp::status::not_found);
    } else if (inm == kEtag) {
      res.result(bhttp::status::not_modified);
      res.set(bhttp::field::etag, kEtag);
    } else {
      res.result(bhttp::status::ok);
      res.set(bhttp::field::etag, kEtag);
      res.set(bhttp::field::content_type, "application/json");
      res.body() = pricesFile();
    }
    res.prepare_payload();
    bhttp::write(socket, res, ec);
    socket.shutdown(net::ip::tcp::socket::shutdown_both, ec);
  }

  net::io_context ioc_;
  net::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  std::mutex mutex_;
  std::vector<std::string> if_none_match_;
  std::thread thread_;
};

class PresetRoutes : public ::testing::Test {
 protected:
  PriceFileServer server;
  TestGateway gw{{{"LITELLM_PRESETS_URL", server.url()}}};
  std::string token = gw.registerAdmin();

  HttpResponse call(const std::string& method, const std::string& path,
                    const json::value& body = nullptr) {
    return gw.authed(token, method, path, body.is_null() ? "" : json::serialize(body));
  }

  std::int64_t addProvider(const std::string& name) {
    auto r = call("POST", "/api/admin/providers",
                  json::object{{"name", name}, {"type", "openai"}, {"api_key", "sk-test-key-1"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().at("id").as_int64() : 0;
  }

  std::int64_t addModel(std::int64_t provider, const std::string& name) {
    auto r =
        call("POST", "/api/admin/models", json::object{{"provider_id", provider}, {"name", name}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().at("id").as_int64() : 0;
  }

  std::int64_t presetCount() {
    return call("GET", "/api/admin/presets/status").json().at("count").as_int64();
  }
};

TEST_F(PresetRoutes, RefreshIsConditional) {
  auto status = call("GET", "/api/admin/presets/status");
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.json().at("count"), 0);
  EXPECT_EQ(status.json().at("last_result"), "never");

  auto r = call("POST", "/api/admin/presets/refresh");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("outcome").at("result"), "updated");
  EXPECT_EQ(r.json().at("count"), 1803);
  EXPECT_EQ(r.json().at("etag"), PriceFileServer::kEtag);

  r = call("POST", "/api/admin/presets/refresh");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("outcome").at("result"), "not_modified");
  EXPECT_EQ(r.json().at("last_result"), "not_modified");
  const auto seen = server.ifNoneMatch();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], "");
  EXPECT_EQ(seen[1], PriceFileServer::kEtag);
}

TEST_F(PresetRoutes, SearchApplyAndUpload) {
  ASSERT_EQ(call("POST", "/api/admin/presets/refresh").status, 200);

  auto r = call("GET", "/api/admin/presets/search?q=gpt-4o&limit=5");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto hits = r.json().at("data").as_array();
  ASSERT_FALSE(hits.empty());
  ASSERT_LE(hits.size(), 5u);
  EXPECT_EQ(hits[0].at("name"), "gpt-4o");
  EXPECT_GT(hits[0].at("input_price").as_double(), 0);
  EXPECT_GE(hits[0].at("score").as_double(), hits.back().at("score").as_double());

  r = call("GET", "/api/admin/presets/search?q=claude&provider=anthropic");
  ASSERT_EQ(r.status, 200);
  ASSERT_FALSE(r.json().at("data").as_array().empty());
  for (const auto& h : json::array(r.json().at("data").as_array())) {
    EXPECT_EQ(h.at("provider"), "anthropic") << h;
    EXPECT_TRUE(h.at("output_price").is_number()) << h;
  }

  // Apply one preset to one model.
  const auto provider = addProvider("openai-main");
  const auto model = addModel(provider, "gpt-4o");
  r = call("POST", "/api/admin/presets/apply",
           json::object{{"model_id", model}, {"preset", "gpt-4o"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_GT(r.json().at("input_price").as_double(), 0);
  EXPECT_GT(r.json().at("output_price").as_double(), 0);
  EXPECT_GT(r.json().at("context_window").as_int64(), 0);
  EXPECT_EQ(r.json().at("capabilities").at("vision"), true);
  r = call("POST", "/api/admin/presets/apply",
           json::object{{"model_id", model}, {"preset", "no-such-preset"}});
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(r.json().at("error").at("details").as_array()[0].at("path"), "preset");
  r = call("POST", "/api/admin/presets/apply", json::object{{"model_id", 999}, {"preset", "x"}});
  EXPECT_EQ(r.status, 400);

  // Apply to a whole provider.
  addModel(provider, "gpt-4o-mini");
  addModel(provider, "my-inhouse-model-zz9");
  r = call("POST", "/api/admin/presets/apply-provider", json::object{{"provider_id", provider}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("updated"), 2);
  const json::value unmatched = json::array{"my-inhouse-model-zz9"};
  EXPECT_EQ(r.json().at("unmatched"), unmatched);
  auto mini = call("GET", "/api/admin/models?q=gpt-4o-mini").json().at("data").as_array();
  ASSERT_EQ(mini.size(), 1u);
  EXPECT_GT(mini[0].at("input_price").as_double(), 0);

  // Imported models are priced in the same step.
  r = call("POST", "/api/admin/providers/" + std::to_string(provider) + "/import-models",
           json::object{{"models", json::array{"gpt-4.1-mini", "zz-unknown-thing"}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("imported"), 2);
  EXPECT_EQ(r.json().at("priced"), 1);
  auto priced = call("GET", "/api/admin/models?q=gpt-4.1-mini").json().at("data").as_array();
  ASSERT_EQ(priced.size(), 1u);
  EXPECT_GT(priced[0].at("output_price").as_double(), 0);

  // A broken upload keeps the presets in effect.
  for (const std::string broken : {"{not json", "{}", "[1,2,3]"}) {
    r = gw.authed(token, "POST", "/api/admin/presets/upload", broken);
    EXPECT_EQ(r.status, 400) << broken << " -> " << r.body;
  }
  EXPECT_EQ(presetCount(), 1803);
  r = call("GET", "/api/admin/presets/search?q=gpt-4o&limit=1");
  EXPECT_EQ(r.json().at("data").as_array().size(), 1u);

  // A good upload replaces them.
  r = gw.authed(token, "POST", "/api/admin/presets/upload",
                R"({"my-model":{"litellm_provider":"openai","mode":"chat",)"
                R"("input_cost_per_token":1e-6,"output_cost_per_token":2e-6}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("count"), 1);
  EXPECT_EQ(r.json().at("source"), "upload");
  r = call("GET", "/api/admin/presets/search?q=my-model");
  ASSERT_EQ(r.json().at("data").as_array().size(), 1u);
  EXPECT_NEAR(r.json().at("data").as_array()[0].at("input_price").as_double(), 1.0, 1e-9);
}

TEST(PresetRefresh, FailedDownloadIsAnErrorAndRecorded) {
  TestGateway offline{{{"LITELLM_PRESETS_URL", "http://127.0.0.1:9/none.json"}}};
  const auto admin = offline.registerAdmin();
  auto r = offline.authed(admin, "POST", "/api/admin/presets/refresh");
  EXPECT_EQ(r.status, 502) << r.body;
  EXPECT_FALSE(r.json().at("error").at("message").as_string().empty());
  auto status = offline.authed(admin, "GET", "/api/admin/presets/status");
  EXPECT_EQ(status.json().at("last_result"), "failed");
  EXPECT_EQ(status.json().at("count"), 0);
}

TEST(PresetScheduler, SyncsAtStartUpWhenNothingIsStored) {
  PriceFileServer server;
  TestGateway gw{{{"LITELLM_PRESETS_URL", server.url()}, {"PRESETS_AUTO_SYNC", "true"}}};
  const auto token = gw.registerAdmin();
  // The start-up sync runs in the background: poll, bounded.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  json::value status;
  while (std::chrono::steady_clock::now() < deadline) {
    status = gw.authed(token, "GET", "/api/admin/presets/status").json();
    if (status.at("last_result") != "never") {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status.at("last_result"), "updated") << status;
  EXPECT_EQ(status.at("count"), 1803);
  EXPECT_EQ(server.requests(), 1);
}

}  // namespace
}  // namespace gw::test
