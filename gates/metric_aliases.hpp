#pragma once
// Metric names: ours (DESIGN.md §9) and the sheeprl-style names the Python
// predecessor wrote (DREAMER_FACTS.md). Baselines captured by the predecessor
// use its names; runs of this system use ours. Every lookup in gates/ goes
// through this table, so either name finds the value.
//
//   predecessor name        ours                 what it is
//   Loss/world_model_loss   loss_model           mean world-model loss
//   Loss/observation_loss   obs_nll              decoder NLL (sum of squares)
//   Loss/reward_loss        reward_nll           two-hot reward NLL
//   Loss/state_loss         kl_total             0.5 max(kl_dyn,1) + 0.1 max(kl_rep,1)
//   Loss/continue_loss      continue_nll         Bernoulli continue NLL
//   State/kl                kl_dyn               raw KL(post || prior), no free bits
//   State/post_entropy      posterior_entropy
//   State/prior_entropy     prior_entropy
//   Loss/policy_loss        loss_actor
//   Loss/value_loss         loss_critic
//   Grads/world_model       grad_norm_model      pre-clip gradient norms
//   Grads/actor             grad_norm_actor
//   Grads/critic            grad_norm_critic
//   Rewards/rew_avg         reward_mean          mean episode reward
//   Game/ep_len_avg         episode_length_mean  mean episode length
//
// State/kl maps to kl_dyn, not kl_total: in the predecessor's baselines
// Loss/state_loss = 0.6 x State/kl (exit_oak_small: 1.4948 = 0.6 x 2.4913),
// i.e. State/kl is the raw divergence and Loss/state_loss the weighted,
// free-bits loss term.
#include <nlohmann/json.hpp>

#include <span>
#include <string>
#include <string_view>

namespace dreamer::gates {

struct MetricAlias {
  std::string_view predecessor;
  std::string_view ours;
};

std::span<const MetricAlias> metric_aliases();

// Our name for `name` (a predecessor name is translated; any other name is
// returned unchanged).
std::string canonical_metric_name(std::string_view name);

// The predecessor's name for our `name`, or `name` itself when it has none.
std::string predecessor_metric_name(std::string_view name);

// True when `name` is one of the predecessor's names.
bool is_predecessor_metric_name(std::string_view name);

// The value stored under `key` or under any alias of it; nullptr if absent.
// `record` must be a JSON object.
template <typename Json>
const Json* find_metric(const Json& record, std::string_view key) {
  if (const auto it = record.find(std::string(key)); it != record.end()) return &*it;
  const std::string canonical = canonical_metric_name(key);
  if (canonical != key) {
    if (const auto it = record.find(canonical); it != record.end()) return &*it;
  }
  for (const MetricAlias& alias : metric_aliases()) {
    if (alias.ours != canonical || alias.predecessor == key) continue;
    if (const auto it = record.find(std::string(alias.predecessor)); it != record.end()) return &*it;
  }
  return nullptr;
}

}  // namespace dreamer::gates
