#pragma once
// One line on the terminal per metric record during long runs:
//   [ 37%] env 1536/4096 | 812 sps | upd 40 | loss_model 512.3 obs_nll 498.1 | ETA 00:03:12
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace dreamer {

std::string progress_line(const nlohmann::json& record, std::int64_t total_env_steps);

}  // namespace dreamer
