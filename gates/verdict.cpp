#include "gates/verdict.hpp"

#include <array>
#include <cmath>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/run/utc_time.hpp"

namespace dreamer::gates {
namespace {

nlohmann::ordered_json optional_number(const std::optional<double>& value) {
  if (!value || !std::isfinite(*value)) return nullptr;
  return *value;
}

std::optional<double> read_optional_number(const nlohmann::json& value) {
  if (value.is_null()) return std::nullopt;
  return value.get<double>();
}

RuleStatus parse_status(const std::string& text, const std::string& source) {
  for (const RuleStatus status : {RuleStatus::kPass, RuleStatus::kFail, RuleStatus::kImproved, RuleStatus::kMissing}) {
    if (text == to_string(status)) return status;
  }
  throw Error(source + ": unknown rule status '" + text + "'");
}

}  // namespace

const char* to_string(RuleStatus status) {
  switch (status) {
    case RuleStatus::kPass:
      return "PASS";
    case RuleStatus::kFail:
      return "FAIL";
    case RuleStatus::kImproved:
      return "IMPROVED";
    case RuleStatus::kMissing:
      return "MISSING";
  }
  return "FAIL";
}

bool is_failure(RuleStatus status) { return status == RuleStatus::kFail || status == RuleStatus::kMissing; }

bool Verdict::passed() const {
  if (rules.empty()) return false;
  for (const RuleResult& result : rules) {
    if (is_failure(result.status)) return false;
  }
  return true;
}

std::string Verdict::summary() const {
  std::string line = "gate " + gate + ": " + (passed() ? "PASS" : "FAIL") + " (" + std::to_string(rules.size()) +
                     (rules.size() == 1 ? " rule" : " rules");
  if (rules.empty()) return line + ": nothing was checked)";
  constexpr std::array<RuleStatus, 4> kOrder = {RuleStatus::kPass, RuleStatus::kImproved, RuleStatus::kFail,
                                                RuleStatus::kMissing};
  const char* separator = ": ";
  for (const RuleStatus status : kOrder) {
    std::size_t count = 0;
    for (const RuleResult& result : rules) count += result.status == status ? 1 : 0;
    if (count == 0) continue;
    line += separator + std::to_string(count) + " " + to_string(status);
    separator = ", ";
  }
  return line + ")";
}

nlohmann::ordered_json Verdict::to_json() const {
  nlohmann::ordered_json rules_json = nlohmann::ordered_json::array();
  for (const RuleResult& result : rules) {
    nlohmann::ordered_json entry;
    entry["rule"] = result.rule;
    entry["key"] = result.key;
    entry["status"] = to_string(result.status);
    entry["observed"] = optional_number(result.observed);
    entry["baseline"] = optional_number(result.baseline);
    entry["baseline_source"] =
        result.baseline_source ? nlohmann::ordered_json(*result.baseline_source) : nlohmann::ordered_json(nullptr);
    entry["band"] = nlohmann::ordered_json::array({optional_number(result.band_lo), optional_number(result.band_hi)});
    entry["detail"] = result.detail;
    rules_json.push_back(std::move(entry));
  }
  nlohmann::ordered_json out;
  out["gate"] = gate;
  out["created_utc"] = created_utc;
  out["status"] = passed() ? "PASS" : "FAIL";
  out["summary"] = summary();
  out["rules"] = std::move(rules_json);
  return out;
}

Verdict make_verdict(std::string gate, std::vector<RuleResult> rules) {
  return Verdict{std::move(gate), utc_now_iso8601(), std::move(rules)};
}

void write_verdict(const std::filesystem::path& path, const Verdict& verdict) {
  write_file_atomic(path, verdict.to_json().dump(2) + "\n");
}

Verdict read_verdict(const std::filesystem::path& path) {
  const std::string source = path.string();
  try {
    const nlohmann::json root = nlohmann::json::parse(read_file_text(path));
    Verdict verdict;
    verdict.gate = root.at("gate").get<std::string>();
    verdict.created_utc = root.at("created_utc").get<std::string>();
    for (const nlohmann::json& entry : root.at("rules")) {
      RuleResult result;
      result.rule = entry.at("rule").get<std::string>();
      result.key = entry.at("key").get<std::string>();
      result.status = parse_status(entry.at("status").get<std::string>(), source);
      result.observed = read_optional_number(entry.at("observed"));
      result.baseline = read_optional_number(entry.at("baseline"));
      if (!entry.at("baseline_source").is_null()) result.baseline_source = entry["baseline_source"].get<std::string>();
      result.band_lo = read_optional_number(entry.at("band").at(0));
      result.band_hi = read_optional_number(entry.at("band").at(1));
      result.detail = entry.at("detail").get<std::string>();
      verdict.rules.push_back(std::move(result));
    }
    return verdict;
  } catch (const nlohmann::json::exception& error) {
    throw Error(source + ": malformed verdict: " + error.what());
  }
}

}  // namespace dreamer::gates
