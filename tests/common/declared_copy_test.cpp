// DeclaredCopy against fake hooks standing in for a running CUPTI trace.
#include "common/gpu_audit/declared_copy.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dreamer {
namespace {

std::vector<std::string> hook_calls;
bool push_succeeds = true;

bool fake_push(std::uint64_t scope_id) {
  hook_calls.push_back("push " + copy_scope_name(scope_id));
  return push_succeeds;
}
void fake_pop() { hook_calls.push_back("pop"); }

constexpr CopyScopeHooks kFakeHooks{&fake_push, &fake_pop};

class DeclaredCopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hook_calls.clear();
    push_succeeds = true;
  }
  void TearDown() override { set_copy_scope_hooks(nullptr); }
};

TEST_F(DeclaredCopyTest, ScopeNamesGetStableDistinctIds) {
  const std::uint64_t chunk = copy_scope_id("test_chunk_fields");
  const std::uint64_t metrics = copy_scope_id("test_metrics");
  EXPECT_GT(chunk, 0u);
  EXPECT_NE(chunk, metrics);
  EXPECT_EQ(copy_scope_id("test_chunk_fields"), chunk);
  EXPECT_EQ(copy_scope_name(chunk), "test_chunk_fields");
  EXPECT_EQ(copy_scope_name(metrics), "test_metrics");
  EXPECT_EQ(copy_scope_name(0), "");
  EXPECT_EQ(copy_scope_name(1u << 30), "");
}

TEST_F(DeclaredCopyTest, WithoutATraceAScopeCallsNothing) {
  { DeclaredCopy scope("idle"); }
  EXPECT_TRUE(hook_calls.empty());
}

TEST_F(DeclaredCopyTest, NestedScopesPushTheirNamesAndPopInReverseOrder) {
  set_copy_scope_hooks(&kFakeHooks);
  {
    DeclaredCopy outer("outer");
    DeclaredCopy inner("inner");
  }
  EXPECT_EQ(hook_calls, (std::vector<std::string>{"push outer", "push inner", "pop", "pop"}));
}

TEST_F(DeclaredCopyTest, AScopeOpenedDuringATracePopsAfterTheTraceStopped) {
  set_copy_scope_hooks(&kFakeHooks);
  {
    DeclaredCopy during("during");
    set_copy_scope_hooks(nullptr);
    DeclaredCopy after("after");
  }
  EXPECT_EQ(hook_calls, (std::vector<std::string>{"push during", "pop"}));
}

TEST_F(DeclaredCopyTest, AFailedPushIsNotPopped) {
  set_copy_scope_hooks(&kFakeHooks);
  push_succeeds = false;
  { DeclaredCopy scope("refused"); }
  EXPECT_EQ(hook_calls, (std::vector<std::string>{"push refused"}));
}

}  // namespace
}  // namespace dreamer
