// audit_copies and the allow-list JSON on hand-made copy records; the
// expected counts and offenders are worked out from the rules in
// common/gpu_audit/copy_audit.hpp.
#include "common/gpu_audit/copy_audit.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "sole_offender.hpp"

namespace dreamer {
namespace {

CopyRecord copy(CopyDirection direction, std::uint64_t bytes, std::string scope, std::uint64_t start_ns,
                std::uint32_t correlation_id = 0) {
  CopyRecord record;
  record.direction = direction;
  record.bytes = bytes;
  record.scope = std::move(scope);
  record.start_ns = start_ns;
  record.end_ns = start_ns + 100;
  record.stream_id = 7;
  record.correlation_id = correlation_id;
  return record;
}

// chunk_fields: 1 HtoD per iteration, <= 4096 bytes; metrics: 2 DtoH per
// iteration, <= 64 bytes.
CopyAllowList training_allow_list() {
  return CopyAllowList::from_json(nlohmann::json::parse(R"({"allowed_copies": [
      {"name": "chunk_fields", "max_count_per_iteration": 1, "max_bytes_per_copy": 4096, "directions": ["HtoD"]},
      {"name": "metrics", "max_count_per_iteration": 2, "max_bytes_per_copy": 64, "directions": ["DtoH"]}]})"),
                                  "test allow-list");
}

constexpr auto kHtoD = CopyDirection::kHostToDevice;
constexpr auto kDtoH = CopyDirection::kDeviceToHost;
constexpr auto kDtoD = CopyDirection::kDeviceToDevice;

TEST(CopyAudit, DeclaredCopiesWithinTheirLimitsPass) {
  // Two iterations: one chunk upload and two metric reads each.
  const std::vector<CopyRecord> records = {copy(kHtoD, 4096, "chunk_fields", 10), copy(kDtoH, 64, "metrics", 20),
                                           copy(kDtoH, 8, "metrics", 30),         copy(kHtoD, 1000, "chunk_fields", 40),
                                           copy(kDtoH, 64, "metrics", 50),        copy(kDtoH, 8, "metrics", 60)};
  const CopyAuditResult result = audit_copies(records, 2, training_allow_list());
  EXPECT_TRUE(result.passed) << copy_audit_summary(result);
  EXPECT_TRUE(result.offending.empty());
  EXPECT_EQ(result.host_copies.count, 6u);
  EXPECT_EQ(result.host_copies.bytes, 4096u + 64 + 8 + 1000 + 64 + 8);
  EXPECT_EQ(result.undeclared_copies.count, 0u);
  ASSERT_EQ(result.scopes.size(), 2u);
  const ScopeCopyAudit& chunk = result.scopes.at("chunk_fields");
  EXPECT_EQ(chunk.totals.count, 2u);
  EXPECT_EQ(chunk.totals.bytes, 5096u);
  EXPECT_EQ(chunk.totals.max_bytes, 4096u);
  EXPECT_EQ(chunk.allowed_count, 2u);
  EXPECT_EQ(result.scopes.at("metrics").allowed_count, 4u);
  EXPECT_EQ(result.by_direction.at("HtoD").count, 2u);
  EXPECT_EQ(result.by_direction.at("DtoH").count, 4u);
}

TEST(CopyAudit, AnUndeclaredCopyFailsAndIsNamed) {
  std::vector<CopyRecord> records = {copy(kHtoD, 4096, "chunk_fields", 10), copy(kDtoH, 4, "", 20, 1234)};
  records[1].api_call = "cudaMemcpy";
  records[1].host_pageable = true;
  const CopyAuditResult result = audit_copies(records, 1, training_allow_list());
  const OffendingCopy* offending = sole_offender(result, CopyOffence::kUndeclared);
  ASSERT_NE(offending, nullptr);
  EXPECT_EQ(offending->copy.correlation_id, 1234u);
  EXPECT_EQ(offending->copy.bytes, 4u);
  EXPECT_EQ(
      offending->reason,
      "undeclared DtoH copy of 4 bytes on stream 7 (correlation 1234, pageable host memory) issued by cudaMemcpy: "
      "open a DeclaredCopy scope for it");
  EXPECT_EQ(result.undeclared_copies.count, 1u);
  EXPECT_EQ(result.undeclared_copies.bytes, 4u);
  EXPECT_NE(copy_audit_summary(result).find("copy audit failed"), std::string::npos);
}

