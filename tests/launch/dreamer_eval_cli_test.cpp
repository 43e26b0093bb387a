// Runs the real dreamer_eval binary: on the checkpoint of a tiny single-rank
// dreamer_learner run (end to end), and on bad input (one error line, a
// non-zero exit, never a crash).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "common/file_io.hpp"
#include "common/sha256.hpp"
#include "launch/policy_evaluation.hpp"
#include "learner/checkpoint.hpp"
#include "learner/dreamer_agent.hpp"
#include "tests/common/command_run_test.hpp"

namespace dreamer {
namespace {

namespace fs = std::filesystem;

const std::string kLearner = std::string(DREAMER_BINARY_DIR) + "/launch/dreamer_learner";
const std::string kEval = std::string(DREAMER_BINARY_DIR) + "/launch/dreamer_eval";

class DreamerEvalCli : public CommandRunTest {
 protected:
  // Bad input must give exactly one line on stderr, prefixed with the tool's name.
  void expect_one_error_line() const {
    EXPECT_EQ(err_.rfind("dreamer_eval: ", 0), 0u) << err_;
    ASSERT_FALSE(err_.empty());
    EXPECT_EQ(err_.find('\n'), err_.size() - 1) << err_;
    EXPECT_TRUE(out_.empty()) << out_;
  }

