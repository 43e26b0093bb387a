// Presets, validation and cereal round trip of the learner options.
#include <sstream>

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <cereal/archives/json.hpp>

#include "common/error.hpp"
#include "learner/dreamer_agent.hpp"
#include "learner/dreamer_options.hpp"

namespace dreamer::learner {
namespace {

TEST(DreamerOptions, PresetsValidateAndHaveTheDocumentedSizes) {
  for (const char* name : {"tiny", "small", "default", "bench", "large"}) {
    EXPECT_NO_THROW(DreamerOptions::preset(name).validate()) << name;
  }
  const auto standard = DreamerOptions::preset("default");
  EXPECT_EQ(standard.model.deter, 512);
  EXPECT_EQ(standard.model.dense, 256);
  EXPECT_EQ(standard.model.cnn_multiplier, 16);
  EXPECT_EQ(standard.model.stoch_size(), 1024);
  EXPECT_EQ(standard.train.batch_size, 64);
  EXPECT_EQ(standard.train.seq_len, 16);
  EXPECT_NEAR(standard.train.gamma, 1.0 - 1.0 / 333.0, 1e-15);
  const auto bench = DreamerOptions::preset("bench");
  EXPECT_EQ(bench.train.batch_size, 32);
  EXPECT_EQ(bench.model.dense, 512);
  EXPECT_EQ(bench.model.cnn_multiplier, 32);
  EXPECT_THROW(DreamerOptions::preset("huge"), ConfigError);
}

TEST(DreamerOptions, ValidateNamesTheOffendingField) {
  auto options = DreamerOptions::preset("tiny");
  options.train.gamma = 1.5;
  try {
    options.validate();
    FAIL() << "validate accepted gamma 1.5";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.field(), "train.gamma");
  }
}

TEST(DreamerOptions, RoundTripsThroughCerealJson) {
  auto options = DreamerOptions::preset("bench");
  options.train.horizon = 7;
  options.train.cuda_graphs = false;  // not the default (on)
  options.model.unimix = 0.02;
  std::stringstream stream;
  {
    cereal::JSONOutputArchive archive(stream);
    archive(cereal::make_nvp("dreamer", options));
  }
  EXPECT_NE(stream.str().find("\"horizon\": 7"), std::string::npos);
  DreamerOptions loaded;
  {
    cereal::JSONInputArchive archive(stream);
    archive(cereal::make_nvp("dreamer", loaded));
  }
  EXPECT_EQ(loaded.train.horizon, 7);
  EXPECT_FALSE(loaded.train.cuda_graphs);
  EXPECT_TRUE(loaded.train.fused_adam);
  EXPECT_EQ(loaded.model.cnn_multiplier, 32);
  EXPECT_DOUBLE_EQ(loaded.model.unimix, 0.02);
}

TEST(DreamerOptions, BenchConfigBuildsAnAgentWithTheExpectedEncoderWidth) {
  const auto options = DreamerOptions::preset("bench");
  DreamerAgent agent(options, torch::kCPU);
  EXPECT_EQ(agent.world_model()->encoder()->options().embed_size(), 128 * 9 * 10);
  EXPECT_EQ(agent.world_model()->rssm()->options().latent_size(), 1024 + 512);
}

}  // namespace
}  // namespace dreamer::learner