TEST(CopyAudit, AScopeOverItsCountFailsWithItsLatestCopiesAsOffenders) {
  // 1 per iteration x 2 iterations = 2 allowed; three copies, listed out of
  // GPU order: the one that started last (t=30) is over the count.
  const std::vector<CopyRecord> records = {copy(kHtoD, 10, "chunk_fields", 30, 3),
                                           copy(kHtoD, 10, "chunk_fields", 10, 1),
                                           copy(kHtoD, 10, "chunk_fields", 20, 2)};
  const CopyAuditResult result = audit_copies(records, 2, training_allow_list());
  const OffendingCopy* offending = sole_offender(result, CopyOffence::kOverCount);
  ASSERT_NE(offending, nullptr);
  EXPECT_EQ(offending->copy.correlation_id, 3u);
  EXPECT_EQ(result.scopes.at("chunk_fields").totals.count, 3u);
  // The same three copies over three iterations are within the limit.
  EXPECT_TRUE(audit_copies(records, 3, training_allow_list()).passed);
}

TEST(CopyAudit, ACopyOverItsBytesLimitFails) {
  const std::vector<CopyRecord> records = {copy(kHtoD, 4097, "chunk_fields", 10, 9)};
  const CopyAuditResult result = audit_copies(records, 1, training_allow_list());
  const OffendingCopy* offending = sole_offender(result, CopyOffence::kOverBytes);
  ASSERT_NE(offending, nullptr);
  EXPECT_EQ(offending->copy.correlation_id, 9u);
  EXPECT_NE(offending->reason.find("4096"), std::string::npos) << offending->reason;
}

TEST(CopyAudit, DeviceToDeviceHostToHostAndPeerCopiesAreReportedButNeverFail) {
  const std::vector<CopyRecord> records = {copy(kDtoD, 1 << 20, "", 10), copy(kDtoD, 100, "chunk_fields", 20),
                                           copy(CopyDirection::kHostToHost, 5, "", 30),
                                           copy(CopyDirection::kPeerToPeer, 6, "", 40)};
  const CopyAuditResult result = audit_copies(records, 1, training_allow_list());
  EXPECT_TRUE(result.passed) << copy_audit_summary(result);
  EXPECT_EQ(result.host_copies.count, 0u);
  EXPECT_EQ(result.scopes.at("chunk_fields").totals.count, 0u);
  EXPECT_EQ(result.by_direction.at("DtoD").count, 2u);
  EXPECT_EQ(result.by_direction.at("DtoD").bytes, (1u << 20) + 100u);
  EXPECT_EQ(result.by_direction.at("HtoH").count, 1u);
  EXPECT_EQ(result.by_direction.at("PtoP").count, 1u);
}

TEST(CopyAudit, UnclassifiedCopiesAreAudited) {
  const std::vector<CopyRecord> records = {copy(CopyDirection::kUnknown, 8, "", 10)};
  const CopyAuditResult result = audit_copies(records, 1, training_allow_list());
  ASSERT_NE(sole_offender(result, CopyOffence::kUndeclared), nullptr);
}

TEST(CopyAudit, AScopeMissingFromTheAllowListFails) {
  const std::vector<CopyRecord> records = {copy(kHtoD, 8, "debug_dump", 10)};
  const CopyAuditResult result = audit_copies(records, 1, training_allow_list());
  ASSERT_NE(sole_offender(result, CopyOffence::kScopeNotAllowed), nullptr);
  EXPECT_FALSE(result.scopes.at("debug_dump").in_allow_list);
  EXPECT_EQ(result.scopes.at("debug_dump").totals.count, 1u);
}

TEST(CopyAudit, ADirectionTheEntryDoesNotListFails) {
  const std::vector<CopyRecord> records = {copy(kDtoH, 8, "chunk_fields", 10)};
  const CopyAuditResult result = audit_copies(records, 1, training_allow_list());
  ASSERT_NE(sole_offender(result, CopyOffence::kDirectionNotAllowed), nullptr);
}