  // A small valid HDF5 checkpoint (one Linear module) holding `config_json`.
  fs::path write_small_checkpoint(const std::string& config_json) {
    torch::nn::Linear linear(2, 2);
    learner::CheckpointState state;
    state.modules.push_back({"linear", linear.get()});
    state.config_json = config_json;
    return learner::save_checkpoint(dir_ / "checkpoints", 1, state);
  }
};

std::vector<nlohmann::json> read_jsonl(const fs::path& path) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST_F(DreamerEvalCli, TrainedCheckpointGivesAParsableSummaryAndTrajectory) {
  // A few updates of the tiny preset on the project's exit-the-room task:
  // (192 - 64 env steps) x train ratio 2 / (batch 4 x seq 8) = 8 updates.
  ASSERT_EQ(run(kLearner + " --device cpu --stage exit_room --preset tiny --envs-per-actor 4 --seed 3" +
                " --log-every 2 --weight-sync-every 2" +
                " --train-ratio 2 --min-replay 64 --total-env-steps 192 --output-tag eval --runs-root " +
                (dir_ / "runs").string()),
            0)
      << out_ << err_;
  fs::path run_dir;
  for (const auto& entry : fs::directory_iterator(dir_ / "runs")) run_dir = entry.path();
  ASSERT_TRUE(fs::exists(run_dir / "checkpoints" / "latest")) << out_;

  const fs::path summary_path = dir_ / "summary.json";
  const fs::path trajectory_path = dir_ / "trajectory.jsonl";
  std::string command = kEval + " --checkpoint " + (run_dir / "checkpoints").string() +
                        " --episodes 2 --seed 5 --trajectory " + trajectory_path.string() + " --output " +
                        summary_path.string();
#if defined(DREAMER_HAS_GIF)
  const fs::path gif_path = dir_ / "best.gif";
  command += " --gif " + gif_path.string();
#endif
  ASSERT_EQ(run(command), 0) << err_;
  EXPECT_TRUE(err_.empty()) << err_;

  // The summary: on stdout and in --output, every documented key.
  const std::string summary_text = read_file_text(summary_path);
  EXPECT_EQ(out_, summary_text);
  const nlohmann::json summary = nlohmann::json::parse(summary_text);
  for (const char* key :
       {"episodes", "success_rate", "done_rate", "mean_return", "episode_length_mean", "steps_to_goal_p50", "dist_p10",
        "dist_p50", "dist_p90", "greedy", "checkpoint", "checkpoint_sha256", "details"}) {
    EXPECT_TRUE(summary.contains(key)) << key;
  }
  EXPECT_EQ(summary["episodes"], 2);
  EXPECT_EQ(summary["greedy"], false);
  const fs::path checkpoint = summary["checkpoint"].get<std::string>();
  EXPECT_EQ(checkpoint.parent_path(), fs::absolute(run_dir / "checkpoints"));
  EXPECT_EQ(summary["checkpoint_sha256"], sha256_file_hex(checkpoint));
  EXPECT_EQ(summary["details"]["max_steps"], 128);
  EXPECT_EQ(summary["details"]["seed"], 5);
  EXPECT_EQ(summary["details"]["stage"], "exit_room");
  EXPECT_GE(summary["success_rate"].get<double>(), 0.0);
  EXPECT_LE(summary["success_rate"].get<double>(), 1.0);

  // The trajectory: one line per step, steps 1..L per episode, the last line
  // of each episode (and only it) ends it; it adds up to the summary.
  const std::vector<nlohmann::json> lines = read_jsonl(trajectory_path);
  ASSERT_FALSE(lines.empty());
  std::map<int, std::vector<nlohmann::json>> by_episode;
  for (const nlohmann::json& line : lines) {
    for (const char* key : {"episode", "step", "action", "reward", "dist", "terminated", "truncated"})
      ASSERT_TRUE(line.contains(key)) << key << " missing in " << line.dump();
    by_episode[line["episode"].get<int>()].push_back(line);
  }
  ASSERT_EQ(by_episode.size(), 2u);
  double return_sum = 0.0, length_sum = 0.0;
  std::vector<double> end_dists;
  for (const auto& [episode, steps] : by_episode) {
    for (std::size_t i = 0; i < steps.size(); ++i) {
      EXPECT_EQ(steps[i]["step"], i + 1);
      EXPECT_GE(steps[i]["action"].get<int>(), 0);
      EXPECT_LE(steps[i]["action"].get<int>(), 7);
      const bool ends = steps[i]["terminated"].get<bool>() || steps[i]["truncated"].get<bool>();
      EXPECT_EQ(ends, i + 1 == steps.size()) << "episode " << episode << " step " << i + 1;
      return_sum += steps[i]["reward"].get<double>();
    }
    EXPECT_LE(steps.size(), 128u);
    length_sum += static_cast<double>(steps.size());
    end_dists.push_back(steps.back()["dist"].get<double>());
  }
  // Two episodes: p10 is the smaller end distance (rank round(0.1) = 0), p50
  // and p90 the larger (rank round(0.5) = round(0.9) = 1).
  EXPECT_EQ(summary["dist_p10"].get<double>(), std::min(end_dists[0], end_dists[1]));
  EXPECT_EQ(summary["dist_p50"].get<double>(), std::max(end_dists[0], end_dists[1]));
  EXPECT_EQ(summary["dist_p90"].get<double>(), std::max(end_dists[0], end_dists[1]));
  EXPECT_DOUBLE_EQ(summary["episode_length_mean"].get<double>(), length_sum / 2.0);
  EXPECT_NEAR(summary["mean_return"].get<double>(), return_sum / 2.0, 1e-9);
  EXPECT_EQ(summary["details"]["env_steps"], lines.size());
#if defined(DREAMER_HAS_GIF)
  const std::vector<std::uint8_t> gif = read_file_bytes(gif_path);
  ASSERT_GE(gif.size(), 6u);
  EXPECT_EQ(std::string(gif.begin(), gif.begin() + 6), "GIF89a");
#endif

  // The same seed gives the same trajectory.
  const fs::path again = dir_ / "again.jsonl";
  ASSERT_EQ(
      run(kEval + " --checkpoint " + checkpoint.string() + " --episodes 2 --seed 5 --trajectory " + again.string()), 0)
      << err_;
  EXPECT_EQ(read_file_text(again), read_file_text(trajectory_path));
}

// A checkpoint whose actor weights are NaN: one line naming the file and the
// weight, exit 2, no episode run.
TEST_F(DreamerEvalCli, CheckpointWithNonFiniteActorWeightsIsRefused) {
  ASSERT_EQ(run(kLearner + " --device cpu --preset tiny --envs-per-actor 4 --seed 3 --train-ratio 2 --min-replay 64" +
                " --total-env-steps 128 --eval-episodes 1 --output-tag nan --runs-root " + (dir_ / "runs").string()),
            0)
      << out_ << err_;
  fs::path run_dir;
  for (const auto& entry : fs::directory_iterator(dir_ / "runs")) run_dir = entry.path();
  const LoadedPolicy policy = read_policy(run_dir / "checkpoints", Device::kCpu);
  learner::DreamerAgent agent(policy.config.model, policy.device);
  learner::CheckpointState state = load_policy_modules(policy, agent);
  {
    torch::NoGradGuard no_grad;
    for (auto& [name, module] : agent.named_modules()) {
      if (name != "actor") continue;
      for (auto& parameter : module->parameters()) parameter.fill_(std::numeric_limits<float>::quiet_NaN());
    }
  }
  state.config_json = learner::read_checkpoint_config(policy.file).config_json;
  const fs::path broken = learner::save_checkpoint(dir_ / "nan_checkpoints", policy.opt_steps, state);
  EXPECT_EQ(run(kEval + " --checkpoint " + broken.string() + " --episodes 2"), 2);
  expect_one_error_line();
  EXPECT_NE(err_.find(broken.string() + "': actor weight '"), std::string::npos) << err_;
  EXPECT_NE(err_.find("holds NaN or inf"), std::string::npos) << err_;
}

TEST_F(DreamerEvalCli, TruncatedCheckpointGivesOneErrorLineAndExitCodeTwo) {
  const fs::path file = write_small_checkpoint("{}");
  fs::resize_file(file, fs::file_size(file) / 2);
  EXPECT_EQ(run(kEval + " --checkpoint " + file.string() + " --episodes 2"), 2);
  expect_one_error_line();
  EXPECT_NE(err_.find(file.string()), std::string::npos) << err_;
  EXPECT_NE(err_.find("truncated"), std::string::npos) << err_;
}

TEST_F(DreamerEvalCli, MissingCheckpointGivesOneErrorLine) {
  EXPECT_EQ(run(kEval + " --checkpoint " + (dir_ / "nowhere.h5").string()), 2);
  expect_one_error_line();
  EXPECT_NE(err_.find("does not exist"), std::string::npos) << err_;
}

TEST_F(DreamerEvalCli, CheckpointWhoseConfigIsNoRunConfigGivesOneErrorLine) {
  const fs::path file = write_small_checkpoint(R"({"config": {"mode": "full"}})");
  EXPECT_EQ(run(kEval + " --checkpoint " + file.string()), 2);
  expect_one_error_line();
  EXPECT_NE(err_.find("config"), std::string::npos) << err_;
}

TEST_F(DreamerEvalCli, FewerThanOneEpisodeIsRefusedWithOneLine) {
  const fs::path file = write_small_checkpoint("{}");
  EXPECT_EQ(run(kEval + " --checkpoint " + file.string() + " --episodes 0"), 2);
  expect_one_error_line();
  EXPECT_NE(err_.find("--episodes"), std::string::npos) << err_;
}

TEST_F(DreamerEvalCli, HelpNamesEveryOption) {
  EXPECT_EQ(run(kEval + " --help"), 0);
  for (const char* option : {"--checkpoint", "--episodes", "--greedy", "--trajectory", "--output", "--device", "--seed",
                             "--gif", "--env-threads"})
    EXPECT_NE(out_.find(option), std::string::npos) << option;
}

}  // namespace
}  // namespace dreamer
