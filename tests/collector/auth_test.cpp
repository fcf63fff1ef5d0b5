// Tests of bearer-token checks.
#include <gtest/gtest.h>

#include "auth/bearer_auth.h"

namespace nightjar::collector {
namespace {

TEST(BearerAuth, AcceptsOnlyConfiguredTokens) {
  BearerAuth auth({"first-token-0123456789", "second-token-0123456789"});
  EXPECT_TRUE(auth.enabled());
  EXPECT_TRUE(auth.Check("Bearer first-token-0123456789"));
  EXPECT_TRUE(auth.Check("bearer   second-token-0123456789 "));
  EXPECT_FALSE(auth.Check(""));
  EXPECT_FALSE(auth.Check("Bearer "));
  EXPECT_FALSE(auth.Check("Basic first-token-0123456789"));
  EXPECT_FALSE(auth.Check("Bearer first-token-012345678"));    // a prefix
  EXPECT_FALSE(auth.Check("Bearer first-token-01234567890"));  // an extension
  EXPECT_FALSE(auth.Check("Bearer FIRST-token-0123456789"));
}

TEST(BearerAuth, PassesEverythingWithoutTokens) {
  BearerAuth auth({});
  EXPECT_FALSE(auth.enabled());
  EXPECT_TRUE(auth.Check(""));
}

TEST(ConstantTimeEquals, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("ab", std::string_view("ab\0", 3)));
}

}  // namespace
}  // namespace nightjar::collector
