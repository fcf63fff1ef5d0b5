// Tests of the Docker input's HTTP/1.1 response decoder: bodies of each framing fed in any
// pieces, and malformed answers refused with what was wrong.
#include "inputs/docker/http_response_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace nightjar::agent::docker {
namespace {

using ::testing::HasSubstr;

// Feeds `bytes` one byte at a time (the hardest cut); returns the first error.
Status FeedBytewise(HttpResponseDecoder& d, std::string_view bytes) {
  for (char c : bytes) {
    Status st = d.Feed(std::string_view(&c, 1));
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

TEST(HttpResponseDecoder, ContentLengthBodyInAnyPieces) {
  std::string answer =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
      "7\r\n\r\n[1,2,3]";
  HttpResponseDecoder d;
  ASSERT_TRUE(FeedBytewise(d, answer).ok());
  EXPECT_TRUE(d.head_done());
  EXPECT_EQ(d.status(), 200);
  EXPECT_TRUE(d.ended());
  EXPECT_EQ(d.body(), "[1,2,3]");
}

TEST(HttpResponseDecoder, ChunkedBodyWithExtensionsAndTrailers) {
  std::string answer =
      "HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n"
      "5;name=value\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: 1\r\n\r\n";
  HttpResponseDecoder d;
  ASSERT_TRUE(FeedBytewise(d, answer).ok());
  EXPECT_TRUE(d.chunked());
  EXPECT_TRUE(d.ended());
  EXPECT_EQ(d.body(), "hello world");
}

TEST(HttpResponseDecoder, EventsStreamHandsOutBodyAsItArrives) {
  HttpResponseDecoder d;
  ASSERT_TRUE(d.Feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1c\r\n").ok());
  ASSERT_TRUE(d.Feed("{\"status\":\"start\",\"id\":\"a\"}\n\r\n").ok());
  EXPECT_EQ(d.body(), "{\"status\":\"start\",\"id\":\"a\"}\n");
  EXPECT_FALSE(d.ended());
  d.body().clear();  // consumed
  ASSERT_TRUE(d.Feed("3\r\nab\n").ok());
  EXPECT_EQ(d.body(), "ab\n");
}

TEST(HttpResponseDecoder, BodyWithoutLengthEndsWithTheConnection) {
  HttpResponseDecoder d;
  ASSERT_TRUE(d.Feed("HTTP/1.0 200 OK\r\n\r\nuntil the end").ok());
  EXPECT_FALSE(d.ended());
  ASSERT_TRUE(d.FeedEof().ok());
  EXPECT_TRUE(d.ended());
  EXPECT_EQ(d.body(), "until the end");
}

TEST(HttpResponseDecoder, NoContentHasNoBody) {
  HttpResponseDecoder d;
  ASSERT_TRUE(d.Feed("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n").ok());
  EXPECT_TRUE(d.ended());
  EXPECT_EQ(d.body(), "");
}

std::string Refusal(std::string_view answer, bool eof = false) {
  HttpResponseDecoder d({.max_head_bytes = 256, .max_body_bytes = 1024});
  Status st = d.Feed(answer);
  if (st.ok() && eof) st = d.FeedEof();
  EXPECT_FALSE(st.ok()) << answer;
  // The decoder stays failed.
  EXPECT_FALSE(d.Feed("more").ok());
  return st.message();
}

TEST(HttpResponseDecoder, RefusesMalformedAnswersSayingWhat) {
  EXPECT_THAT(Refusal("HTTP/2 200\r\n\r\n"), HasSubstr("is not HTTP/1.x"));
  EXPECT_THAT(Refusal("HTTP/1.1 2x0 OK\r\n\r\n"), HasSubstr("no valid status code"));
  EXPECT_THAT(Refusal("HTTP/1.1 100 Continue\r\n\r\n"), HasSubstr("interim 100"));
  EXPECT_THAT(Refusal("HTTP/1.1 200 OK\r\nno colon\r\n\r\n"), HasSubstr("has no name"));
  EXPECT_THAT(Refusal("HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n"),
              HasSubstr("Content-Length \"1e3\" is not a number"));
  EXPECT_THAT(Refusal("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
              HasSubstr("two different Content-Length"));
  EXPECT_THAT(Refusal("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n"),
              HasSubstr("is not a hexadecimal number"));
  EXPECT_THAT(Refusal("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY"),
              HasSubstr("not followed by CRLF"));
  EXPECT_THAT(Refusal("HTTP/1.1 200 OK\r\nX: " + std::string(300, 'a')),
              HasSubstr("head is longer than 256 bytes"));
  EXPECT_THAT(
      Refusal("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + std::string(2000, '0')),
      HasSubstr("chunk-size line is longer"));
  EXPECT_THAT(Refusal("HTTP/1.1 200 OK\r\n\r\n" + std::string(2000, 'b')),
              HasSubstr("without being consumed"));
  EXPECT_THAT(Refusal("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", true),
              HasSubstr("closed in the middle of the body"));
  EXPECT_THAT(Refusal("HTTP/1.1 200 O", true), HasSubstr("before the response head ended"));
}

}  // namespace
}  // namespace nightjar::agent::docker
