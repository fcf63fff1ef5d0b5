// Tests of hex, base64, UTF-8 and name-suggestion helpers.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "base/base64.h"
#include "base/hex.h"
#include "base/suggest.h"
#include "base/utf8.h"

namespace nightjar {
namespace {

TEST(Hex, EncodesLowerCaseAndDecodesEitherCase) {
  const uint8_t bytes[] = {0x00, 0x5b, 0xff, 0xa0};
  EXPECT_EQ(HexEncode(bytes, 4), "005bffa0");
  uint8_t out[4];
  ASSERT_TRUE(HexDecode("005BFFa0", out));
  EXPECT_EQ(0, std::memcmp(out, bytes, 4));
  EXPECT_FALSE(HexDecode("0g", out));
  EXPECT_FALSE(HexDecode("abc", out));
}

TEST(Base64, RoundTripsAllLengths) {
  std::string data;
  for (int i = 0; i < 40; ++i) {
    auto back = Base64Decode(Base64Encode(data));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, data);
    data.push_back(static_cast<char>(i * 37));
  }
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(*Base64Decode("Zm9vYg"), "foob");    // unpadded
  EXPECT_EQ(*Base64Decode("-_8="), "\xfb\xff");  // URL-safe alphabet
  EXPECT_FALSE(Base64Decode("Zm9v!").has_value());
  EXPECT_FALSE(Base64Decode("Z").has_value());
}

TEST(Utf8, ValidatesPerRfc3629) {
  EXPECT_TRUE(IsValidUtf8("plain ascii, long enough to use the fast path"));
  EXPECT_TRUE(IsValidUtf8("h\xc3\xa9llo \xe4\xb8\xad \xf0\x9f\x90\xa6"));
  EXPECT_EQ(FindInvalidUtf8("abcdefghij\xff"), 10u);
  EXPECT_EQ(FindInvalidUtf8("\xc0\xaf"), 0u);          // overlong '/'
  EXPECT_EQ(FindInvalidUtf8("ab\xed\xa0\x80"), 2u);    // UTF-16 surrogate
  EXPECT_EQ(FindInvalidUtf8("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("\xe4\xb8"), 0u);          // truncated
}

TEST(Utf8, RepairReplacesEachBadRunOnce) {
  size_t replaced = 0;
  EXPECT_EQ(RepairUtf8("ok\xff\xfe then \xe4\xb8 end", &replaced),
            "ok\xef\xbf\xbd\xef\xbf\xbd then \xef\xbf\xbd end");
  EXPECT_EQ(replaced, 3u);
  EXPECT_EQ(RepairUtf8("fine \xc3\xa9", &replaced), "fine \xc3\xa9");
  EXPECT_EQ(replaced, 0u);
}

TEST(Suggest, EditDistanceCountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("endpoint", "endpoint"), 0u);
  EXPECT_EQ(EditDistance("endpont", "endpoint"), 1u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
}

TEST(Suggest, ClosestNameSuggestsOnlyNearMisses) {
  std::vector<std::string> keys = {"include", "exclude", "start_at"};
  EXPECT_EQ(ClosestName("inclde", keys), "include");
  EXPECT_EQ(ClosestName("excluded", keys), "exclude");
  EXPECT_EQ(ClosestName("parser", keys), "");
  EXPECT_EQ(ClosestName("x", {}), "");
}

}  // namespace
}  // namespace nightjar