TEST(CopyAudit, LostActivityRecordsFailAnOtherwiseCleanTrace) {
  const CopyAuditResult result = audit_copies({}, 4, training_allow_list(), 3);
  EXPECT_FALSE(result.passed);
  EXPECT_TRUE(result.offending.empty());
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_NE(result.problems[0].find("3 activity records were lost"), std::string::npos);
}

TEST(CopyAudit, AnEmptyTracePassesAndListsEveryAllowedScope) {
  const CopyAuditResult result = audit_copies({}, 4, training_allow_list());
  EXPECT_TRUE(result.passed);
  EXPECT_EQ(result.host_copies.count, 0u);
  ASSERT_EQ(result.scopes.size(), 2u);
  EXPECT_TRUE(result.scopes.at("metrics").in_allow_list);
  EXPECT_EQ(result.scopes.at("metrics").allowed_count, 8u);
}

TEST(CopyAudit, ResultJsonNamesTheOffendersAndCapsTheirList) {
  std::vector<CopyRecord> records;
  for (std::uint64_t i = 0; i < kMaxOffendingInJson + 50; ++i) records.push_back(copy(kDtoH, 4, "", i, 500));
  records.push_back(copy(kHtoD, 16, "chunk_fields", 1000));
  const nlohmann::json json = copy_audit_json(audit_copies(records, 1, training_allow_list()));
  EXPECT_EQ(json.at("passed"), false);
  EXPECT_EQ(json.at("iterations"), 1);
  EXPECT_EQ(json.at("offending_total"), kMaxOffendingInJson + 50);
  ASSERT_EQ(json.at("offending").size(), kMaxOffendingInJson);
  const nlohmann::json& first = json.at("offending")[0];
  EXPECT_EQ(first.at("offence"), "undeclared");
  EXPECT_EQ(first.at("direction"), "DtoH");
  EXPECT_EQ(first.at("bytes"), 4);
  EXPECT_EQ(first.at("correlation_id"), 500);
  EXPECT_EQ(first.at("scope"), "");
  EXPECT_EQ(first.at("api_call"), "");
  EXPECT_EQ(first.at("stream_id"), 7);
  EXPECT_EQ(first.at("host_pageable"), false);
  EXPECT_EQ(json.at("host_copies").at("count"), kMaxOffendingInJson + 51);
  EXPECT_EQ(json.at("undeclared_copies").at("bytes"), 4 * (kMaxOffendingInJson + 50));
  EXPECT_EQ(json.at("scopes").at("chunk_fields").at("count"), 1);
  EXPECT_EQ(json.at("scopes").at("chunk_fields").at("allowed_count"), 1);
  EXPECT_EQ(json.at("by_direction").at("HtoD").at("bytes"), 16);
  EXPECT_TRUE(json.at("problems").empty());
}

TEST(CopyAllowList, RoundTripsThroughJson) {
  const CopyAllowList list = training_allow_list();
  ASSERT_EQ(list.entries.size(), 2u);
  EXPECT_EQ(list.entries[1].name, "metrics");
  EXPECT_EQ(list.entries[1].max_count_per_iteration, 2u);
  EXPECT_EQ(list.entries[1].max_bytes_per_copy, 64u);
  EXPECT_EQ(list.entries[1].directions, std::vector<CopyDirection>{kDtoH});
  const CopyAllowList again = CopyAllowList::from_json(list.to_json(), "round trip");
  EXPECT_EQ(again.to_json(), list.to_json());
  EXPECT_EQ(again.find("chunk_fields")->max_bytes_per_copy, 4096u);
  EXPECT_EQ(again.find("nothing"), nullptr);
}

// Parses `text` and expects a dreamer::Error whose message contains `expected`.
void expect_parse_error(const std::string& text, const std::string& expected) {
  try {
    CopyAllowList::from_json(nlohmann::json::parse(text), "gate.json");
    ADD_FAILURE() << "no error for " << text;
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(expected), std::string::npos)
        << "message: " << error.what() << "\nexpected to contain: " << expected;
  }
}

