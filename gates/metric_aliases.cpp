#include "gates/metric_aliases.hpp"

#include <array>

namespace dreamer::gates {
namespace {

constexpr std::array<MetricAlias, 15> kAliases = {{
    {"Loss/world_model_loss", "loss_model"},
    {"Loss/observation_loss", "obs_nll"},
    {"Loss/reward_loss", "reward_nll"},
    {"Loss/state_loss", "kl_total"},
    {"Loss/continue_loss", "continue_nll"},
    {"State/kl", "kl_dyn"},
    {"State/post_entropy", "posterior_entropy"},
    {"State/prior_entropy", "prior_entropy"},
    {"Loss/policy_loss", "loss_actor"},
    {"Loss/value_loss", "loss_critic"},
    {"Grads/world_model", "grad_norm_model"},
    {"Grads/actor", "grad_norm_actor"},
    {"Grads/critic", "grad_norm_critic"},
    {"Rewards/rew_avg", "reward_mean"},
    {"Game/ep_len_avg", "episode_length_mean"},
}};

}  // namespace

std::span<const MetricAlias> metric_aliases() { return kAliases; }

std::string canonical_metric_name(std::string_view name) {
  for (const MetricAlias& alias : kAliases) {
    if (alias.predecessor == name) return std::string(alias.ours);
  }
  return std::string(name);
}

std::string predecessor_metric_name(std::string_view name) {
  for (const MetricAlias& alias : kAliases) {
    if (alias.ours == name) return std::string(alias.predecessor);
  }
  return std::string(name);
}

bool is_predecessor_metric_name(std::string_view name) {
  for (const MetricAlias& alias : kAliases) {
    if (alias.predecessor == name) return true;
  }
  return false;
}

}  // namespace dreamer::gates
