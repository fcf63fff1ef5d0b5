// Tests of which containers a Docker input reads and of their records' resource attributes.
#include "inputs/docker/container.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "inputs/docker/docker_api.h"

namespace nightjar::agent::docker {
namespace {

using ::testing::Contains;
using ::testing::Pair;

ContainerInfo Web() {
  ContainerInfo c;
  c.id = std::string(64, 'a');
  c.name = "shop-web-1";
  c.image = "registry:5000/shop/web:1.4";
  c.log_driver = "json-file";
  c.labels = {{"com.docker.compose.service", "web"}, {"tier", "front"}};
  return c;
}

TEST(ContainerSelection, EmptySelectsEveryContainer) { EXPECT_TRUE(Selected({}, Web())); }

TEST(ContainerSelection, IncludeNeedsEveryListGivenToMatch) {
  ContainerSelection s;
  s.include.names = {"shop-*"};
  EXPECT_TRUE(Selected(s, Web()));
  s.include.images = {"*/shop/api:*"};
  EXPECT_FALSE(Selected(s, Web()));
  s.include.images = {"nginx", "registry:5000/shop/*"};
  EXPECT_TRUE(Selected(s, Web()));
  s.include.labels = {{"tier", "back*"}};
  EXPECT_FALSE(Selected(s, Web()));
  s.include.labels = {{"tier", "fr*"}};
  EXPECT_TRUE(Selected(s, Web()));
  s.include.labels = {{"missing", "*"}};
  EXPECT_FALSE(Selected(s, Web()));
}

TEST(ContainerSelection, ExcludeByAnyNameImageOrLabel) {
  ContainerSelection s;
  s.exclude.names = {"other"};
  EXPECT_TRUE(Selected(s, Web()));
  s.exclude.names = {"*-web-*"};
  EXPECT_FALSE(Selected(s, Web()));
  s.exclude.names.clear();
  s.exclude.images = {"*:1.4"};
  EXPECT_FALSE(Selected(s, Web()));
  s.exclude.images.clear();
  s.exclude.labels = {{"tier", "front"}};
  EXPECT_FALSE(Selected(s, Web()));
  s.exclude.labels = {{"tier", "back"}};
  EXPECT_TRUE(Selected(s, Web()));
}

TEST(ContainerImage, SplitsNameAndTag) {
  EXPECT_EQ(SplitImage("redis"), std::make_pair(std::string("redis"), std::string("latest")));
  EXPECT_EQ(SplitImage("redis:7"), std::make_pair(std::string("redis"), std::string("7")));
  EXPECT_EQ(SplitImage("registry:5000/app"),
            std::make_pair(std::string("registry:5000/app"), std::string("latest")));
  EXPECT_EQ(SplitImage("registry:5000/app:1.2@sha256:abc"),
            std::make_pair(std::string("registry:5000/app"), std::string("1.2")));
}

TEST(ContainerResource, CarriesContainerAttributesAndMappedLabels) {
  StringPairs base = {{"host.name", "h1"}, {"service.name", "from-input"}};
  StringPairs r = ContainerResource(base, {{"com.docker.compose.service", "service.name"}}, Web());
  EXPECT_THAT(r, Contains(Pair("host.name", "h1")));
  EXPECT_THAT(r, Contains(Pair("container.id", std::string(64, 'a'))));
  EXPECT_THAT(r, Contains(Pair("container.name", "shop-web-1")));
  EXPECT_THAT(r, Contains(Pair("container.image.name", "registry:5000/shop/web")));
  EXPECT_THAT(r, Contains(Pair("container.image.tag", "1.4")));
  EXPECT_THAT(r, Contains(Pair("service.name", "web")));
  EXPECT_EQ(std::count_if(r.begin(), r.end(), [](auto& kv) { return kv.first == "service.name"; }),
            1);
}

TEST(ContainerResource, ServiceNameDefaultsToTheContainerName) {
  ContainerInfo c = Web();
  c.labels.clear();
  StringPairs r = ContainerResource({{"host.name", "h1"}}, {}, c);
  EXPECT_THAT(r, Contains(Pair("service.name", "shop-web-1")));
}

TEST(DockerApi, EncodesQueryText) {
  EXPECT_EQ(UrlEncode(R"({"type":["container"]})"), "%7B%22type%22%3A%5B%22container%22%5D%7D");
}

TEST(DockerApi, FailsWhenNoDaemonListens) {
  DockerApi api("/nonexistent/docker.sock");
  Result<std::string> r = api.Get("/containers/json", std::chrono::seconds(1));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/docker.sock"), std::string::npos);
}

}  // namespace
}  // namespace nightjar::agent::docker
