// Model admin routes over real sockets: CRUD and validation, filters, sort and paging, JSON and
// CSV batch import (all rows validated first), batch actions.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "integration/test_support.hpp"

namespace gw::test {
namespace {

class ModelRoutes : public ::testing::Test {
 protected:
  void SetUp() override {
    // Local servers need no key, which keeps the fixtures short.
    local_ = addProvider("local", "ollama");
    other_ = addProvider("other", "vllm");
  }

  std::int64_t addProvider(const std::string& name, const std::string& type) {
    auto r = gw.authed(token, "POST", "/api/admin/providers",
                       json::serialize(json::object{{"name", name}, {"type", type}}));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().at("id").as_int64() : 0;
  }

  HttpResponse call(const std::string& method, const std::string& path,
                    const json::value& body = nullptr) {
    return gw.authed(token, method, path, body.is_null() ? "" : json::serialize(body));
  }

  HttpResponse csv(const std::string& text) {
    return gw.request("POST", "/api/admin/models/batch-import", text,
                      {{"Authorization", "Bearer " + token}, {"Content-Type", "text/csv"}});
  }

  std::int64_t addModel(json::object body) {
    auto r = call("POST", "/api/admin/models", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().at("id").as_int64() : 0;
  }

  std::int64_t total(const std::string& query = "") {
    return call("GET", "/api/admin/models" + query).json().at("total").as_int64();
  }

  std::vector<std::string> names(const std::string& query) {
    std::vector<std::string> out;
    for (const auto& m :
         json::array(call("GET", "/api/admin/models" + query).json().at("data").as_array())) {
      out.emplace_back(m.at("name").as_string());
    }
    return out;
  }

  static std::string firstDetailPath(const HttpResponse& r) {
    const auto details = r.json().at("error").at("details").as_array();
    return details.empty() ? "" : std::string(details.front().at("path").as_string());
  }

  TestGateway gw;
  std::string token = gw.registerAdmin();
  std::int64_t local_ = 0;
  std::int64_t other_ = 0;
};

TEST_F(ModelRoutes, CreateReadUpdateDelete) {
  auto r = call("POST", "/api/admin/models",
                json::object{{"provider_id", local_},
                             {"name", "llama3"},
                             {"context_window", 8192},
                             {"input_price", 0.5},
                             {"capabilities", json::object{{"tools", true}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  const auto m = r.json().as_object();
  const auto id = m.at("id").as_int64();
  EXPECT_EQ(m.at("model_id"), "llama3");  // defaults to the name
  EXPECT_EQ(m.at("provider_name"), "local");
  EXPECT_EQ(m.at("mode"), "chat");
  EXPECT_EQ(m.at("enabled"), true);
  EXPECT_EQ(m.at("output_price"), nullptr);
  const json::value caps =
      json::object{{"tools", true}, {"vision", false}, {"json_mode", false}, {"reasoning", false}};
  EXPECT_EQ(m.at("capabilities"), caps);

  r = call("PUT", "/api/admin/models/" + std::to_string(id),
           json::object{{"output_price", 1.5},
                        {"context_window", nullptr},
                        {"capabilities", json::object{{"vision", true}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("output_price"), 1.5);
  EXPECT_EQ(r.json().at("input_price"), 0.5);
  EXPECT_EQ(r.json().at("context_window"), nullptr);
  EXPECT_EQ(r.json().at("capabilities").at("tools"), true);
  EXPECT_EQ(r.json().at("capabilities").at("vision"), true);
  EXPECT_EQ(call("GET", "/api/admin/models/" + std::to_string(id)).json().at("output_price"), 1.5);

  EXPECT_EQ(call("DELETE", "/api/admin/models/" + std::to_string(id)).status, 204);
  EXPECT_EQ(call("GET", "/api/admin/models/" + std::to_string(id)).status, 404);
  EXPECT_EQ(call("DELETE", "/api/admin/models/" + std::to_string(id)).status, 404);
  EXPECT_EQ(call("PUT", "/api/admin/models/" + std::to_string(id), json::object{}).status, 404);
}

TEST_F(ModelRoutes, BadInputNamesTheFieldAndChangesNothing) {
  addModel({{"provider_id", local_}, {"name", "taken"}});
  struct Case {
    json::object body;
    std::string path;
  };
  const std::vector<Case> cases = {
      {{{"provider_id", 9999}, {"name", "x"}}, "provider_id"},
      {{{"name", "x"}}, "provider_id"},
      {{{"provider_id", local_}}, "name"},
      {{{"provider_id", local_}, {"name", "x"}, {"mode", "video"}}, "mode"},
      {{{"provider_id", local_}, {"name", "x"}, {"input_price", -1}}, "input_price"},
      {{{"provider_id", local_}, {"name", "x"}, {"context_window", 0}}, "context_window"},
      {{{"provider_id", local_}, {"name", "x"}, {"max_output_tokens", 1.5}}, "max_output_tokens"},
      {{{"provider_id", local_}, {"name", "x"}, {"capabilities", json::object{{"tools", "yes"}}}},
       "capabilities.tools"},
      {{{"provider_id", local_}, {"name", "x"}, {"capabilities", json::object{{"teleport", true}}}},
       "capabilities.teleport"},
  };
  for (const auto& c : cases) {
    auto r = call("POST", "/api/admin/models", c.body);
    ASSERT_EQ(r.status, 400) << json::serialize(c.body) << " -> " << r.body;
    EXPECT_EQ(firstDetailPath(r), c.path) << r.body;
  }
  EXPECT_EQ(
      call("POST", "/api/admin/models", json::object{{"provider_id", local_}, {"name", "taken"}})
          .status,
      409);
  // The same name under another provider is fine.
  addModel({{"provider_id", other_}, {"name", "taken"}});
  EXPECT_EQ(total(), 2);
}

TEST_F(ModelRoutes, FiltersSortAndPaging) {
  addModel({{"provider_id", local_},
            {"name", "a-chat"},
            {"input_price", 3.0},
            {"capabilities", json::object{{"vision", true}}}});
  addModel(
      {{"provider_id", local_}, {"name", "b-embed"}, {"mode", "embedding"}, {"input_price", 0.1}});
  addModel({{"provider_id", other_},
            {"name", "c-chat"},
            {"input_price", 1.0},
            {"capabilities", json::object{{"vision", true}, {"tools", true}}}});
  addModel({{"provider_id", other_}, {"name", "d-off"}, {"enabled", false}, {"input_price", 2.0}});

  EXPECT_EQ(total("?provider_id=" + std::to_string(local_)), 2);
  EXPECT_EQ(names("?mode=embedding"), std::vector<std::string>{"b-embed"});
  EXPECT_EQ(names("?capability=vision&sort=name"), (std::vector<std::string>{"a-chat", "c-chat"}));
  EXPECT_EQ(names("?capability=tools"), std::vector<std::string>{"c-chat"});
  EXPECT_EQ(names("?enabled=false"), std::vector<std::string>{"d-off"});
  EXPECT_EQ(names("?q=chat&sort=name&order=desc"), (std::vector<std::string>{"c-chat", "a-chat"}));
  EXPECT_EQ(names("?sort=input_price&order=desc"),
            (std::vector<std::string>{"a-chat", "d-off", "c-chat", "b-embed"}));
  EXPECT_EQ(names("?sort=input_price&page_size=3&page=2"), std::vector<std::string>{"a-chat"});
  EXPECT_EQ(total("?sort=input_price&page_size=3&page=2"), 4);
  EXPECT_EQ(names("?sort=provider&order=desc&page_size=1"), std::vector<std::string>{"c-chat"});
}

TEST_F(ModelRoutes, JsonBatchImportValidatesEveryRowFirst) {
  addModel({{"provider_id", local_}, {"name", "exists"}});
  const json::array good = {
      json::object{{"provider_id", local_}, {"name", "exists"}},
      json::object{{"provider", "other"}, {"name", "new-1"}, {"output_price", 4}},
      json::object{{"provider_id", local_}, {"name", "new-2"}, {"model_id", "upstream-2"}},
  };
  auto r = call("POST", "/api/admin/models/batch-import", json::object{{"models", good}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("imported"), 2);
  EXPECT_EQ(r.json().at("skipped"), 1);
  EXPECT_EQ(r.json().at("failed"), 0);
  EXPECT_EQ(names("?provider_id=" + std::to_string(other_)), std::vector<std::string>{"new-1"});

  json::array bad = good;
  bad.push_back(json::object{{"provider", "nobody"}, {"name", "n"}});
  bad.push_back(json::object{{"provider_id", local_}, {"name", "n"}, {"mode", "video"}});
  bad.push_back(json::object{{"provider_id", local_}, {"name", "fresh"}});
  r = call("POST", "/api/admin/models/batch-import", json::object{{"models", bad}});
  ASSERT_EQ(r.status, 400) << r.body;
  const auto details = r.json().at("error").at("details").as_array();
  ASSERT_EQ(details.size(), 2u) << r.body;
  EXPECT_EQ(details[0].at("path"), "models[3].provider");
  EXPECT_EQ(details[1].at("path"), "models[4].mode");
  EXPECT_EQ(total(), 3);

  EXPECT_EQ(call("POST", "/api/admin/models/batch-import", json::object{}).status, 400);
  EXPECT_EQ(call("POST", "/api/admin/models/batch-import", json::object{{"models", json::array{}}})
                .status,
            400);
}

TEST_F(ModelRoutes, CsvBatchImport) {
  const std::string text =
      "provider,name,model_id,mode,context_window,input_price,output_price,tools,vision\r\n"
      "local,\"chat, the big one\",big,chat,128000,2.5,10,true,false\r\n"
      "\r\n"
      "other,embedder,,embedding,,0.02,,,\r\n";
  auto r = csv(text);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("imported"), 2);
  auto list = call("GET", "/api/admin/models?sort=name").json().at("data").as_array();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].at("name"), "chat, the big one");
  EXPECT_EQ(list[0].at("model_id"), "big");
  EXPECT_EQ(list[0].at("context_window"), 128000);
  EXPECT_EQ(list[0].at("output_price"), 10.0);
  EXPECT_EQ(list[0].at("capabilities").at("tools"), true);
  EXPECT_EQ(list[1].at("model_id"), "embedder");
  EXPECT_EQ(list[1].at("mode"), "embedding");

  // Again: both skipped. Then a bad row fails the whole file.
  r = csv(text);
  EXPECT_EQ(r.json().at("imported"), 0);
  EXPECT_EQ(r.json().at("skipped"), 2);
  r = csv("provider_id,name,context_window\n" + std::to_string(local_) + ",ok-1,100\n" +
          std::to_string(local_) + ",bad,lots\n");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(firstDetailPath(r), "models[1].context_window");
  r = csv("provider_id,name,colour\n1,x,red\n");
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(firstDetailPath(r), "header");
  r = csv("provider_id,name\n1,\"unterminated\n");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(total(), 2);
}

TEST_F(ModelRoutes, BatchEnableDisableDelete) {
  const auto a = addModel({{"provider_id", local_}, {"name", "a"}});
  const auto b = addModel({{"provider_id", local_}, {"name", "b"}});
  const auto c = addModel({{"provider_id", local_}, {"name", "c"}});
  auto r = call("POST", "/api/admin/models/batch",
                json::object{{"ids", json::array{a, b}}, {"action", "disable"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("affected"), 2);
  EXPECT_EQ(names("?enabled=false&sort=name"), (std::vector<std::string>{"a", "b"}));

  // One unknown id: nothing happens.
  r = call("POST", "/api/admin/models/batch",
           json::object{{"ids", json::array{c, 9999}}, {"action", "delete"}});
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(firstDetailPath(r), "ids[1]");
  EXPECT_EQ(total(), 3);
  r = call("POST", "/api/admin/models/batch",
           json::object{{"ids", json::array{a}}, {"action", "explode"}});
  EXPECT_EQ(r.status, 400);

  r = call("POST", "/api/admin/models/batch",
           json::object{{"ids", json::array{a, b}}, {"action", "enable"}});
  EXPECT_EQ(r.json().at("affected"), 2);
  r = call("POST", "/api/admin/models/batch",
           json::object{{"ids", json::array{a, c}}, {"action", "delete"}});
  EXPECT_EQ(r.json().at("affected"), 2);
  EXPECT_EQ(names(""), std::vector<std::string>{"b"});
}

}  // namespace
}  // namespace gw::test
