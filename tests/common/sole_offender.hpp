#pragma once
// GoogleTest check shared by the copy-audit tests: an audit that failed on
// exactly one copy, for one offence.
#include <gtest/gtest.h>

#include "common/gpu_audit/copy_audit.hpp"

namespace dreamer {

// The audit's only offending copy, after checking that the audit failed and
// the offence; nullptr, after a test failure that prints the audit, when
// there is not exactly one.
inline const OffendingCopy* sole_offender(const CopyAuditResult& audit, CopyOffence offence) {
  EXPECT_FALSE(audit.passed);
  if (audit.offending.size() != 1) {
    ADD_FAILURE() << audit.offending.size() << " offending copies, expected 1: " << copy_audit_json(audit).dump(2);
    return nullptr;
  }
  EXPECT_EQ(audit.offending[0].offence, offence);
  return &audit.offending[0];
}

}  // namespace dreamer
