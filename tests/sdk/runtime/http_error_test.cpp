// Tests of the JSON APIs' error answers.
#include "runtime/http_error.h"

#include <gtest/gtest.h>

namespace nightjar {
namespace {

TEST(HttpError, MapsStatusCodesToHttpStatuses) {
  EXPECT_EQ(HttpStatusFor(StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(StatusCode::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kResourceExhausted), 413);
  EXPECT_EQ(HttpStatusFor(StatusCode::kDeadlineExceeded), 503);
  EXPECT_EQ(HttpStatusFor(StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(StatusCode::kInternal), 500);
}

TEST(HttpError, BodyCarriesTheMessageEscapedAndTheCodeName) {
  EXPECT_EQ(ErrorJson(InvalidArgument("bad \"limit\"\n")),
            R"({"error":"bad \"limit\"\n","code":"invalid_argument"})");
}

}  // namespace
}  // namespace nightjar
