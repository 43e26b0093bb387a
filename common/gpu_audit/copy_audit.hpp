#pragma once
// The copy audit: proves that a traced stretch of N steady-state iterations
// moved data between host and device only where the code declared it.
//
//   CudaActivityTrace trace;            // common/gpu_audit/cuda_activity_trace.hpp
//   trace.start();
//   for (i < N) train_step();           // DeclaredCopy scopes inside
//   const ActivitySummary activity = trace.stop();
//   const CopyAuditResult audit = audit_copies(activity.copies, N, CopyAllowList::load(path),
//                                              activity.lost_records);
//   write_copy_audit_json(audit, "copy_audit.json");
//
// Rules (docs/copy_audit.md has the JSON of both the allow-list and the result):
//  - audited copies are HtoD, DtoH and unclassified ones (crosses_host_and_device);
//    DtoD, HtoH and peer copies are counted per direction but never fail;
//  - an audited copy outside any DeclaredCopy scope fails ("undeclared");
//  - one inside a scope the allow-list does not name fails ("scope_not_allowed");
//  - one whose direction the scope's entry does not list fails ("direction_not_allowed");
//  - one larger than the entry's max_bytes_per_copy fails ("over_bytes");
//  - a scope's audited copies beyond max_count_per_iteration * N fail ("over_count"),
//    the later ones (by GPU start time) being the offenders;
//  - lost activity records fail the audit: a trace with holes proves nothing.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/gpu_audit/copy_record.hpp"

namespace dreamer {

// One allow-list entry: what a DeclaredCopy scope of this name may move.
struct AllowedCopy {
  std::string name;
  std::uint64_t max_count_per_iteration = 0;
  std::uint64_t max_bytes_per_copy = 0;
  // Audited directions only: HtoD, DtoH, unknown.
  std::vector<CopyDirection> directions;

  bool allows(CopyDirection direction) const;
};

struct CopyAllowList {
  std::vector<AllowedCopy> entries;  // names are unique

  // nullptr when no entry has this name.
  const AllowedCopy* find(std::string_view name) const;

  // Parses {"allowed_copies": [{"name", "max_count_per_iteration",
  // "max_bytes_per_copy", "directions"}, ...]}. Unknown or missing fields,
  // wrong types, negative numbers, unaudited directions and duplicate names
  // throw dreamer::Error naming `source` and the field.
  static CopyAllowList from_json(const nlohmann::json& document, const std::string& source);
  // from_json of a file; the file's path is the source in messages.
  static CopyAllowList load(const std::string& path);
  nlohmann::json to_json() const;
};

enum class CopyOffence : std::uint8_t {
  kUndeclared,
  kScopeNotAllowed,
  kDirectionNotAllowed,
  kOverBytes,
  kOverCount,
};

// "undeclared", "scope_not_allowed", "direction_not_allowed", "over_bytes", "over_count".
std::string_view copy_offence_name(CopyOffence offence);

struct OffendingCopy {
  CopyRecord copy;
  CopyOffence offence = CopyOffence::kUndeclared;
  std::string reason;  // one readable line naming the copy and the broken rule
};

struct CopyTotals {
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
  std::uint64_t max_bytes = 0;  // largest single copy

  void add(const CopyRecord& copy);
};

// Audited copies of one declared scope against its allow-list entry.
struct ScopeCopyAudit {
  CopyTotals totals;
  bool in_allow_list = false;
  std::uint64_t allowed_count = 0;  // max_count_per_iteration * iterations
  std::uint64_t max_bytes_per_copy = 0;
};

struct CopyAuditResult {
  bool passed = false;
  std::uint64_t iterations = 0;
  CopyTotals host_copies;        // every audited copy
  CopyTotals undeclared_copies;  // audited copies outside any scope
  // Audited copies per scope name; every allow-list entry appears, seen or not.
  std::map<std::string, ScopeCopyAudit> scopes;
  // Every copy per direction name ("HtoD", "DtoD", ...), unaudited ones included.
  std::map<std::string, CopyTotals> by_direction;
  std::uint64_t lost_records = 0;
  // One entry per broken rule per copy, in the order of the rules above.
  std::vector<OffendingCopy> offending;
  // Failures not tied to one copy (lost records).
  std::vector<std::string> problems;
};

// Pure: the same records give the same result. `iterations` must be > 0.
CopyAuditResult audit_copies(std::span<const CopyRecord> records, std::uint64_t iterations,
                             const CopyAllowList& allow_list, std::uint64_t lost_records = 0);

// One line for logs and verdicts: "copy audit passed: ..." or "copy audit
// failed: ..." with the first offending copy's reason.
std::string copy_audit_summary(const CopyAuditResult& result);

// The result as JSON (docs/copy_audit.md); at most kMaxOffendingInJson
// offending copies are listed, "offending_total" counts them all.
inline constexpr std::size_t kMaxOffendingInJson = 100;
nlohmann::json copy_audit_json(const CopyAuditResult& result);
// Writes copy_audit_json(result) atomically (write_file_atomic).
void write_copy_audit_json(const CopyAuditResult& result, const std::string& path);

}  // namespace dreamer
