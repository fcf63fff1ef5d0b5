// Tests of the API's parameter parsing, including a large set of malformed inputs (the
// parser reads bytes from the network; it depends on the runtime library, which the fuzz tree
// does not build, so this test stands in for a fuzz target).
#include <gtest/gtest.h>

#include <random>

#include "api/query_params.h"

namespace nightjar::collector {
namespace {

constexpr int64_t kNow = 1'700'000'000'000'000'000;

TEST(QueryParams, DecodesAndLooksUpParameters) {
  auto p = QueryParams::Parse("q=disk+full%21&attr.http.route=%2Fa%2Fb&metric=a&metric=b&&x=");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(*p->Get("q"), "disk full!");
  EXPECT_EQ(p->GetAll("metric"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(p->WithPrefix("attr."),
            (std::vector<std::pair<std::string, std::string>>{{"http.route", "/a/b"}}));
  EXPECT_EQ(*p->Get("x"), "");
  EXPECT_FALSE(p->Get("y").has_value());
  EXPECT_TRUE(p->AllowOnly({"q", "metric", "x"}, {"attr."}).ok());
  Status st = p->AllowOnly({"q", "metric"}, {"attr."});
  EXPECT_EQ(st.message().rfind("x: unknown parameter", 0), 0u) << st.message();
}

TEST(QueryParams, ReadsTimesInEveryForm) {
  auto p = QueryParams::Parse(
      "a=2023-11-14T22:13:20Z&b=2023-11-14T23:13:20.5%2B01:00&c=now-1h&d=now&e=123&f=yesterday"
      "&g=2023-02-30T00:00:00&h=-5");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p->Time("a", 0, kNow), kNow);
  EXPECT_EQ(*p->Time("b", 0, kNow), kNow + 500'000'000);
  EXPECT_EQ(*p->Time("c", 0, kNow), kNow - 3'600'000'000'000);
  EXPECT_EQ(*p->Time("d", 0, kNow), kNow);
  EXPECT_EQ(*p->Time("e", 0, kNow), 123);
  EXPECT_EQ(*p->Time("missing", 7, kNow), 7);
  auto bad = p->Time("f", 0, kNow);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().rfind("f: expected an RFC 3339 time", 0), 0u);
  EXPECT_FALSE(p->Time("g", 0, kNow).ok());  // no zone
  EXPECT_FALSE(p->Time("h", 0, kNow).ok());
  EXPECT_EQ(FormatRfc3339(kNow + 5), "2023-11-14T22:13:20.000000005Z");
}

TEST(QueryParams, ReadsIntegersDurationsAndSeverities) {
  auto p = QueryParams::Parse("l=50&big=99999&neg=-1&s=5m&z=0s&e=error&w=WARNING&n=17&bad=loud");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p->Int("l", 100, 1, 1000), 50);
  EXPECT_EQ(p->Int("big", 100, 1, 1000).status().message(),
            "big: must be between 1 and 1000, got 99999");
  EXPECT_FALSE(p->Int("neg", 100, 1, 1000).ok());
  EXPECT_EQ(*p->Dur("s", std::chrono::seconds(1)), std::chrono::minutes(5));
  EXPECT_FALSE(p->Dur("z", std::chrono::seconds(1)).ok());
  EXPECT_EQ(*p->Severity("e", 0, false), 17);
  EXPECT_EQ(*p->Severity("e", 0, true), 20);
  EXPECT_EQ(*p->Severity("w", 0, false), 13);
  EXPECT_EQ(*p->Severity("n", 0, false), 17);
  EXPECT_EQ(p->Severity("bad", 0, false).status().message().rfind("bad: expected", 0), 0u);
}

TEST(QueryParams, RefusesMalformedQueryStrings) {
  for (const char* q : {"a=%", "a=%4", "a=%zz", "=x", "%ZZ=1", "a=%ff%fe", "%=1"}) {
    auto p = QueryParams::Parse(q);
    EXPECT_FALSE(p.ok()) << q;
  }
}

// Throws many random and mutated inputs at every parser: none may crash, hang or accept
// invalid UTF-8, and every error must name something.
TEST(QueryParams, SurvivesMalformedInputs) {
  std::mt19937_64 rng(42);
  const std::string seeds[] = {"q=a+b&from=2023-11-14T22:13:20.123Z&to=now-5m&limit=10",
                               "attr.k=%2F&label.t=x&severity_min=error&cursor=123",
                               "metric=a&metric=b&step=1h30m&agg=p99&group_by=host.name"};
  const char alphabet[] = "%=&+0123456789abcdefABCDEFZTnow-:.\xff\xc3\x28";
  for (int i = 0; i < 20000; ++i) {
    std::string s = seeds[rng() % 3];
    int edits = 1 + static_cast<int>(rng() % 6);
    for (int e = 0; e < edits && !s.empty(); ++e) {
      size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0:
          s[at] = alphabet[rng() % (sizeof(alphabet) - 1)];
          break;
        case 1:
          s.insert(at, 1, alphabet[rng() % (sizeof(alphabet) - 1)]);
          break;
        default:
          s.erase(at, 1 + rng() % 4);
      }
    }
    auto p = QueryParams::Parse(s);
    if (!p.ok()) {
      EXPECT_FALSE(p.status().message().empty());
      continue;
    }
    for (const auto& [k, v] : p->all()) {
      EXPECT_FALSE(k.empty());
      (void)p->Time(k, 0, kNow);
      (void)p->Int(k, 0, 0, 100);
      (void)p->Dur(k, std::chrono::seconds(1));
      (void)p->Severity(k, 0, true);
      auto t = ParseRfc3339(v);
      if (t) {
        EXPECT_GE(*t, 0);
      }
    }
  }
}

}  // namespace
}  // namespace nightjar::collector
