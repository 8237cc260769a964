#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "agents/state_file.hpp"

namespace gw::agents {
namespace {

const std::string kKey = "agk-0123456789abcdefghijKLMN";

class StateFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    crypto::initSodium();
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("agent-state-test-" + std::to_string(rd()) + std::to_string(rd()));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static VersionedDocument sample() {
    VersionedDocument d;
    d.version = 1'764'000'000'123ULL;
    d.document = json::parse(R"({"providers":[{"id":1,"name":"p","api_key":"sk-secret"}],
                                 "models":[],"keys":[],"routing_configs":[],"hash":"abc"})")
                     .as_object();
    return d;
  }

  void writeRaw(const std::string& text) {
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "config.json") << text;
  }

  std::filesystem::path dir_;
};

TEST_F(StateFileTest, RoundTrip) {
  StateFile f(dir_ / "nested", kKey);
  ASSERT_TRUE(f.save(sample()));
  auto loaded = f.load();
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->version, sample().version);
  EXPECT_EQ(json::value(loaded->document), json::value(sample().document));
}

TEST_F(StateFileTest, FileIsPrivateAndSealed) {
  StateFile f(dir_, kKey);
  ASSERT_TRUE(f.save(sample()));
  struct stat st {};
  ASSERT_EQ(::stat(f.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream in(f.path());
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find("sk-secret"), std::string::npos);
  EXPECT_EQ(text.find("providers"), std::string::npos);
  // Only the file itself is left: the temporary one was renamed over it.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_),
                          std::filesystem::directory_iterator()),
            1);
}

TEST_F(StateFileTest, SaveReplacesTheOldDocument) {
  StateFile f(dir_, kKey);
  ASSERT_TRUE(f.save(sample()));
  auto next = sample();
  next.version += 1;
  next.document["models"] = json::array{json::object{{"id", 7}}};
  ASSERT_TRUE(f.save(next));
  auto loaded = f.load();
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->version, next.version);
  EXPECT_EQ(json::value(loaded->document), json::value(next.document));
}

TEST_F(StateFileTest, MissingFileIsNotFound) {
  StateFile f(dir_, kKey);
  auto loaded = f.load();
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, ErrorCode::NotFound);
}

TEST_F(StateFileTest, WrongKeyCannotOpenIt) {
  ASSERT_TRUE(StateFile(dir_, kKey).save(sample()));
  auto loaded = StateFile(dir_, "agk-another-key-0123456789").load();
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, ErrorCode::InvalidRequest);
  EXPECT_NE(loaded.error().message.find("another agent key"), std::string::npos);
}

TEST_F(StateFileTest, CorruptOrForeignFilesAreRefused) {
  StateFile f(dir_, kKey);
  for (const std::string& text :
       {std::string("not json"), std::string("{}"), std::string(R"({"providers":[]})"),
        std::string(R"({"format":"llm-gateway-agent-state"})"),
        std::string(R"({"format":"llm-gateway-agent-state","sealed":"v1:AAAA"})"),
        std::string(R"({"format":"llm-gateway-agent-state","sealed":42})"), std::string()}) {
    writeRaw(text);
    auto loaded = f.load();
    ASSERT_FALSE(loaded) << text;
    EXPECT_EQ(loaded.error().code, ErrorCode::InvalidRequest) << text;
  }
}

TEST_F(StateFileTest, TamperedCiphertextIsRefused) {
  StateFile f(dir_, kKey);
  ASSERT_TRUE(f.save(sample()));
  std::ifstream in(f.path());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  auto o = json::parse(text).as_object();
  std::string sealed(o["sealed"].as_string());
  sealed[sealed.size() / 2] = sealed[sealed.size() / 2] == 'A' ? 'B' : 'A';
  o["sealed"] = sealed;
  writeRaw(json::serialize(o));
  EXPECT_FALSE(f.load());
}

TEST_F(StateFileTest, SealedPayloadMustHaveVersionAndDocument) {
  crypto::SecretBox box(stateKeyText(kKey));
  json::object outer{{"format", "llm-gateway-agent-state"},
                     {"sealed", box.seal(R"({"version":3})")}};
  writeRaw(json::serialize(outer));
  auto loaded = StateFile(dir_, kKey).load();
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, ErrorCode::InvalidRequest);
}

TEST_F(StateFileTest, UnwritableDirectoryIsAnError) {
  writeRaw("x");  // a file where the directory should be
  StateFile f(dir_ / "config.json", kKey);
  auto saved = f.save(sample());
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().code, ErrorCode::Internal);
}

TEST(StateKey, DependsOnTheAgentKey) {
  EXPECT_EQ(stateKeyText("agk-a"), stateKeyText("agk-a"));
  EXPECT_NE(stateKeyText("agk-a"), stateKeyText("agk-b"));
  EXPECT_EQ(stateKeyText("agk-a").size(), 64u);
}

}  // namespace
}  // namespace gw::agents
