// Throws a large, deterministic corpus of malformed and hostile JSON lines at the JSON parser
// through its fuzz target (fuzz_json_parser.h): mutations of valid lines (truncation, flipped
// and inserted bytes, invalid UTF-8), deep nesting, huge numbers and strings, escapes.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "fuzz_json_parser.h"

namespace nightjar::agent::testing {
namespace {

void Feed(const std::string& s) {
  FuzzJsonParser(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::vector<std::string> Seeds() {
  return {
      R"({"time":"2024-05-01T12:00:00Z","level":"info","message":"hello","n":1})",
      R"({"ts":1714564800,"level":30,"msg":"bunyan","nested":{"a":[1,2,{"b":null}]}})",
      R"({"message":"esc \" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00","x":-1.5e300})",
      R"({"big":18446744073709551615,"neg":-9223372036854775808,"f":1e-400})",
      R"({"a":true,"b":false,"c":null,"d":[],"e":{}})",
      R"({"time":"not a time","level":"LOUD","message":{"structured":"body"}})",
  };
}

TEST(JsonParserCorpus, SurvivesMutationsOfValidLines) {
  std::mt19937_64 rng(20240501);
  const std::string alphabet = "{}[]\":,\\ ue0-+.9tfn\x00\xff\xc3\xa9\xed\xa0\x80";
  size_t cases = 0;
  for (const std::string& seed : Seeds()) {
    Feed(seed);
    for (int i = 0; i < 4000; ++i) {
      std::string s = seed;
      int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !s.empty(); ++e) {
        size_t at = rng() % s.size();
        switch (rng() % 4) {
          case 0:
            s[at] = alphabet[rng() % alphabet.size()];
            break;
          case 1:
            s.insert(at, 1, alphabet[rng() % alphabet.size()]);
            break;
          case 2:
            s.erase(at, 1 + rng() % 3);
            break;
          case 3:
            s.resize(at);
            break;
        }
      }
      Feed(s);
      ++cases;
    }
  }
  EXPECT_EQ(cases, 6u * 4000u);
}

TEST(JsonParserCorpus, SurvivesHostileShapes) {
  Feed("");
  Feed(std::string(1, '\0'));
  Feed(std::string(200000, '['));
  Feed(std::string(200000, '{'));
  Feed("{\"a\":" + std::string(50000, '[') + "1" + std::string(50000, ']') + "}");
  Feed("{\"a\":\"" + std::string(1 << 20, 'x') + "\"}");
  Feed("{\"a\":" + std::string(5000, '9') + "}");
  Feed(R"({"a":"\ud800"})");  // a lone surrogate
  Feed(R"({"a":"\u0000"})");
  Feed("{\"\xff\":1}");
  Feed(R"({"":""})");
  std::string many = "{";
  for (int i = 0; i < 20000; ++i)
    many += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  many += "\"end\":0}";
  Feed(many);
  SUCCEED();  // each Run aborts the process on a broken invariant
}

}  // namespace
}  // namespace nightjar::agent::testing
