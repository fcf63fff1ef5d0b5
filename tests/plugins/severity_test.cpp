// The severity classifier plugin (plugins/severity), loaded from its .so through the host: its
// options, the levels it finds in bodies, when it replaces a record's severity, its category
// rules, and its agreement with the labelled levels of real logs (loghub).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "plugin_host/plugin_host.h"
#include "plugin_test_support.h"

namespace nightjar::plugins {
namespace {

using testing::Contains;
using testing::Label;
using testing::Record;
using testing::Scalars;

std::unique_ptr<PluginHost> Start(OptionInputs options = {}) {
  return testing::StartInstance(testing::PluginPath("severity"), "severity", std::move(options));
}

std::string Problem(OptionInputs options) {
  return testing::InstanceRefusal(testing::PluginPath("severity"), "severity", std::move(options));
}

// Returns "<number> <text> <source>" of the severity set, or "-" when none was set.
std::string Severity(PluginHost& host, const otlp::LogRecord& record) {
  Classification c = host.Classify(record, {});
  if (!c.severity_number) return "-";
  const otlp::AnyValue* source = testing::Attribute(c, "log.severity.source");
  return std::to_string(*c.severity_number) + " " + c.severity_text + " " +
         (source != nullptr ? source->string_value() : "?");
}

TEST(SeverityOptions, AcceptsAFullValidConfiguration) {
  OptionInputs options = Scalars({{"mode", "always"},
                                  {"scan_bytes", "64"},
                                  {"builtin_categories", "false"},
                                  {"label", "category"},
                                  {"max_body_bytes", "1024"}});
  options.emplace_back("keywords", OptionInput::Map({{"payment", "card declined"}}));
  options.emplace_back("patterns", OptionInput::Map({{"http_5xx", "status=5[0-9]{2}"}}));
  auto host = Start(options);
  EXPECT_TRUE(host->has_classifiers());
}

TEST(SeverityOptions, RefusesInvalidValuesAndUnknownKeys) {
  EXPECT_TRUE(Contains(Problem(Scalars({{"mode", "sometimes"}})),
                       "option \"mode\": expected one of missing, inconsistent, always, got "
                       "\"sometimes\""));
  EXPECT_TRUE(Contains(Problem(Scalars({{"scan_bytes", "2"}})),
                       "option \"scan_bytes\": must be between 8 and 65536, got 2"));
  EXPECT_TRUE(Contains(Problem(Scalars({{"builtin_categories", "maybe"}})),
                       "expected true or false, got \"maybe\""));
  EXPECT_TRUE(Contains(Problem(Scalars({{"keyword", "x"}})),
                       "option \"keyword\": unknown option (did you mean \"keywords\"?)"));
  OptionInputs bad_regex;
  bad_regex.emplace_back("patterns", OptionInput::Map({{"broken", "(["}}));
  EXPECT_TRUE(Contains(Problem(bad_regex),
                       "create failed: patterns.broken: invalid regular expression \"([\""));
  EXPECT_TRUE(Contains(Problem(Scalars({{"label", ""}})),
                       "create failed: option \"label\" must not be empty"));
}

TEST(SeverityLevels, FindsTheLevelInCommonBodyFormats) {
  auto host = Start();
  struct Case {
    const char* body;
    const char* expected;
  };
  const Case cases[] = {
      {"ERROR something broke", "17 ERROR body"},
      {"2024-01-01 12:00:00,123 WARN [main] slow query", "13 WARN body"},
      {"[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6",
       "17 ERROR body"},
      {"err: disk failure", "17 ERR body"},
      {"E0512 12:00:00.000000  1234 main.cc:10] check failed", "17 ERROR body"},
      {"W/ActivityManager: slow operation", "13 WARN body"},
      {"FATAL: the database system is shutting down", "21 FATAL body"},
      {"<11>Jan  1 00:00:00 host app[1]: boom", "17 ERR body"},
      {"<14>Jan  1 00:00:00 host app[1]: hello", "9 INFO body"},
      {"<165>1 2003-10-11T22:14:15.003Z host app - - - notice", "10 NOTICE body"},
      {R"({"level":"warn","msg":"disk 91% full"})", "13 WARN body"},
      {R"({"time":1,"level":50,"msg":"x"})", "17 ERROR body"},
      {R"({"severity": "Critical", "message": "x"})", "21 CRITICAL body"},
      {"ts=2024-01-01T00:00:00Z level=debug msg=\"cache miss\"", "5 DEBUG body"},
      {"Connection error: peer went away", "17 ERROR body"},
      {"INFO: Started server", "9 INFO body"},
      {"[E] failed to open", "17 ERROR body"},
      {"CRITICAL disk almost full", "21 CRITICAL body"},
      {"Exception in thread main SEVERE: boom", "17 SEVERE body"},
      // Not levels: lower-case words in prose, words inside other words, nothing at all.
      {"no error occurred while saving", "-"},
      {"INFORMATIONAL notices are fine", "-"},
      {"user logged in", "-"},
      {R"({"msg":"an ERROR inside a message field"})", "-"},
  };
  for (const Case& c : cases) EXPECT_EQ(Severity(*host, Record(c.body)), c.expected) << c.body;
}

TEST(SeverityLevels, ReadsStructuredBodiesAndLevelAttributes) {
  auto host = Start();
  otlp::LogRecord structured;
  structured.body = otlp::AnyValue(
      otlp::AnyValue::KvList{{"level", otlp::AnyValue("error")}, {"msg", otlp::AnyValue("x")}});
  EXPECT_EQ(Severity(*host, structured), "17 ERROR body");
  otlp::LogRecord attributed = Record("plain text");
  attributed.attributes.push_back({"log.level", otlp::AnyValue("warning")});
  EXPECT_EQ(Severity(*host, attributed), "13 WARNING body");
}

TEST(SeverityModes, InconsistentFillsGapsAndSettlesDisagreements) {
  auto host = Start();
  EXPECT_EQ(Severity(*host, Record("ERROR x", 0, "warning")), "13 warning severity_text");
  EXPECT_EQ(Severity(*host, Record("whatever", 17, "")), "17 ERROR severity_number");
  EXPECT_EQ(Severity(*host, Record("ERROR boom", 9, "ERROR")), "17 ERROR body");
  EXPECT_EQ(Severity(*host, Record("plain", 9, "ERROR")), "17 ERROR severity_text");
  EXPECT_EQ(Severity(*host, Record("ERROR boom", 9, "INFO")), "-");  // consistent: kept
  EXPECT_EQ(Severity(*host, Record("ERROR boom", 10, "NOTICE")), "-");
}

TEST(SeverityModes, MissingOnlyFillsRecordsWithoutANumber) {
  auto host = Start(Scalars({{"mode", "missing"}}));
  EXPECT_EQ(Severity(*host, Record("ERROR boom", 9, "INFO")), "-");
  EXPECT_EQ(Severity(*host, Record("plain", 9, "ERROR")), "-");
  EXPECT_EQ(Severity(*host, Record("ERROR boom")), "17 ERROR body");
}

TEST(SeverityModes, AlwaysLetsTheBodyOverrideTheRecord) {
  auto host = Start(Scalars({{"mode", "always"}}));
  EXPECT_EQ(Severity(*host, Record("ERROR boom", 9, "INFO")), "17 ERROR body");
  EXPECT_EQ(Severity(*host, Record("INFO all fine", 17, "ERROR")), "9 INFO body");
  EXPECT_EQ(Severity(*host, Record("no level here", 9, "INFO")), "-");
}

std::optional<std::string> Category(PluginHost& host, const std::string& body,
                                    const std::string& label = "log.class") {
  return Label(host.Classify(Record(body, 9, "INFO"), {}), label);
}

TEST(SeverityCategories, TagsCommonFailuresWithTheBuiltinRules) {
  auto host = Start();
  EXPECT_EQ(Category(*host, "upstream timed out (110: Connection timed out) while reading"),
            "timeout");
  EXPECT_EQ(Category(*host, "connect() failed (111: Connection refused) while connecting"),
            "connection_refused");
  EXPECT_EQ(Category(*host, "java.lang.OutOfMemoryError: Java heap space"), "out_of_memory");
  EXPECT_EQ(Category(*host, "open /var/lib/x: Permission denied"), "permission_denied");
  EXPECT_EQ(Category(*host, "write failed: No space left on device"), "disk_full");
  EXPECT_EQ(Category(*host, "pam_unix(sshd:auth): authentication failure; rhost=1.2.3.4"),
            "auth_failure");
  EXPECT_EQ(Category(*host, "request served in 12 ms"), std::nullopt);
}

TEST(SeverityCategories, UserRulesComeFirstAndCanReplaceBuiltinOnes) {
  OptionInputs options = Scalars({{"label", "category"}});
  options.emplace_back(
      "keywords",
      OptionInput::Map({{"payment", "Card Declined|insufficient funds"}, {"timeout", "too slow"}}));
  options.emplace_back("patterns", OptionInput::Map({{"http_5xx", "status=5[0-9]{2}\\b"}}));
  auto host = Start(options);
  EXPECT_EQ(Category(*host, "charge failed: card declined by issuer", "category"), "payment");
  EXPECT_EQ(Category(*host, "GET /pay status=503 took 2s", "category"), "http_5xx");
  EXPECT_EQ(Category(*host, "GET /pay status=200", "category"), std::nullopt);
  EXPECT_EQ(Category(*host, "backend too slow, gave up", "category"), "timeout");
  // The user's "timeout" rule replaced the built-in one.
  EXPECT_EQ(Category(*host, "upstream timed out", "category"), std::nullopt);
  EXPECT_EQ(Category(*host, "Connection refused", "category"), "connection_refused");
}

TEST(SeverityCategories, BuiltinRulesCanBeTurnedOff) {
  auto host = Start(Scalars({{"builtin_categories", "false"}}));
  EXPECT_EQ(Category(*host, "upstream timed out"), std::nullopt);
}

// Reads `column` of each row of a loghub structured CSV (no quoted fields in these files).
std::vector<std::string> CsvColumn(const std::string& path, size_t column) {
  std::ifstream in(path);
  std::vector<std::string> out;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string field;
    for (size_t i = 0; i <= column && std::getline(fields, field, ','); ++i) {
    }
    out.push_back(field);
  }
  return out;
}

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

// Returns the OTLP band (0 TRACE .. 5 FATAL) of a loghub level name.
int LoghubBand(const std::string& level) {
  if (level == "INFO" || level == "notice" || level == "info") return 2;
  if (level == "WARN" || level == "warn") return 3;
  if (level == "error" || level == "ERROR") return 4;
  return -1;
}

// Classifies raw loghub lines and returns the share whose severity lands in the labelled band.
double Agreement(PluginHost& host, const std::string& system, size_t level_column) {
  std::string dir = testing::SharedDataPath("loghub-2k/" + system + "/" + system);
  std::vector<std::string> lines = Lines(dir + "_2k.log");
  std::vector<std::string> levels = CsvColumn(dir + "_2k.log_structured.csv", level_column);
  EXPECT_GE(lines.size(), 1999u) << dir;
  EXPECT_GE(levels.size(), lines.size());
  size_t agree = 0;
  for (size_t i = 0; i < lines.size() && i < levels.size(); ++i) {
    Classification c = host.Classify(Record(lines[i]), {});
    int band = c.severity_number ? (*c.severity_number - 1) / 4 : -1;
    if (band == LoghubBand(levels[i])) ++agree;
  }
  double share = lines.empty() ? 0 : static_cast<double>(agree) / static_cast<double>(lines.size());
  std::printf("severity on loghub %s: %zu of %zu lines in the labelled level (%.1f%%)\n",
              system.c_str(), agree, lines.size(), 100 * share);
  return share;
}

TEST(SeverityOnRealLogs, AgreesWithTheLabelledLevelsOfLoghub) {
  auto host = Start();
  EXPECT_GE(Agreement(*host, "Apache", 2), 0.99);
  EXPECT_GE(Agreement(*host, "HDFS", 4), 0.99);
}

TEST(SeverityOnRealLogs, FindsOnlyTheLevelsTheTextStates) {
  // OpenSSH and Linux syslog lines carry no level field; a few state one in their text
  // ("sshd[1]: error: ...", "logrotate: ALERT exited abnormally"). Those, and only those, must
  // get a severity.
  auto host = Start();
  auto states_level = [](const std::string& line) {
    for (const char* marker : {"]: error: ", "]: fatal: ", "]: warning: ", ": ALERT "}) {
      if (Contains(line, marker)) return true;
    }
    return false;
  };
  for (const char* system : {"OpenSSH", "Linux"}) {
    std::vector<std::string> lines = Lines(
        testing::SharedDataPath(std::string("loghub-2k/") + system + "/" + system + "_2k.log"));
    ASSERT_GE(lines.size(), 1999u);
    size_t found = 0;
    size_t expected = 0;
    size_t wrong = 0;
    for (const std::string& line : lines) {
      bool states = states_level(line);
      bool got = host->Classify(Record(line), {}).severity_number.has_value();
      expected += states ? 1 : 0;
      found += got ? 1 : 0;
      if (states != got) {
        ++wrong;
        ADD_FAILURE() << (got ? "level found in: " : "level missed in: ") << line;
      }
    }
    std::printf("severity on loghub %s: a level stated in %zu of %zu lines, found in %zu\n", system,
                expected, lines.size(), found);
    EXPECT_GT(expected, 0u);
    EXPECT_EQ(wrong, 0u) << system;
  }
}

}  // namespace
}  // namespace nightjar::plugins
