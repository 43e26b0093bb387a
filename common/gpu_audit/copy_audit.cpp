#include "common/gpu_audit/copy_audit.hpp"

#include <algorithm>
#include <array>
#include <set>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/json_fields.hpp"

namespace dreamer {
namespace {

constexpr const char* kEntriesKey = "allowed_copies";
constexpr std::array<const char*, 4> kEntryKeys = {"name", "max_count_per_iteration", "max_bytes_per_copy",
                                                   "directions"};

[[noreturn]] void throw_field_error(const std::string& source, const std::string& field, const std::string& problem) {
  throw Error(source + ": " + field + ": " + problem);
}

std::uint64_t non_negative_integer(const nlohmann::json& entry, const char* key, const std::string& source,
                                   const std::string& field) {
  const nlohmann::json& value = entry.at(key);
  if (!value.is_number_unsigned())
    throw_field_error(source, field, "must be a non-negative integer (got " + value.dump() + ")");
  return value.get<std::uint64_t>();
}

AllowedCopy parse_entry(const nlohmann::json& entry, const std::string& source, const std::string& field) {
  if (!entry.is_object()) throw_field_error(source, field, "must be an object (got " + entry.dump() + ")");
  for (const auto& [key, value] : entry.items()) {
    if (std::find(kEntryKeys.begin(), kEntryKeys.end(), key) == kEntryKeys.end())
      throw_field_error(source, field + "." + key, "unknown field");
  }
  for (const char* key : kEntryKeys) {
    if (!entry.contains(key)) throw_field_error(source, field + "." + key, "missing");
  }
  AllowedCopy allowed;
  const nlohmann::json& name = entry.at("name");
  if (!name.is_string() || name.get<std::string>().empty())
    throw_field_error(source, field + ".name", "must be a non-empty string (got " + name.dump() + ")");
  allowed.name = name.get<std::string>();
  allowed.max_count_per_iteration =
      non_negative_integer(entry, "max_count_per_iteration", source, field + ".max_count_per_iteration");
  allowed.max_bytes_per_copy = non_negative_integer(entry, "max_bytes_per_copy", source, field + ".max_bytes_per_copy");
  const nlohmann::json& directions = entry.at("directions");
  const std::string directions_field = field + ".directions";
  if (!directions.is_array() || directions.empty())
    throw_field_error(source, directions_field, "must be a non-empty array of \"HtoD\", \"DtoH\", \"unknown\"");
  for (const nlohmann::json& direction_name : directions) {
    const std::optional<CopyDirection> direction =
        direction_name.is_string() ? parse_copy_direction(direction_name.get<std::string>()) : std::nullopt;
    if (!direction || !crosses_host_and_device(*direction))
      throw_field_error(source, directions_field,
                        direction_name.dump() + " is not an audited direction (\"HtoD\", \"DtoH\", \"unknown\")");
    if (!allowed.allows(*direction)) allowed.directions.push_back(*direction);
  }
  return allowed;
}

std::string describe(const CopyRecord& copy) {
  std::string text = std::string(copy_direction_name(copy.direction)) + " copy of " + std::to_string(copy.bytes) +
                     " bytes on stream " + std::to_string(copy.stream_id) + " (correlation " +
                     std::to_string(copy.correlation_id) + (copy.host_pageable ? ", pageable host memory" : "") + ")";
  if (!copy.api_call.empty()) text += " issued by " + copy.api_call;
  return copy.scope.empty() ? text : text + " in scope '" + copy.scope + "'";
}

nlohmann::json totals_json(const CopyTotals& totals) {
  return {{"count", totals.count}, {"bytes", totals.bytes}, {"max_bytes", totals.max_bytes}};
}

nlohmann::json copy_json(const OffendingCopy& offending) {
  const CopyRecord& copy = offending.copy;
  return {{"offence", copy_offence_name(offending.offence)},
          {"reason", offending.reason},
          {"direction", copy_direction_name(copy.direction)},
          {"bytes", copy.bytes},
          {"scope", copy.scope},
          {"stream_id", copy.stream_id},
          {"correlation_id", copy.correlation_id},
          {"api_call", copy.api_call},
          {"host_pageable", copy.host_pageable},
          {"start_ns", copy.start_ns},
          {"end_ns", copy.end_ns}};
}

}  // namespace

bool AllowedCopy::allows(CopyDirection direction) const {
  return std::find(directions.begin(), directions.end(), direction) != directions.end();
}

const AllowedCopy* CopyAllowList::find(std::string_view name) const {
  for (const AllowedCopy& entry : entries)
    if (entry.name == name) return &entry;
  return nullptr;
}

CopyAllowList CopyAllowList::from_json(const nlohmann::json& document, const std::string& source) {
  if (!document.is_object()) throw Error(source + ": expected a JSON object with \"" + kEntriesKey + "\"");
  for (const auto& [key, value] : document.items()) {
    if (key != kEntriesKey) throw_field_error(source, key, "unknown field");
  }
  const auto entries = document.find(kEntriesKey);
  if (entries == document.end()) throw_field_error(source, kEntriesKey, "missing");
  if (!entries->is_array()) throw_field_error(source, kEntriesKey, "must be an array (got " + entries->dump() + ")");
  CopyAllowList allow_list;
  std::set<std::string> names;
  for (std::size_t i = 0; i < entries->size(); ++i) {
    const std::string field = std::string(kEntriesKey) + "[" + std::to_string(i) + "]";
    AllowedCopy entry = parse_entry((*entries)[i], source, field);
    if (!names.insert(entry.name).second)
      throw_field_error(source, field + ".name", "duplicate name '" + entry.name + "'");
    allow_list.entries.push_back(std::move(entry));
  }
  return allow_list;
}

CopyAllowList CopyAllowList::load(const std::string& path) { return from_json(parse_json_file(path), path); }

nlohmann::json CopyAllowList::to_json() const {
  nlohmann::json list = nlohmann::json::array();
  for (const AllowedCopy& entry : entries) {
    nlohmann::json directions = nlohmann::json::array();
    for (CopyDirection direction : entry.directions) directions.push_back(copy_direction_name(direction));
    list.push_back({{"name", entry.name},
                    {"max_count_per_iteration", entry.max_count_per_iteration},
                    {"max_bytes_per_copy", entry.max_bytes_per_copy},
                    {"directions", directions}});
  }
  return {{kEntriesKey, list}};
}

std::string_view copy_offence_name(CopyOffence offence) {
  switch (offence) {
    case CopyOffence::kUndeclared:
      return "undeclared";
    case CopyOffence::kScopeNotAllowed:
      return "scope_not_allowed";
    case CopyOffence::kDirectionNotAllowed:
      return "direction_not_allowed";
    case CopyOffence::kOverBytes:
      return "over_bytes";
    case CopyOffence::kOverCount:
      return "over_count";
  }
  return "unknown";
}

void CopyTotals::add(const CopyRecord& copy) {
  ++count;
  bytes += copy.bytes;
  max_bytes = std::max(max_bytes, copy.bytes);
}

CopyAuditResult audit_copies(std::span<const CopyRecord> records, std::uint64_t iterations,
                             const CopyAllowList& allow_list, std::uint64_t lost_records) {
  DREAMER_ASSERT(iterations > 0, "audit_copies needs at least one iteration");
  CopyAuditResult result;
  result.iterations = iterations;
  result.lost_records = lost_records;
  for (const AllowedCopy& entry : allow_list.entries) {
    ScopeCopyAudit& scope = result.scopes[entry.name];
    scope.in_allow_list = true;
    scope.allowed_count = entry.max_count_per_iteration * iterations;
    scope.max_bytes_per_copy = entry.max_bytes_per_copy;
  }

  // Audited copies in GPU start order (ties keep the input order), so that
  // the copies over a scope's count are its latest ones.
  std::vector<const CopyRecord*> audited;
  for (const CopyRecord& copy : records) {
    result.by_direction[std::string(copy_direction_name(copy.direction))].add(copy);
    if (crosses_host_and_device(copy.direction)) audited.push_back(&copy);
  }
  std::stable_sort(audited.begin(), audited.end(),
                   [](const CopyRecord* a, const CopyRecord* b) { return a->start_ns < b->start_ns; });

  std::vector<OffendingCopy> over_count;
  for (const CopyRecord* copy : audited) {
    result.host_copies.add(*copy);
    if (copy->scope.empty()) {
      result.undeclared_copies.add(*copy);
      result.offending.push_back(
          {*copy, CopyOffence::kUndeclared, "undeclared " + describe(*copy) + ": open a DeclaredCopy scope for it"});
      continue;
    }
    ScopeCopyAudit& scope = result.scopes[copy->scope];
    scope.totals.add(*copy);
    const AllowedCopy* entry = allow_list.find(copy->scope);
    if (entry == nullptr) {
      result.offending.push_back({*copy, CopyOffence::kScopeNotAllowed,
                                  describe(*copy) + ": the allow-list has no entry '" + copy->scope + "'"});
      continue;
    }
    if (!entry->allows(copy->direction)) {
      result.offending.push_back(
          {*copy, CopyOffence::kDirectionNotAllowed,
           describe(*copy) + ": the entry does not allow " + std::string(copy_direction_name(copy->direction))});
    }
    if (copy->bytes > entry->max_bytes_per_copy) {
      result.offending.push_back(
          {*copy, CopyOffence::kOverBytes,
           describe(*copy) + ": over max_bytes_per_copy " + std::to_string(entry->max_bytes_per_copy)});
    }
    if (scope.totals.count > scope.allowed_count) {
      over_count.push_back({*copy, CopyOffence::kOverCount,
                            describe(*copy) + ": copy " + std::to_string(scope.totals.count) + " of the scope, over " +
                                std::to_string(entry->max_count_per_iteration) + " per iteration x " +
                                std::to_string(iterations) + " iterations"});
    }
  }
  result.offending.insert(result.offending.end(), over_count.begin(), over_count.end());
  if (lost_records > 0) {
    result.problems.push_back(std::to_string(lost_records) +
                              " activity records were lost: the trace cannot show that no other copy happened");
  }
  result.passed = result.offending.empty() && result.problems.empty();
  return result;
}

std::string copy_audit_summary(const CopyAuditResult& result) {
  std::string text = std::string("copy audit ") + (result.passed ? "passed" : "failed") + ": " +
                     std::to_string(result.host_copies.count) + " host<->device copies (" +
                     std::to_string(result.host_copies.bytes) + " bytes) over " + std::to_string(result.iterations) +
                     " iterations";
  if (!result.offending.empty()) {
    text += ", " + std::to_string(result.offending.size()) + " offending; first: " + result.offending.front().reason;
  }
  for (const std::string& problem : result.problems) text += "; " + problem;
  return text;
}

nlohmann::json copy_audit_json(const CopyAuditResult& result) {
  nlohmann::json scopes = nlohmann::json::object();
  for (const auto& [name, scope] : result.scopes) {
    scopes[name] = totals_json(scope.totals);
    scopes[name]["in_allow_list"] = scope.in_allow_list;
    scopes[name]["allowed_count"] = scope.allowed_count;
    scopes[name]["max_bytes_per_copy"] = scope.max_bytes_per_copy;
  }
  nlohmann::json by_direction = nlohmann::json::object();
  for (const auto& [name, totals] : result.by_direction) by_direction[name] = totals_json(totals);
  nlohmann::json offending = nlohmann::json::array();
  for (std::size_t i = 0; i < result.offending.size() && i < kMaxOffendingInJson; ++i)
    offending.push_back(copy_json(result.offending[i]));
  return {{"passed", result.passed},
          {"summary", copy_audit_summary(result)},
          {"iterations", result.iterations},
          {"host_copies", totals_json(result.host_copies)},
          {"undeclared_copies", totals_json(result.undeclared_copies)},
          {"scopes", scopes},
          {"by_direction", by_direction},
          {"lost_records", result.lost_records},
          {"offending_total", result.offending.size()},
          {"offending", offending},
          {"problems", result.problems}};
}

void write_copy_audit_json(const CopyAuditResult& result, const std::string& path) {
  write_file_atomic(path, copy_audit_json(result).dump(2) + "\n");
}

}  // namespace dreamer
