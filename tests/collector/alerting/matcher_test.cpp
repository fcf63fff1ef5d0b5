// Label matchers, fingerprints and label text (collector/alerting/label_matcher.h, labels.h).
#include <gtest/gtest.h>

#include "alerting/label_matcher.h"
#include "alerting/labels.h"
#include "alerting/router.h"
#include "alerting/time_text.h"

namespace nightjar::collector::alerting {
namespace {

bool Match(std::string_view matcher, const Labels& labels) {
  auto m = LabelMatcher::Parse(matcher);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() && m->Matches(labels);
}

TEST(LabelMatcher, EachOperatorAsAlertmanagerDefinesIt) {
  Labels l = {{"env", "prod"}, {"team", "db"}};
  EXPECT_TRUE(Match("env=prod", l));
  EXPECT_FALSE(Match("env=pro", l));
  EXPECT_TRUE(Match("env!=dev", l));
  EXPECT_FALSE(Match("env!=prod", l));
  EXPECT_TRUE(Match("team=~d.|web", l));
  EXPECT_FALSE(Match("team=~d", l));  // anchored: must match the whole value
  EXPECT_TRUE(Match("team!~web.*", l));
  EXPECT_FALSE(Match("team!~db", l));
  // An absent label reads as "".
  EXPECT_TRUE(Match("owner=\"\"", l));
  EXPECT_TRUE(Match("owner!~.+", l));
  EXPECT_FALSE(Match("owner=~.+", l));
  // Quoted values with escapes, spaces around the operator.
  EXPECT_TRUE(Match("env = \"prod\"", l));
  EXPECT_TRUE(Match("q=\"a\\\"b\"", {{"q", "a\"b"}}));
}

TEST(LabelMatcher, RefusesMalformedMatchersWithTheReason) {
  EXPECT_FALSE(LabelMatcher::Parse("env").ok());
  EXPECT_FALSE(LabelMatcher::Parse("=prod").ok());
  auto bad = LabelMatcher::Parse("env=~(");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("invalid regular expression"), std::string::npos)
      << bad.status().message();
  EXPECT_FALSE(LabelMatcher::ParseOp("~=").ok());
}

TEST(LabelMatcher, RoundTripsThroughItsTextForm) {
  auto m = LabelMatcher::Parse("team!~\"db|web\"");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->ToString(), "team!~\"db|web\"");
  auto again = LabelMatcher::Parse(m->ToString());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->value(), "db|web");
  EXPECT_EQ(again->op(), LabelMatcher::Op::kNotRegex);
}

TEST(Labels, FingerprintIsStableAndOrderIndependent) {
  Labels a = {{"alertname", "cpu"}, {"host", "web-1"}};
  Labels b = {{"host", "web-1"}, {"alertname", "cpu"}};
  EXPECT_EQ(Fingerprint(a), Fingerprint(b));
  EXPECT_EQ(Fingerprint(a).size(), 16u);
  // Pinned: fingerprints are stored and sent to receivers, so they must never change.
  EXPECT_EQ(Fingerprint(a), "99ae6a311624f67a");
  EXPECT_NE(Fingerprint({{"ab", "c"}}), Fingerprint({{"a", "bc"}}));
  EXPECT_NE(Fingerprint(a), Fingerprint({{"alertname", "cpu"}, {"host", "web-2"}}));
  EXPECT_EQ(FormatLabels({{"a", "x\"y"}, {"b", "2"}}), "{a=\"x\\\"y\", b=\"2\"}");
  auto parsed = ParseLabelsJson(LabelsJson(a), "labels");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, a);
  EXPECT_FALSE(ParseLabelsJson("{\"a\": 1}", "labels").ok());
}

TEST(Router, FirstMatchWinsUnlessContinue) {
  AlertingConfig c;
  Route db;
  db.matchers.push_back(*LabelMatcher::Parse("team=db"));
  db.receivers = {"db-pager", "chat"};
  Route rest;
  rest.receivers = {"chat"};
  c.routes = {db, rest};
  auto m = MatchRoutes(c, {{"team", "db"}});
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].receiver, "db-pager");
  EXPECT_EQ(m[0].route_key, "{}/{team=\"db\"}");
  c.routes[0].continue_matching = true;
  m = MatchRoutes(c, {{"team", "db"}});
  EXPECT_EQ(m.size(), 2u);  // chat once, though two routes name it
  EXPECT_EQ(MatchRoutes(c, {{"team", "web"}}).size(), 1u);
  c.routes.clear();
  EXPECT_TRUE(MatchRoutes(c, {{"team", "db"}}).empty());
}

TEST(TimeText, ParsesRfc3339WithOffsetsAndFormatsUtc) {
  EXPECT_EQ(ParseTime("2023-11-14T22:13:20Z"), 1'700'000'000'000'000'000);
  EXPECT_EQ(ParseTime("2023-11-14T23:13:20.5+01:00"), 1'700'000'000'500'000'000);
  EXPECT_FALSE(ParseTime("yesterday").has_value());
  EXPECT_FALSE(ParseTime("1700000000").has_value());
  EXPECT_EQ(FormatTime(1'700'000'000'250'000'000), "2023-11-14T22:13:20.250Z");
}

}  // namespace
}  // namespace nightjar::collector::alerting
