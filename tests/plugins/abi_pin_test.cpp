// Pins the plugin ABI: the header's bytes (comments included, since OWNERSHIP notes are part of
// the contract) are hashed and compared with the hash recorded for its ABI version, so that
// plugin.h cannot change without a version bump; and the layout of the frozen structs, which
// plugins index as arrays, is checked field by field.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstddef>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "base/hex.h"
#include "nightjar/plugin.h"
#include "plugin_test_support.h"

namespace nightjar::plugins {
namespace {

struct PinnedAbi {
  int major;
  int minor;
  const char* sha256;  // of sdk/include/nightjar/plugin.h at that version
};

// One row per released ABI version, oldest first. Append a row when you bump the version;
// never edit an old row.
constexpr PinnedAbi kHistory[] = {
    {1, 0, "e0b7bad205c8a5f22b1d3700f6d48bd108e81b4d39675db80f222f918f5069de"},
};

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  return HexEncode(digest, size);
}

TEST(PluginAbi, HeaderMatchesThePinOfItsVersion) {
  std::string path = testing::SourcePath("sdk/include/nightjar/plugin.h");
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string header = buffer.str();
  const PinnedAbi& pin = kHistory[std::size(kHistory) - 1];
  std::string version =
      std::to_string(NJ_PLUGIN_ABI_MAJOR) + "." + std::to_string(NJ_PLUGIN_ABI_MINOR);
  ASSERT_TRUE(pin.major == NJ_PLUGIN_ABI_MAJOR && pin.minor == NJ_PLUGIN_ABI_MINOR)
      << "plugin.h says ABI " << version << " but the last pinned version is " << pin.major << "."
      << pin.minor << ": append {" << NJ_PLUGIN_ABI_MAJOR << ", " << NJ_PLUGIN_ABI_MINOR << ", \""
      << Sha256Hex(header) << "\"} to kHistory in " << __FILE__;
  EXPECT_EQ(Sha256Hex(header), pin.sha256)
      << "sdk/include/nightjar/plugin.h changed, but its ABI version (" << version
      << ") did not.\nEvery change to this header is an ABI change for plugins built against "
         "it. Decide which:\n"
         "  - only appended (a field at the end of a growable struct, a constant, a host "
         "service, a helper): bump NJ_PLUGIN_ABI_MINOR;\n"
         "  - anything else (a field moved, removed or retyped, a frozen struct changed, a "
         "meaning changed, an OWNERSHIP note changed): bump NJ_PLUGIN_ABI_MAJOR and reset the "
         "minor to 0.\n"
         "Then append a row {major, minor, \"<new sha256>\"} to kHistory in "
      << __FILE__ << " (the test prints the hash), and update docs/plugin-guide.md.";
}

TEST(PluginAbi, PinHistoryOnlyMovesForward) {
  for (size_t i = 1; i < std::size(kHistory); ++i) {
    bool newer =
        kHistory[i].major > kHistory[i - 1].major ||
        (kHistory[i].major == kHistory[i - 1].major && kHistory[i].minor > kHistory[i - 1].minor);
    EXPECT_TRUE(newer) << "kHistory row " << i << " is not newer than the row before";
    EXPECT_STRNE(kHistory[i].sha256, kHistory[i - 1].sha256) << "row " << i;
  }
}

TEST(PluginAbi, FrozenStructsKeepTheirLayout) {
  // Elements of arrays: their size is the stride plugins index with, so it can never change
  // within a major (x86_64 / aarch64 LP64 layout).
  EXPECT_EQ(sizeof(nj_str), 16u);
  EXPECT_EQ(sizeof(nj_str_pair), 32u);
  EXPECT_EQ(sizeof(nj_value), 40u);
  EXPECT_EQ(offsetof(nj_value, int_value), 8u);
  EXPECT_EQ(offsetof(nj_value, double_value), 16u);
  EXPECT_EQ(offsetof(nj_value, string_value), 24u);
  EXPECT_EQ(sizeof(nj_attribute), 56u);
  EXPECT_EQ(sizeof(nj_buffer), 24u);
  // The fields every host reads before it knows anything else about a plugin.
  EXPECT_EQ(offsetof(nj_plugin_descriptor, struct_size), 0u);
  EXPECT_EQ(offsetof(nj_plugin_descriptor, abi_major), 4u);
  EXPECT_EQ(offsetof(nj_plugin_descriptor, abi_minor), 8u);
  EXPECT_EQ(sizeof(nj_plugin_descriptor), 104u);
  EXPECT_EQ(sizeof(nj_option_decl), 56u);
  EXPECT_EQ(sizeof(nj_option_value), 88u);
}

}  // namespace
}  // namespace nightjar::plugins
