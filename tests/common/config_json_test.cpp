#include "common/config_json.hpp"

#include <gtest/gtest.h>

#include <cereal/types/string.hpp>

namespace dreamer {
namespace {

struct SampleOptions {
  int batch_size = 16;
  double learning_rate = 1e-4;
  std::string device = "cpu";

  template <class Archive>
  void serialize(Archive& archive) {
    archive(cereal::make_nvp("batch_size", batch_size), cereal::make_nvp("learning_rate", learning_rate),
            cereal::make_nvp("device", device));
  }
  void validate() const {
    if (batch_size < 1) throw ConfigError("batch_size", "must be >= 1");
    if (device != "cpu" && device != "cuda") throw ConfigError("device", "must be cpu or cuda");
  }
};

TEST(ConfigJson, RoundTripsEveryField) {
  SampleOptions options;
  options.batch_size = 3;
  options.learning_rate = 0.25;
  options.device = "cuda";
  const std::string json = config_to_json(options);
  const auto back = config_from_json<SampleOptions>(json, "test");
  EXPECT_EQ(back.batch_size, 3);
  EXPECT_EQ(back.learning_rate, 0.25);
  EXPECT_EQ(back.device, "cuda");
}

TEST(ConfigJson, BadValueNamesTheField) {
  const std::string json = R"({"config": {"batch_size": 0, "learning_rate": 0.1, "device": "cpu"}})";
  try {
    config_from_json<SampleOptions>(json, "run.json");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.field(), "batch_size");
    EXPECT_NE(std::string(error.what()).find("batch_size"), std::string::npos);
  }
}

TEST(ConfigJson, MissingFieldNamesTheFieldAndTheSource) {
  const std::string json = R"({"config": {"batch_size": 2, "device": "cpu"}})";
  try {
    config_from_json<SampleOptions>(json, "run.json");
    FAIL() << "expected Error";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("learning_rate"), std::string::npos) << message;
    EXPECT_NE(message.find("run.json"), std::string::npos) << message;
  }
}

TEST(ConfigJson, MalformedTextIsOneError) {
  EXPECT_THROW(config_from_json<SampleOptions>("{\"config\": {", "broken.json"), Error);
  EXPECT_THROW(config_from_json<SampleOptions>(
                   R"({"config": {"batch_size": "two", "learning_rate": 1, "device": "cpu"}})", "typed.json"),
               Error);
}

TEST(ConfigJson, CutTextIsReportedAsASyntaxErrorWithItsPosition) {
  // A config.json cut short (a full disk, a copy interrupted) is a syntax
  // error, not "a value of the wrong type".
  try {
    config_from_json<SampleOptions>("{\"config\": {\"batch_size\": 4,", "cut.json");
    FAIL() << "a cut config was read";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.rfind("cut.json: not valid JSON at byte ", 0), 0u) << message;
    EXPECT_EQ(message.find("wrong JSON type"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(ConfigJson, NumbersRapidjsonMisreadsReadAsTheirValues) {
  // rapidjson 1.1.0 (cereal's reader) reads these out of bounds of its
  // tables; re-printed first, they read exactly.
  const auto zero_exponent = config_from_json<SampleOptions>(
      R"({"config": {"batch_size": 4, "learning_rate": 0e96, "device": "cpu"}})", "zero.json");
  EXPECT_EQ(zero_exponent.learning_rate, 0.0);
  const std::string long_digits = "3" + std::string(120, '0') + "e-124";
  const auto long_number = config_from_json<SampleOptions>(
      R"({"config": {"batch_size": 4, "learning_rate": )" + long_digits + R"(, "device": "cpu"}})", "long.json");
  EXPECT_EQ(long_number.learning_rate, 3e-4);
  const auto plain =
      config_from_json<SampleOptions>(R"({"config": {"batch_size": 4, "learning_rate": 0.1, "device": "cpu"}})", "p");
  EXPECT_EQ(plain.learning_rate, 0.1);
  EXPECT_THROW(config_from_json<SampleOptions>(
                   R"({"config": {"batch_size": 4, "learning_rate": 1e999, "device": "cpu"}})", "huge.json"),
               Error);
}

}  // namespace
}  // namespace dreamer
