// Plugin libraries export exactly one symbol, nj_plugin_entry: nightjar_add_plugin() builds
// with hidden visibility and a version script, so a plugin's internals, and the C++ runtime
// templates it instantiates, never clash with the collector's or another plugin's.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <exception>

#include "elf_symbols.h"
#include "plugin_test_support.h"

namespace nightjar::plugins {
namespace {

void ExpectOnlyTheEntry(const std::string& path) {
  auto symbols = testing::ExportedSymbols(path);
  ASSERT_TRUE(symbols.ok()) << symbols.status().ToString();
  EXPECT_EQ(*symbols, (std::vector<std::string>{"nj_plugin_entry"})) << path;
}

#if NJ_WITH_FIRST_PARTY_PLUGINS  // NJ_BUILD_PLUGINS=OFF trees have none to check
TEST(PluginExports, FirstPartyPluginsExportOnlyTheEntrySymbol) {
  for (const char* name : {"severity", "zscore", "webhook", "email", "slack", "alertmanager"}) {
    ExpectOnlyTheEntry(testing::PluginPath(name));
  }
}
#endif

TEST(PluginExports, FixturePluginsInCAndCppExportOnlyTheEntrySymbol) {
  for (const char* name : {"good", "detector", "notifier", "concurrency", "cpp"}) {
    ExpectOnlyTheEntry(testing::FixturePath(name));
  }
}

TEST(PluginExports, TheReaderSeesEveryExportOfAnOrdinaryLibrary) {
  // Positive control: the C++ runtime exports thousands of symbols, std::terminate among them.
  Dl_info info{};
  ASSERT_NE(dladdr(reinterpret_cast<void*>(&std::terminate), &info), 0);
  auto symbols = testing::ExportedSymbols(info.dli_fname);
  ASSERT_TRUE(symbols.ok()) << symbols.status().ToString();
  EXPECT_GT(symbols->size(), 1000u);
  EXPECT_NE(std::find(symbols->begin(), symbols->end(), "_ZSt9terminatev"), symbols->end());
}

TEST(PluginExports, TheReaderRefusesWhatIsNotElf) {
  testing::TempDir dir;
  auto symbols = testing::ExportedSymbols(dir.Write("x.so", "not elf"));
  ASSERT_FALSE(symbols.ok());
  EXPECT_TRUE(testing::Contains(symbols.status().message(), "not a 64-bit ELF file"));
}

}  // namespace
}  // namespace nightjar::plugins
