// Tests of Status, Result and their macros.
#include "base/status.h"

#include <gtest/gtest.h>

namespace nightjar {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return InvalidArgument(std::to_string(n) + " is odd");
  return n / 2;
}

Result<int> Quarter(int n) {
  NJ_ASSIGN_OR_RETURN(int half, Half(n));
  NJ_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status CheckEven(int n) {
  NJ_RETURN_IF_ERROR(Half(n).status());
  return Status::Ok();
}

TEST(Status, OkAndErrors) {
  EXPECT_TRUE(Status::Ok().ok());
  EXPECT_EQ(Status::Ok().ToString(), "ok");
  Status st = NotFound("no such series");
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_EQ(st.ToString(), "not_found: no such series");
  EXPECT_EQ(st.WithContext("query").message(), "query: no such series");
  EXPECT_TRUE(Status::Ok().WithContext("ignored").ok());
}

TEST(Result, ValueOrStatus) {
  auto ok = Half(8);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 4);
  auto bad = Half(7);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "7 is odd");
}

TEST(Result, MacrosPropagateTheFirstFailure) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().message(), "3 is odd");
  EXPECT_TRUE(CheckEven(2).ok());
  EXPECT_EQ(CheckEven(3).code(), StatusCode::kInvalidArgument);
}

TEST(StatusCode, NamesAreStable) {
  EXPECT_EQ(StatusCodeName(StatusCode::kResourceExhausted), "resource_exhausted");
  EXPECT_EQ(StatusCodeName(StatusCode::kUnauthenticated), "unauthenticated");
}

}  // namespace
}  // namespace nightjar
