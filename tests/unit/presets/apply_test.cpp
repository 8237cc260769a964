#include "presets/apply.hpp"

#include <gtest/gtest.h>

namespace gw::presets {
namespace {

Preset gpt4o() {
  Preset p;
  p.name = "gpt-4o";
  p.provider = "openai";
  p.mode = "chat";
  p.max_input_tokens = 128000;
  p.max_output_tokens = 16384;
  p.input_price = 2.5;
  p.output_price = 10.0;
  p.cached_input_price = 1.25;
  p.capabilities = {true, true, true, false};
  return p;
}

TEST(ApplyPreset, FillsEveryModelField) {
  json::object patch{{"name", "my-gpt"}};
  applyPreset(gpt4o(), patch);
  const json::value expected = json::parse(R"({
    "name": "my-gpt", "context_window": 128000, "max_output_tokens": 16384,
    "input_price": 2.5, "output_price": 10.0, "cached_input_price": 1.25, "mode": "chat",
    "capabilities": {"tools": true, "vision": true, "json_mode": true, "reasoning": false}
  })");
  EXPECT_EQ(json::value(patch), expected);
}

TEST(ApplyPreset, UnknownValuesLeaveFieldsAlone) {
  Preset p;
  p.name = "rerank-x";
  p.mode = "rerank";
  p.input_price = 0.5;
  json::object patch{{"context_window", 4096}, {"output_price", 1.0}, {"mode", "chat"}};
  applyPreset(p, patch);
  EXPECT_EQ(patch.at("context_window"), json::value(4096));
  EXPECT_EQ(patch.at("output_price"), json::value(1.0));
  EXPECT_EQ(patch.at("input_price"), json::value(0.5));
  EXPECT_EQ(patch.at("mode"), json::value("chat"));  // rerank is not a model mode
}

TEST(ApplyPreset, ModesMapToOurs) {
  EXPECT_EQ(modelMode("chat"), "chat");
  EXPECT_EQ(modelMode("responses"), "chat");
  EXPECT_EQ(modelMode("embedding"), "embedding");
  EXPECT_EQ(modelMode("image_generation"), "image");
  EXPECT_EQ(modelMode("audio_transcription"), "audio");
  EXPECT_EQ(modelMode("audio_speech"), "audio");
  EXPECT_EQ(modelMode("completion"), "completion");
  EXPECT_FALSE(modelMode("moderation"));
  EXPECT_FALSE(modelMode(""));
}

TEST(PresetToJson, ShowsNullsForUnknowns) {
  Preset p = gpt4o();
  p.cached_input_price.reset();
  const json::value expected = json::parse(R"({
    "name": "gpt-4o", "provider": "openai", "mode": "chat", "max_input_tokens": 128000,
    "max_output_tokens": 16384, "input_price": 2.5, "output_price": 10.0,
    "cached_input_price": null,
    "capabilities": {"tools": true, "vision": true, "json_mode": true, "reasoning": false}
  })");
  EXPECT_EQ(json::value(presetToJson(p)), expected);
}

}  // namespace
}  // namespace gw::presets

namespace gw::presets {
namespace {

TEST(PlanProviderApply, MatchesByModelIdThenNameAndListsTheRest) {
  Preset sonnet;
  sonnet.name = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
  sonnet.provider = "bedrock_converse";
  sonnet.mode = "chat";
  sonnet.input_price = 3.0;
  Preset gpt = gpt4o();
  PresetIndex index({sonnet, gpt});
  const std::vector<ModelRef> models{
      {1, "sonnet", "claude-sonnet-4-5"},
      {2, "claude-sonnet-4-5", "arn:aws:bedrock:us-east-1:123:inference-profile/x"},
      {3, "gpt-4o", "gpt-4o"},  // an OpenAI preset is not a Bedrock price
      {4, "my-finetune", "ft:abc"}};
  const auto plan = planProviderApply(index, "bedrock", models);
  ASSERT_EQ(plan.updates.size(), 2u);
  EXPECT_EQ(plan.updates[0].id, 1);
  EXPECT_EQ(plan.updates[0].preset, sonnet.name);
  EXPECT_EQ(plan.updates[0].patch.at("input_price"), json::value(3.0));
  EXPECT_EQ(plan.updates[1].id, 2);
  EXPECT_EQ(plan.unmatched, (std::vector<std::string>{"gpt-4o", "my-finetune"}));
}

}  // namespace
}  // namespace gw::presets
