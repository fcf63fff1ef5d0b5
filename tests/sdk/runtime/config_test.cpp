// Tests of YAML config reading and its error messages.
#include "runtime/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace nightjar {
namespace {

using ::testing::HasSubstr;

ConfigNode Load(std::string_view yaml) {
  auto node = ConfigNode::LoadString(yaml, "test.yaml");
  EXPECT_TRUE(node.ok()) << node.status().ToString();
  return *node;
}

TEST(Config, ReadsTypedValuesAndDefaults) {
  ConfigNode root = Load(R"(
receiver:
  port: 4318
  max_body_size: 20MiB
  timeout: 30s
  gzip: true
  ratio: 0.5
  tokens: [a, b]
  headers:
    X-Team: sre
)");
  ConfigNode receiver = root.Child("receiver");
  EXPECT_EQ(receiver.Int("port", 0, 1, 65535), 4318);
  EXPECT_EQ(receiver.Bytes("max_body_size", 0), 20u << 20);
  EXPECT_EQ(receiver.Dur("timeout", Duration::zero()), std::chrono::seconds(30));
  EXPECT_TRUE(receiver.Bool("gzip", false));
  EXPECT_EQ(receiver.Double("ratio", 0), 0.5);
  EXPECT_EQ(receiver.Strings("tokens"), (std::vector<std::string>{"a", "b"}));
  auto headers = receiver.StringMap("headers");
  ASSERT_EQ(headers.size(), 1u);
  EXPECT_EQ(headers[0].first, "X-Team");
  EXPECT_EQ(receiver.String("missing", "fallback"), "fallback");
  EXPECT_EQ(receiver.path(), "receiver");
  EXPECT_TRUE(root.ok());
}

TEST(Config, BadValueNamesFileLineColumnAndPath) {
  ConfigNode root = Load("receiver:\n  port: 4318\n  max_body_size: lots\n");
  ConfigNode receiver = root.Child("receiver");
  EXPECT_EQ(receiver.Bytes("max_body_size", 7), 7u);
  ASSERT_FALSE(root.ok());
  EXPECT_EQ(root.status().message(),
            "test.yaml:3:18: receiver.max_body_size: expected a byte size like \"64MiB\" or "
            "\"512KB\", got \"lots\"");
}

TEST(Config, RangesAndEnums) {
  ConfigNode root = Load("port: 70000\nstart_at: middle\n");
  root.Int("port", 1, 1, 65535);
  EXPECT_THAT(root.status().message(),
              HasSubstr("test.yaml:1:7: port: must be between 1 and 65535"));
  ConfigNode other = Load("start_at: middle\n");
  other.Enum("start_at", "end", {"beginning", "end"});
  EXPECT_THAT(other.status().message(),
              HasSubstr("start_at: expected one of beginning, end, got \"middle\""));
}

TEST(Config, UnknownKeysAreErrorsWithSuggestions) {
  ConfigNode root = Load("inputs:\n  - include: ['/var/log/*.log']\n    exlcude: []\n");
  auto items = root.Items("inputs");
  ASSERT_EQ(items.size(), 1u);
  items[0].AllowKeys({"include", "exclude", "start_at"});
  EXPECT_EQ(root.status().message(),
            "test.yaml:3:5: inputs[0].exlcude: unknown key (did you mean \"exclude\"?)");
}

TEST(Config, WrongShapesAreNamed) {
  ConfigNode root = Load("receiver: [1, 2]\n");
  root.Child("receiver");
  EXPECT_THAT(root.status().message(), HasSubstr("receiver: expected a mapping of keys to values"));
  ConfigNode list = Load("inputs: {a: 1}\n");
  list.Items("inputs");
  EXPECT_THAT(list.status().message(), HasSubstr("inputs: expected a list"));
}

TEST(Config, SyntaxErrorsHaveALocation) {
  auto node = ConfigNode::LoadString("a: [1, 2\nb: 3\n", "broken.yaml");
  ASSERT_FALSE(node.ok());
  EXPECT_THAT(node.status().message(), HasSubstr("broken.yaml:"));
  EXPECT_THAT(node.status().message(), HasSubstr("YAML syntax error"));
  auto scalar = ConfigNode::LoadString("just a string", "s.yaml");
  ASSERT_FALSE(scalar.ok());
  EXPECT_THAT(scalar.status().message(), HasSubstr("must be a mapping"));
  auto empty = ConfigNode::LoadString("", "empty.yaml");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->IsNull());
}

TEST(Config, ExpandsEnvironmentVariables) {
  setenv("NJ_TEST_TOKEN", "s3cret", 1);
  unsetenv("NJ_TEST_UNSET");
  ConfigNode root =
      Load("token: ${NJ_TEST_TOKEN}\nurl: http://${NJ_TEST_UNSET:-localhost}:4318\nprice: $$5\n");
  EXPECT_EQ(root.String("token"), "s3cret");
  EXPECT_EQ(root.String("url"), "http://localhost:4318");
  EXPECT_EQ(root.String("price"), "$5");
  ConfigNode missing = Load("token: ${NJ_TEST_UNSET}\n");
  missing.String("token");
  EXPECT_THAT(missing.status().message(),
              HasSubstr("environment variable NJ_TEST_UNSET is not set"));
}

TEST(Config, MissingFileIsNamed) {
  auto node = ConfigNode::LoadFile("/nonexistent/nightjar.yaml");
  ASSERT_FALSE(node.ok());
  EXPECT_EQ(node.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(node.status().message(), HasSubstr("/nonexistent/nightjar.yaml"));
}

}  // namespace
}  // namespace nightjar
