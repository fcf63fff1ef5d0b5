// Tests of gzip compression and bounded decompression.
#include "otlp/gzip.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <random>

namespace nightjar::otlp {
namespace {

using ::testing::HasSubstr;

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xFF);
  return out;
}

TEST(Gzip, RoundTripsTextAndBinary) {
  for (size_t size : {0u, 1u, 100u, 65536u, 1000000u}) {
    std::string data = RandomBytes(size, static_cast<uint32_t>(size));
    auto back = GzipDecompress(GzipCompress(data), 2 * size + 1);
    ASSERT_TRUE(back.ok()) << size << ": " << back.status().ToString();
    EXPECT_EQ(*back, data);
  }
  std::string text(200000, 'a');
  std::string compressed = GzipCompress(text);
  EXPECT_LT(compressed.size(), 1000u);
  // gzip magic bytes: this is a gzip stream, not a raw zlib one.
  EXPECT_EQ(compressed.substr(0, 2), "\x1f\x8b");
}

TEST(Gzip, RefusesAZipBombWithoutInflatingIt) {
  // 64 MiB of zeros compress to about 64 KiB.
  std::string bomb = GzipCompress(std::string(64u << 20, '\0'), 9);
  ASSERT_LT(bomb.size(), 100u * 1024);
  auto result = GzipDecompress(bomb, 1u << 20);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(result.status().message(), HasSubstr("exceeds the limit of 1048576 bytes"));
}

TEST(Gzip, AcceptsExactlyTheLimit) {
  std::string data(4096, 'x');
  auto result = GzipDecompress(GzipCompress(data), 4096);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->size(), 4096u);
  EXPECT_FALSE(GzipDecompress(GzipCompress(data), 4095).ok());
}

TEST(Gzip, RefusesTruncatedCorruptAndTrailingGarbage) {
  std::string compressed = GzipCompress(RandomBytes(10000, 7));
  auto truncated = GzipDecompress(compressed.substr(0, compressed.size() / 2), 1 << 20);
  ASSERT_FALSE(truncated.ok());
  EXPECT_THAT(truncated.status().message(), HasSubstr("truncated"));

  std::string corrupt = compressed;
  corrupt[corrupt.size() / 2] ^= 0x55;
  corrupt[corrupt.size() - 3] ^= 0x55;  // the CRC/length trailer
  auto bad = GzipDecompress(corrupt, 1 << 20);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);

  auto trailing = GzipDecompress(compressed + "garbage", 1 << 20);
  ASSERT_FALSE(trailing.ok());
  EXPECT_THAT(trailing.status().message(), HasSubstr("7 bytes of garbage after the stream"));

  auto not_gzip = GzipDecompress("plain text, not gzip", 1 << 20);
  ASSERT_FALSE(not_gzip.ok());
  EXPECT_THAT(not_gzip.status().message(), HasSubstr("corrupt stream"));

  EXPECT_FALSE(GzipDecompress("", 1 << 20).ok());
}

TEST(Gzip, DecodesConcatenatedMembers) {
  auto result = GzipDecompress(GzipCompress("hello, ") + GzipCompress("world"), 1 << 20);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, "hello, world");
}

}  // namespace
}  // namespace nightjar::otlp

namespace nightjar::otlp {
namespace {

TEST(Gzip, NoLimitMeansNoLimit) {
  std::string data(100000, 'z');
  auto result = GzipDecompress(GzipCompress(data), std::numeric_limits<size_t>::max());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, data);
}

}  // namespace
}  // namespace nightjar::otlp
