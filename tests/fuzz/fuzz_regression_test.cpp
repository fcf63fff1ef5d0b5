// Replays the seed corpus and every saved reproducer of each fuzz target through the target's
// own function, without libFuzzer, so that the ordinary (and sanitized) test runs check that
// every input that ever failed a decoder's oracles still passes them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "fuzz_oracle.h"
#include "fuzz_targets.h"

namespace nightjar::fuzz {

void PrintTo(const FuzzTarget& target, std::ostream* os) { *os << target.name; }

namespace {

namespace fs = std::filesystem;

// Thrown by the failure handler installed for the tests, so that a failing oracle becomes a
// test failure naming the input instead of a trap that ends the test binary.
class OracleError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] void ThrowOracleError(const std::string& description) {
  throw OracleError(description);
}

// Returns tests/fuzz of the source tree: from ctest's NJ_SOURCE_DIR, or as configured.
fs::path FuzzDir() {
  if (const char* source = std::getenv("NJ_SOURCE_DIR"); source != nullptr && *source != '\0') {
    return fs::path(source) / "tests" / "fuzz";
  }
  return fs::path(NJ_FUZZ_SOURCE_DIR);
}

std::vector<fs::path> FilesIn(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string ReadFile(const fs::path& path) {
  std::string bytes(fs::file_size(path), '\0');
  std::ifstream in(path, std::ios::binary);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  EXPECT_TRUE(in.good()) << "cannot read " << path.string();
  return bytes;
}

// Runs `target` on every file in `dir`, recording a failure for each input whose oracles do
// not hold. Returns the number of files run.
size_t Replay(const FuzzTarget& target, const fs::path& dir) {
  size_t count = 0;
  for (const fs::path& file : FilesIn(dir)) {
    std::string input = ReadFile(file);
    try {
      target.run(input);
    } catch (const OracleError& e) {
      ADD_FAILURE() << file.string() << " (" << input.size() << " bytes) fails an oracle of "
                    << target.name << ":\n"
                    << e.what();
    }
    ++count;
  }
  return count;
}

class FuzzReplay : public ::testing::TestWithParam<FuzzTarget> {
 protected:
  void SetUp() override { SetOracleFailureHandler(&ThrowOracleError); }
  void TearDown() override { SetOracleFailureHandler(nullptr); }
};

TEST_P(FuzzReplay, CorpusAndRegressionsPassTheOracles) {
  const FuzzTarget& target = GetParam();
  fs::path corpus = FuzzDir() / "corpus" / target.name;
  ASSERT_TRUE(fs::is_directory(corpus)) << corpus.string() << " is missing";
  EXPECT_GT(Replay(target, corpus), 0u)
      << corpus.string() << " holds no seeds; regenerate it with fuzz_corpus_generator";
  // A target that never failed has no regressions folder.
  fs::path regressions = FuzzDir() / "regressions" / target.name;
  if (fs::is_directory(regressions)) Replay(target, regressions);
}

std::string TargetName(const ::testing::TestParamInfo<FuzzTarget>& param) {
  return param.param.name;
}

INSTANTIATE_TEST_SUITE_P(AllTargets, FuzzReplay,
                         ::testing::ValuesIn(AllFuzzTargets().begin(), AllFuzzTargets().end()),
                         &TargetName);

TEST(FuzzTargets, EveryFolderNamesATarget) {
  std::set<std::string> names;
  for (const FuzzTarget& target : AllFuzzTargets()) names.insert(target.name);
  EXPECT_EQ(names.size(), AllFuzzTargets().size()) << "two targets share a name";
  for (const char* kind : {"corpus", "regressions"}) {
    fs::path dir = FuzzDir() / kind;
    if (!fs::is_directory(dir)) continue;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
      EXPECT_TRUE(entry.is_directory() && names.count(entry.path().filename().string()) == 1)
          << entry.path().string() << " does not name a fuzz target, so nothing replays it";
    }
  }
}

// The oracles must be able to fail: a harness that cannot would pass on anything.

class FuzzOracle : public ::testing::Test {
 protected:
  void SetUp() override { SetOracleFailureHandler(&ThrowOracleError); }
  void TearDown() override { SetOracleFailureHandler(nullptr); }
};

TEST_F(FuzzOracle, ReportsWhereBytesDiffer) {
  try {
    ExpectSameBytes("abcdef", "abcxef", "example-check");
    FAIL() << "different bytes passed";
  } catch (const OracleError& e) {
    EXPECT_NE(std::string(e.what()).find("example-check: bytes differ at offset 3"),
              std::string::npos)
        << e.what();
  }
  EXPECT_NO_THROW(ExpectSameBytes("same", "same", "example-check"));
}

TEST_F(FuzzOracle, RequiresInvalidArgumentForBadInput) {
  EXPECT_THROW(ExpectRefusal(Status::Ok(), "refusal"), OracleError);
  EXPECT_THROW(ExpectRefusal(Internal("boom"), "refusal"), OracleError);
  EXPECT_THROW(ExpectRefusal(InvalidArgument(""), "refusal"), OracleError);
  EXPECT_NO_THROW(ExpectRefusal(InvalidArgument("bad"), "refusal"));
}

TEST_F(FuzzOracle, RefusedInputPasses) {
  // Garbage is refused by every decoder, which is not an oracle failure.
  for (const FuzzTarget& target : AllFuzzTargets()) {
    EXPECT_NO_THROW(target.run("\xff\xff\xff not a request")) << target.name;
  }
}

TEST(FuzzOracleDeathTest, TrapsByDefaultSoThatLibFuzzerKeepsTheInput) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  SetOracleFailureHandler(nullptr);
  EXPECT_DEATH(OracleFailed("example-check", "detail"), "ORACLE FAILED: example-check: detail");
}

}  // namespace
}  // namespace nightjar::fuzz
