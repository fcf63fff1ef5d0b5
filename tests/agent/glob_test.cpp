// Tests of path globs with "**" and of file discovery over a real directory tree.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "inputs/file_tail/discovery.h"
#include "inputs/file_tail/glob.h"
#include "log_writer.h"
#include "temp_dir.h"

namespace nightjar::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

Glob Parse(const std::string& pattern) {
  Result<Glob> glob = Glob::Parse(pattern);
  EXPECT_TRUE(glob.ok()) << glob.status().ToString();
  return glob.ok() ? *glob : *Glob::Parse("/");
}

TEST(Glob, RefusesRelativeAndDotSegments) {
  EXPECT_FALSE(Glob::Parse("var/log/*.log").ok());
  EXPECT_FALSE(Glob::Parse("").ok());
  EXPECT_FALSE(Glob::Parse("/var/../etc/*").ok());
  EXPECT_FALSE(Glob::Parse("/").ok());
}

TEST(Glob, SplitsTheLiteralBaseFromTheWildcards) {
  Glob glob = Parse("/var/log/app/*/x.log");
  EXPECT_EQ(glob.base_dir(), "/var/log/app");
  EXPECT_THAT(glob.segments(), ElementsAre("*", "x.log"));
  // The last segment names files, so it is never part of the base.
  EXPECT_EQ(Parse("/var/log/syslog").base_dir(), "/var/log");
  EXPECT_EQ(Parse("/*.log").base_dir(), "/");
}

TEST(Glob, MatchesSegmentWildcards) {
  Glob glob = Parse("/var/log/*.log");
  EXPECT_TRUE(glob.Matches("/var/log/app.log"));
  EXPECT_FALSE(glob.Matches("/var/log/app.log.1"));
  EXPECT_FALSE(glob.Matches("/var/log/sub/app.log"));  // '*' stays inside one segment
  EXPECT_FALSE(glob.Matches("/var/log/.hidden.log"));  // as in a shell
  EXPECT_TRUE(Parse("/var/log/app-[0-9].log").Matches("/var/log/app-7.log"));
  EXPECT_TRUE(Parse("/var/log/?pp.log").Matches("/var/log/app.log"));
}

TEST(Glob, DoubleStarMatchesAnyDepthIncludingNone) {
  Glob glob = Parse("/srv/**/*.log");
  EXPECT_TRUE(glob.Matches("/srv/a.log"));
  EXPECT_TRUE(glob.Matches("/srv/x/a.log"));
  EXPECT_TRUE(glob.Matches("/srv/x/y/z/a.log"));
  EXPECT_FALSE(glob.Matches("/srv/x/a.txt"));
  EXPECT_FALSE(glob.Matches("/srv/.git/a.log"));  // "**" skips hidden directories
  EXPECT_TRUE(Parse("/srv/**").Matches("/srv/x/y"));
  EXPECT_TRUE(Parse("/srv/**/logs/*.log").Matches("/srv/a/b/logs/c.log"));
  EXPECT_FALSE(Parse("/srv/**/logs/*.log").Matches("/srv/a/b/c.log"));
}

class DiscoveryTest : public ::testing::Test {
 protected:
  void Make(const std::string& relative) {
    std::filesystem::path path = std::filesystem::path(dir_.path()) / relative;
    std::filesystem::create_directories(path.parent_path());
    testing::WriteFile(path.string(), "x\n");
  }
  std::vector<std::string> Found(const std::vector<std::string>& include,
                                 const std::vector<std::string>& exclude = {}) {
    std::vector<Glob> in;
    std::vector<Glob> ex;
    for (const auto& p : include) in.push_back(Parse(dir_.path() + "/" + p));
    for (const auto& p : exclude) ex.push_back(Parse(dir_.path() + "/" + p));
    std::vector<std::string> out;
    for (const DiscoveredFile& f : Discover(in, ex).files) {
      out.push_back(f.path.substr(dir_.path().size() + 1));
      EXPECT_NE(f.inode, 0u);
    }
    return out;
  }
  testing::TempDir dir_;
};

TEST_F(DiscoveryTest, FindsFilesByWildcardAndDoubleStar) {
  Make("a.log");
  Make("b.txt");
  Make("sub/c.log");
  Make("sub/deeper/d.log");
  Make(".hidden/e.log");
  EXPECT_THAT(Found({"*.log"}), ElementsAre("a.log"));
  EXPECT_THAT(Found({"**/*.log"}), UnorderedElementsAre("a.log", "sub/c.log", "sub/deeper/d.log"));
  EXPECT_THAT(Found({"*/*.log"}), ElementsAre("sub/c.log"));
  EXPECT_THAT(Found({"sub/deeper/d.log"}), ElementsAre("sub/deeper/d.log"));
}

TEST_F(DiscoveryTest, ExcludesWinAndPathsAreReportedOnce) {
  Make("a.log");
  Make("a.log.gz");
  Make("sub/b.log");
  EXPECT_THAT(Found({"**/*.log*"}, {"**/*.gz"}), UnorderedElementsAre("a.log", "sub/b.log"));
  // Two patterns matching the same file report it once.
  EXPECT_THAT(Found({"*.log", "a.*"}), UnorderedElementsAre("a.log", "a.log.gz"));
}

TEST_F(DiscoveryTest, ReportsTheDirectoriesItListed) {
  Make("sub/x/a.log");
  std::vector<Glob> include = {Parse(dir_.path() + "/**/*.log")};
  Discovery d = Discover(include, {});
  std::vector<std::string> dirs = d.directories;
  EXPECT_NE(std::find(dirs.begin(), dirs.end(), dir_.path()), dirs.end());
  EXPECT_NE(std::find(dirs.begin(), dirs.end(), dir_.path() + "/sub/x"), dirs.end());
}

TEST_F(DiscoveryTest, MissingDirectoriesAndNonRegularFilesAreSkipped) {
  std::filesystem::create_directories(dir_.path() + "/dir.log");
  EXPECT_TRUE(Found({"*.log"}).empty());
  EXPECT_TRUE(Found({"nope/*.log"}).empty());
}

}  // namespace
}  // namespace nightjar::agent
