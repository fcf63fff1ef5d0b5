// Option tables and their validation, without loading any plugin: what a declared table may
// contain, and how user values are checked, converted and laid out for the plugin.
#include "plugin_host/option_schema.h"

#include <gtest/gtest.h>

#include "plugin_test_support.h"

namespace nightjar::plugins {
namespace {

using testing::Contains;

nj_option_decl Decl(const char* name, uint32_t type, const char* def = nullptr,
                    uint32_t flags = 0) {
  return nj_option_decl{name, type, flags, def, "desc", 0, 0, nullptr};
}

std::vector<OptionDecl> Table(std::vector<nj_option_decl> raw) {
  auto decls = ReadOptionTable(raw.data(), raw.size(), sizeof(nj_option_decl));
  EXPECT_TRUE(decls.ok()) << decls.status().ToString();
  return decls.ok() ? *decls : std::vector<OptionDecl>{};
}

std::string TableError(std::vector<nj_option_decl> raw) {
  auto decls = ReadOptionTable(raw.data(), raw.size(), sizeof(nj_option_decl));
  EXPECT_FALSE(decls.ok());
  return decls.ok() ? "" : decls.status().message();
}

TEST(OptionTable, RefusesWhatAPluginMustNotDeclare) {
  EXPECT_EQ(TableError({Decl("Bad-Name", NJ_OPTION_STRING)}),
            "option \"Bad-Name\" has an invalid name (use lower-case letters, digits and '_')");
  EXPECT_EQ(TableError({Decl("a", NJ_OPTION_STRING), Decl("a", NJ_OPTION_INT)}),
            "option \"a\" is declared twice");
  EXPECT_EQ(TableError({Decl("a", 42)}), "option \"a\" has unknown type 42");
  EXPECT_EQ(TableError({Decl("a", NJ_OPTION_STRING, "x", NJ_OPTION_REQUIRED)}),
            "option \"a\" is required and also has a default");
  EXPECT_EQ(TableError({Decl("a", NJ_OPTION_STRING_LIST, "x")}),
            "option \"a\" is a list or mapping and cannot have a default");
  EXPECT_EQ(TableError({Decl("a", NJ_OPTION_BOOL, "maybe")}),
            "option \"a\" has an invalid default: expected true or false, got \"maybe\"");
  EXPECT_EQ(TableError({Decl("a", NJ_OPTION_STRING, nullptr, NJ_OPTION_RANGE)}),
            "option \"a\" has a range but is not a number or a duration");
  EXPECT_EQ(TableError({Decl("a", NJ_OPTION_STRING, nullptr, 0x80)}),
            "option \"a\" has unknown flags");
  nj_option_decl ranged = Decl("a", NJ_OPTION_INT, "50", NJ_OPTION_RANGE);
  ranged.min_value = 1;
  ranged.max_value = 10;
  EXPECT_EQ(TableError({ranged}),
            "option \"a\" has an invalid default: must be between 1 and 10, got 50");
  nj_option_decl chosen = Decl("a", NJ_OPTION_STRING, "c");
  chosen.choices = "a|b";
  EXPECT_EQ(TableError({chosen}),
            "option \"a\" has an invalid default: expected one of a, b, "
            "got \"c\"");
  nj_option_decl nameless = Decl(nullptr, NJ_OPTION_STRING);
  EXPECT_EQ(TableError({nameless}), "option #1 has no name");
}

TEST(OptionTable, ReadsEntriesWithTheDeclaredStride) {
  // A plugin built for a later minor may have larger entries; the host steps by the stride.
  struct Bigger {
    nj_option_decl decl;
    double added_in_a_later_minor;
  };
  Bigger table[2] = {{Decl("first", NJ_OPTION_INT, "1"), 0}, {Decl("second", NJ_OPTION_BOOL), 0}};
  auto decls = ReadOptionTable(&table[0].decl, 2, sizeof(Bigger));
  ASSERT_TRUE(decls.ok()) << decls.status().ToString();
  ASSERT_EQ(decls->size(), 2u);
  EXPECT_EQ((*decls)[1].name, "second");
  EXPECT_EQ((*decls)[1].type, static_cast<uint32_t>(NJ_OPTION_BOOL));
}

const nj_option_value& ValueOf(const OptionValues& values, size_t i) {
  return *nj_option_at(values.view(), i);
}

TEST(OptionValues, FillsDefaultsAndConvertsEveryType) {
  nj_option_decl duration = Decl("timeout", NJ_OPTION_DURATION, "1m30s");
  auto decls = Table({Decl("name", NJ_OPTION_STRING, "anon"), Decl("n", NJ_OPTION_INT, "-7"),
                      Decl("x", NJ_OPTION_DOUBLE, "2.5"), Decl("on", NJ_OPTION_BOOL, "Yes"),
                      duration, Decl("list", NJ_OPTION_STRING_LIST),
                      Decl("map", NJ_OPTION_STRING_MAP), Decl("unset", NJ_OPTION_STRING)});
  OptionInputs inputs;
  inputs.emplace_back("list", OptionInput::Scalar("only"));
  inputs.emplace_back("map", OptionInput::Map({{"k1", "v1"}, {"k2", "v2"}}));
  inputs.emplace_back("n", OptionInput::Scalar("42"));
  auto values = OptionValues::Build(decls, inputs);
  ASSERT_TRUE(values.ok()) << values.status().ToString();
  const nj_options* view = values->view();
  ASSERT_EQ(view->count, 8u);
  EXPECT_EQ(view->value_size, sizeof(nj_option_value));
  EXPECT_STREQ(ValueOf(*values, 0).string_value.data, "anon");  // NUL-terminated
  EXPECT_EQ(ValueOf(*values, 1).int_value, 42);
  EXPECT_EQ(ValueOf(*values, 2).double_value, 2.5);
  EXPECT_EQ(ValueOf(*values, 3).int_value, 1);
  EXPECT_EQ(ValueOf(*values, 4).int_value, 90'000'000'000);
  ASSERT_EQ(ValueOf(*values, 5).list_size, 1u);  // a scalar is a one-item list
  EXPECT_STREQ(ValueOf(*values, 5).list[0].data, "only");
  ASSERT_EQ(ValueOf(*values, 6).map_size, 2u);
  EXPECT_STREQ(ValueOf(*values, 6).map[1].key.data, "k2");
  EXPECT_STREQ(ValueOf(*values, 6).map[1].value.data, "v2");
  EXPECT_EQ(ValueOf(*values, 7).is_set, 0u);
  EXPECT_EQ(nj_option_find(view, "x"), &ValueOf(*values, 2));
  EXPECT_EQ(nj_option_find(view, "nope"), nullptr);

  // The view survives moving the owner: the plugin keeps pointers until destroy.
  OptionValues moved = std::move(values).value();
  EXPECT_STREQ(nj_option_at(moved.view(), 6)->map[0].value.data, "v1");
}

TEST(OptionValues, RefusesUnknownMissingAndMistypedValues) {
  auto decls = Table({Decl("url", NJ_OPTION_STRING, nullptr, NJ_OPTION_REQUIRED),
                      Decl("tries", NJ_OPTION_INT, "3"), Decl("map", NJ_OPTION_STRING_MAP)});
  auto error = [&](OptionInputs inputs) {
    auto v = OptionValues::Build(decls, inputs, "cfg.yaml: plugins.instances[0].options");
    EXPECT_FALSE(v.ok());
    return v.ok() ? std::string() : v.status().message();
  };
  EXPECT_EQ(error({}),
            "cfg.yaml: plugins.instances[0].options: option \"url\": is required (desc)");
  OptionInput typo = OptionInput::Scalar("4");
  typo.where = "cfg.yaml: plugins.instances[0].options.tires";
  EXPECT_EQ(error({{"url", OptionInput::Scalar("u")}, {"tires", typo}}),
            "cfg.yaml: plugins.instances[0].options.tires: unknown option (did you mean "
            "\"tries\"?); known options: url, tries, map");
  EXPECT_EQ(error({{"url", OptionInput::Scalar("u")}, {"tries", OptionInput::Scalar("3.5")}}),
            "cfg.yaml: plugins.instances[0].options: option \"tries\": expected an integer, got "
            "\"3.5\"");
  EXPECT_EQ(error({{"url", OptionInput::Scalar("u")}, {"map", OptionInput::Scalar("x")}}),
            "cfg.yaml: plugins.instances[0].options: option \"map\": expected a mapping of keys "
            "to strings, got a single value");
  EXPECT_EQ(error({{"url", OptionInput::Scalar("u")}, {"url", OptionInput::Scalar("v")}}),
            "cfg.yaml: plugins.instances[0].options: option \"url\": is set twice");
  OptionInput invalid;
  invalid.shape = OptionInput::Shape::kInvalid;
  invalid.problem = "item 0 must be a string, got a mapping";
  EXPECT_EQ(error({{"url", invalid}}),
            "cfg.yaml: plugins.instances[0].options: option \"url\": item 0 must be a string, "
            "got a mapping");
  auto none = OptionValues::Build({}, {{"anything", OptionInput::Scalar("1")}});
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(Contains(none.status().message(), "this plugin takes no options"));
}

TEST(OptionValues, DisplayHidesSecrets) {
  auto decls = Table({Decl("user", NJ_OPTION_STRING, "me"),
                      Decl("password", NJ_OPTION_STRING, nullptr, NJ_OPTION_SECRET),
                      Decl("unset", NJ_OPTION_INT)});
  auto values = OptionValues::Build(decls, {{"password", OptionInput::Scalar("hunter2")}});
  ASSERT_TRUE(values.ok());
  StringPairs display = values->Display();
  EXPECT_EQ(display, (StringPairs{{"user", "me"}, {"password", "(secret)"}}));
  EXPECT_STREQ(nj_option_at(values->view(), 1)->string_value.data, "hunter2");
}

}  // namespace
}  // namespace nightjar::plugins
