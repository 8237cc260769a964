// Provider admin routes over real sockets: CRUD and validation, secrets never returned,
// connection tests and model discovery against mock-llm, export and batch import.

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <string>

#include "integration/test_support.hpp"

namespace gw::test {
namespace {

constexpr const char* kPlantedKey = "sk-planted-provider-key-7f3a9c";
constexpr const char* kPlantedSecret = "planted-bedrock-secret-Zq81Lm";

class ProviderRoutes : public ::testing::Test {
 protected:
  TestGateway gw;
  std::string token = gw.registerAdmin();
  std::string seen;  ///< every response body, to search for leaked secrets

  HttpResponse call(const std::string& method, const std::string& path,
                    const json::value& body = nullptr) {
    auto r = gw.authed(token, method, path, body.is_null() ? "" : json::serialize(body));
    seen += r.body;
    return r;
  }

  /// Creates a provider and returns its id (fails the test when not 201).
  std::int64_t create(const json::object& body) {
    auto r = call("POST", "/api/admin/providers", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().at("id").as_int64() : 0;
  }

  std::int64_t providerCount() {
    auto r = call("GET", "/api/admin/providers?page_size=200");
    return r.json().at("total").as_int64();
  }

  static std::string firstDetailPath(const HttpResponse& r) {
    const auto details = r.json().at("error").at("details").as_array();
    return details.empty() ? "" : std::string(details.front().at("path").as_string());
  }
};

json::object openAi(const std::string& name, const std::string& base_url) {
  return json::object{
      {"name", name}, {"type", "openai"}, {"base_url", base_url}, {"api_key", kPlantedKey}};
}

/// A loopback port nothing listens on.
unsigned short closedPort() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = a.local_endpoint().port();
  a.close();
  return port;
}

TEST_F(ProviderRoutes, TemplatesListTheCatalog) {
  auto r = call("GET", "/api/admin/provider-templates");
  ASSERT_EQ(r.status, 200);
  bool found = false;
  for (const auto& t : json::array(r.json().at("data").as_array())) {
    found = found || t.at("id") == "anthropic";
  }
  EXPECT_TRUE(found);
}

TEST_F(ProviderRoutes, CrudKeepsTheKeyWriteOnly) {
  const auto id = create(openAi("main", "https://api.example.com/v1"));
  auto one = call("GET", "/api/admin/providers/" + std::to_string(id));
  ASSERT_EQ(one.status, 200);
  const auto p = one.json().as_object();
  EXPECT_EQ(p.at("name"), "main");
  EXPECT_EQ(p.at("has_api_key"), true);
  EXPECT_EQ(p.at("api_key_masked"), "sk-...3a9c");
  EXPECT_FALSE(p.contains("api_key"));

  // Partial update keeps the key; a disabled provider may drop it.
  auto put = call("PUT", "/api/admin/providers/" + std::to_string(id),
                  json::object{{"base_url", "https://other.example.com/v1"}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json().at("has_api_key"), true);
  EXPECT_EQ(put.json().at("base_url"), "https://other.example.com/v1");
  auto cleared =
      call("PUT", "/api/admin/providers/" + std::to_string(id), json::object{{"api_key", ""}});
  EXPECT_EQ(cleared.status, 400) << cleared.body;  // an enabled OpenAI provider needs a key
  EXPECT_EQ(firstDetailPath(cleared), "api_key");
  cleared = call("PUT", "/api/admin/providers/" + std::to_string(id),
                 json::object{{"api_key", ""}, {"enabled", false}});
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_EQ(cleared.json().at("has_api_key"), false);
  EXPECT_EQ(cleared.json().at("enabled"), false);

  auto list = call("GET", "/api/admin/providers?q=mai&type=openai");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json().at("total"), 1);
  list = call("GET", "/api/admin/providers?enabled=true");
  EXPECT_EQ(list.json().at("total"), 0);

  // Deleting a provider deletes its models.
  auto model =
      call("POST", "/api/admin/models", json::object{{"provider_id", id}, {"name", "gpt-4o"}});
  ASSERT_EQ(model.status, 201) << model.body;
  const auto model_id = model.json().at("id").as_int64();
  EXPECT_EQ(call("DELETE", "/api/admin/providers/" + std::to_string(id)).status, 204);
  EXPECT_EQ(call("GET", "/api/admin/providers/" + std::to_string(id)).status, 404);
  EXPECT_EQ(call("DELETE", "/api/admin/providers/" + std::to_string(id)).status, 404);
  EXPECT_EQ(call("GET", "/api/admin/models/" + std::to_string(model_id)).status, 404);
  EXPECT_EQ(seen.find(kPlantedKey), std::string::npos);
}

TEST_F(ProviderRoutes, BadInputIsRejectedWithTheFieldPath) {
  create(openAi("dup", "https://api.example.com/v1"));
  auto r = call("POST", "/api/admin/providers", openAi("dup", "https://x.example.com/v1"));
  EXPECT_EQ(r.status, 409) << r.body;

  r = call("POST", "/api/admin/providers", json::object{{"name", "x"}, {"type", "nope"}});
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(firstDetailPath(r), "type");

  auto bad_url = openAi("u", "ftp://example.com");
  r = call("POST", "/api/admin/providers", bad_url);
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(firstDetailPath(r), "base_url");

  r = call("POST", "/api/admin/providers",
           json::object{{"name", std::string(101, 'n')}, {"type", "openai"}});
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(firstDetailPath(r), "name");

  r = call("POST", "/api/admin/providers",
           json::object{{"name", "az"},
                        {"type", "azure-openai"},
                        {"api_key", "k"},
                        {"config", json::object{{"resource", "r"}, {"api_version", 2024}}}});
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(firstDetailPath(r), "config.api_version");

  // Settings the request path could not compile: Bedrock without its access key id.
  r = call("POST", "/api/admin/providers",
           json::object{{"name", "br"},
                        {"type", "bedrock"},
                        {"config", json::object{{"secret_access_key", kPlantedSecret}}}});
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(firstDetailPath(r), "config.access_key_id");

  r = gw.authed(token, "POST", "/api/admin/providers", "{not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(call("GET", "/api/admin/providers/424242").status, 404);
  EXPECT_EQ(call("PUT", "/api/admin/providers/424242", json::object{{"enabled", false}}).status,
            404);
  EXPECT_EQ(providerCount(), 1);
}

TEST_F(ProviderRoutes, ViewerMayReadButNotWrite) {
  auto u =
      call("POST", "/api/admin/users",
           json::object{{"username", "watcher"}, {"password", "password123"}, {"role", "viewer"}});
  ASSERT_EQ(u.status, 201) << u.body;
  auto login =
      gw.request("POST", "/api/auth/login", R"({"username":"watcher","password":"password123"})");
  ASSERT_EQ(login.status, 200);
  const std::string viewer(login.json().at("token").as_string());
  EXPECT_EQ(gw.authed(viewer, "GET", "/api/admin/providers").status, 200);
  auto r = gw.authed(viewer, "POST", "/api/admin/providers",
                     json::serialize(openAi("v", "https://api.example.com/v1")));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(providerCount(), 0);
  EXPECT_EQ(gw.request("GET", "/api/admin/providers").status, 401);
}

TEST_F(ProviderRoutes, ConnectionTestReachesTheProvider) {
  MockLlm mock;
  const auto id = create(openAi("mock", mock.baseUrl() + "/v1"));
  auto r = call("POST", "/api/admin/providers/" + std::to_string(id) + "/test");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto o = r.json().as_object();
  EXPECT_EQ(o.at("success"), true) << r.body;
  EXPECT_EQ(o.at("status"), 200);
  EXPECT_GE(o.at("latency_ms").as_int64(), 0);
  const auto requests = mock.requests();
  ASSERT_FALSE(requests.empty());
  const auto& last = requests.back().as_object();
  EXPECT_EQ(last.at("target"), "/v1/models");
  EXPECT_EQ(last.at("headers").at("authorization").as_string(),
            std::string("Bearer ") + kPlantedKey);

  // The provider's own error comes back as the message, with success false.
  const auto denied = create(
      json::object{{"name", "denied"},
                   {"type", "openai"},
                   {"base_url", mock.baseUrl() + "/v1"},
                   {"api_key", kPlantedKey},
                   {"config", json::object{{"headers", json::object{{"x-mock-status", "401"}}}}}});
  r = call("POST", "/api/admin/providers/" + std::to_string(denied) + "/test");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json().at("success"), false);
  EXPECT_EQ(r.json().at("status"), 401);
  EXPECT_FALSE(r.json().at("message").as_string().empty());
  EXPECT_EQ(call("POST", "/api/admin/providers/999/test").status, 404);
  EXPECT_EQ(seen.find(kPlantedKey), std::string::npos);
}

TEST_F(ProviderRoutes, ConnectionTestToAClosedPortFailsFast) {
  const auto id =
      create(openAi("closed", "http://127.0.0.1:" + std::to_string(closedPort()) + "/v1"));
  const auto started = std::chrono::steady_clock::now();
  auto r = call("POST", "/api/admin/providers/" + std::to_string(id) + "/test");
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("success"), false);
  EXPECT_EQ(r.json().at("status"), 0);
  const std::string message(r.json().at("message").as_string());
  EXPECT_NE(message.find("refused"), std::string::npos) << message;
  EXPECT_LT(took, std::chrono::seconds(16));
}

TEST_F(ProviderRoutes, FetchAndImportModels) {
  MockLlm mock;
  const auto id = create(openAi("mock", mock.baseUrl() + "/v1"));
  const json::object by_id{{"provider_id", id}};
  auto r = call("POST", "/api/admin/providers/fetch-models", by_id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("source"), "provider");
  const auto data = r.json().at("data").as_array();
  ASSERT_EQ(data.size(), 3u);
  EXPECT_EQ(data[0].at("id"), "mock-embedding");
  EXPECT_EQ(data[0].at("owned_by"), "mock-llm");
  EXPECT_EQ(data[0].at("imported"), false);

  auto imp = call("POST", "/api/admin/providers/" + std::to_string(id) + "/import-models",
                  json::object{{"models", json::array{"mock-gpt", "mock-embedding", "mock-gpt"}}});
  ASSERT_EQ(imp.status, 200) << imp.body;
  EXPECT_EQ(imp.json().at("imported"), 2);
  EXPECT_EQ(imp.json().at("skipped"), 1);
  imp = call("POST", "/api/admin/providers/" + std::to_string(id) + "/import-models",
             json::object{{"models", json::array{"mock-gpt", "mock-gpt-mini"}}});
  EXPECT_EQ(imp.json().at("imported"), 1);
  EXPECT_EQ(imp.json().at("skipped"), 1);
  auto models = call("GET", "/api/admin/models?provider_id=" + std::to_string(id) + "&sort=name");
  ASSERT_EQ(models.json().at("total"), 3);
  const auto first = models.json().at("data").as_array()[0];
  EXPECT_EQ(first.at("name"), "mock-embedding");
  EXPECT_EQ(first.at("mode"), "embedding");

  r = call("POST", "/api/admin/providers/fetch-models", by_id);
  for (const auto& m : json::array(r.json().at("data").as_array())) {
    EXPECT_EQ(m.at("imported"), true) << m;
  }

  // An unsaved provider, and a type without a list endpoint (catalog fallback).
  r = call(
      "POST", "/api/admin/providers/fetch-models",
      json::object{
          {"type", "openai"}, {"base_url", mock.baseUrl() + "/v1"}, {"api_key", "sk-unsaved"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("source"), "provider");
  EXPECT_EQ(r.json().at("data").as_array().size(), 3u);
  r = call("POST", "/api/admin/providers/fetch-models",
           json::object{{"type", "perplexity"}, {"api_key", "pplx-1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("source"), "catalog");
  EXPECT_FALSE(r.json().at("data").as_array().empty());

  r = call("POST", "/api/admin/providers/fetch-models", json::object{{"provider_id", 999}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(firstDetailPath(r), "provider_id");
  r = call("POST", "/api/admin/providers/fetch-models", json::object{{"type", "bogus"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(firstDetailPath(r), "type");
  r = call("POST", "/api/admin/providers/" + std::to_string(id) + "/import-models",
           json::object{{"models", json::array{"ok", 5}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(firstDetailPath(r), "models[1]");
  EXPECT_EQ(seen.find(kPlantedKey), std::string::npos);
}

TEST_F(ProviderRoutes, ExportCarriesNoSecretAndImportSkipsExisting) {
  const auto openai_id = create(openAi("alpha", "https://api.example.com/v1"));
  create(json::object{{"name", "aws"},
                      {"type", "bedrock"},
                      {"config", json::object{{"region", "eu-west-1"},
                                              {"access_key_id", "AKIAEXAMPLE"},
                                              {"secret_access_key", kPlantedSecret}}}});
  ASSERT_EQ(call("POST", "/api/admin/models",
                 json::object{{"provider_id", openai_id}, {"name", "gpt-4o"}, {"input_price", 2.5}})
                .status,
            201);
  auto one = call("GET", "/api/admin/providers?q=aws");
  EXPECT_EQ(one.body.find(kPlantedSecret), std::string::npos);

  auto exp = call("GET", "/api/admin/providers/export");
  ASSERT_EQ(exp.status, 200) << exp.body;
  EXPECT_EQ(exp.body.find(kPlantedKey), std::string::npos);
  EXPECT_EQ(exp.body.find(kPlantedSecret), std::string::npos);
  auto doc = exp.json().as_object();
  EXPECT_EQ(doc.at("version"), 1);
  ASSERT_EQ(doc.at("providers").as_array().size(), 2u);

  // Import into the same gateway: "alpha" and "aws" exist; "beta" is new.
  auto& list = doc.at("providers").as_array();
  json::object beta = list[0].as_object();
  beta["name"] = "beta";
  list.push_back(beta);
  auto imp = call("POST", "/api/admin/providers/batch-import", doc);
  ASSERT_EQ(imp.status, 200) << imp.body;
  EXPECT_EQ(imp.json().at("imported"), 1);
  EXPECT_EQ(imp.json().at("skipped"), 2);
  auto created = call("GET", "/api/admin/providers?q=beta");
  ASSERT_EQ(created.json().at("total"), 1);
  const auto b = created.json().at("data").as_array()[0];
  EXPECT_EQ(b.at("enabled"), false);
  EXPECT_EQ(b.at("has_api_key"), false);
  EXPECT_EQ(b.at("model_count").as_int64(), 1);

  // Broken files change nothing.
  const auto before = providerCount();
  auto wrong_version = doc;
  wrong_version["version"] = 2;
  list.back().as_object()["name"] = "gamma";
  imp = call("POST", "/api/admin/providers/batch-import", wrong_version);
  EXPECT_EQ(imp.status, 400) << imp.body;
  auto bad_entry = doc;
  bad_entry.at("providers").as_array().back().as_object()["type"] = "no-such-type";
  imp = call("POST", "/api/admin/providers/batch-import", bad_entry);
  ASSERT_EQ(imp.status, 400) << imp.body;
  EXPECT_EQ(firstDetailPath(imp), "providers[2].type");
  imp = gw.authed(token, "POST", "/api/admin/providers/batch-import", "[1,2");
  EXPECT_EQ(imp.status, 400);
  EXPECT_EQ(providerCount(), before);

  auto enabled_only = call("GET", "/api/admin/providers/export?enabled_only=true");
  EXPECT_EQ(enabled_only.json().at("providers").as_array().size(), 2u);
  EXPECT_EQ(seen.find(kPlantedKey), std::string::npos);
  EXPECT_EQ(seen.find(kPlantedSecret), std::string::npos);
}

}  // namespace
}  // namespace gw::test