std::string entry_with(const std::string& field_json) {
  nlohmann::json entry = {
      {"name", "x"}, {"max_count_per_iteration", 1}, {"max_bytes_per_copy", 8}, {"directions", {"HtoD"}}};
  entry.update(nlohmann::json::parse("{" + field_json + "}"));
  return nlohmann::json{{"allowed_copies", {entry}}}.dump();
}

TEST(CopyAllowList, ParseErrorsNameTheSourceAndTheField) {
  expect_parse_error("[]", "gate.json: expected a JSON object");
  expect_parse_error("{}", "gate.json: allowed_copies: missing");
  expect_parse_error(R"({"allowed_copies": {}})", "gate.json: allowed_copies: must be an array");
  expect_parse_error(R"({"allowed_copies": [], "extra": 1})", "gate.json: extra: unknown field");
  expect_parse_error(R"({"allowed_copies": [3]})", "allowed_copies[0]: must be an object");
  expect_parse_error(R"({"allowed_copies": [{"name": "x"}]})", "allowed_copies[0].max_count_per_iteration: missing");
  expect_parse_error(entry_with(R"("max_bytes": 8)"), "allowed_copies[0].max_bytes: unknown field");
  expect_parse_error(entry_with(R"("name": "")"), "allowed_copies[0].name: must be a non-empty string");
  expect_parse_error(entry_with(R"("max_count_per_iteration": -1)"),
                     "allowed_copies[0].max_count_per_iteration: must be a non-negative integer (got -1)");
  expect_parse_error(entry_with(R"("max_bytes_per_copy": 1.5)"),
                     "allowed_copies[0].max_bytes_per_copy: must be a non-negative integer (got 1.5)");
  expect_parse_error(entry_with(R"("max_bytes_per_copy": "8")"), "max_bytes_per_copy: must be a non-negative integer");
  expect_parse_error(entry_with(R"("directions": [])"), "allowed_copies[0].directions: must be a non-empty array");
  expect_parse_error(entry_with(R"("directions": ["DtoD"])"), "\"DtoD\" is not an audited direction");
  expect_parse_error(entry_with(R"("directions": ["sideways"])"), "\"sideways\" is not an audited direction");
  const nlohmann::json entry = {
      {"name", "dup"}, {"max_count_per_iteration", 1}, {"max_bytes_per_copy", 8}, {"directions", {"DtoH"}}};
  expect_parse_error(nlohmann::json{{"allowed_copies", {entry, entry}}}.dump(),
                     "allowed_copies[1].name: duplicate name 'dup'");
}

TEST(CopyAllowList, LoadsAFileAndNamesItInErrors) {
  const std::filesystem::path dir = std::filesystem::path(testing::TempDir()) / "copy_allow_list_test";
  std::filesystem::create_directories(dir);
  const std::filesystem::path good = dir / "good.json";
  std::ofstream(good) << training_allow_list().to_json().dump(2);
  EXPECT_EQ(CopyAllowList::load(good.string()).entries.size(), 2u);
  const std::filesystem::path bad = dir / "bad.json";
  std::ofstream(bad) << R"({"allowed_copies": [{"name": 5}]})";
  try {
    CopyAllowList::load(bad.string());
    ADD_FAILURE() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(bad.string() + ": allowed_copies[0]"), std::string::npos) << error.what();
  }
  EXPECT_THROW(CopyAllowList::load((dir / "missing.json").string()), Error);
}

TEST(CopyAudit, WritesItsResultAsJson) {
  const std::filesystem::path path = std::filesystem::path(testing::TempDir()) / "copy_audit_result.json";
  write_copy_audit_json(audit_copies({}, 2, training_allow_list()), path.string());
  std::ifstream in(path);
  const nlohmann::json json = nlohmann::json::parse(in);
  EXPECT_EQ(json.at("passed"), true);
  EXPECT_EQ(json.at("iterations"), 2);
  EXPECT_EQ(json.at("offending_total"), 0);
}

}  // namespace
}  // namespace dreamer
