// Loading the NAB series and windows; see nab_data.h.
#include "nab_data.h"

#include <rapidjson/document.h>

#include <ctime>
#include <fstream>
#include <sstream>

namespace nightjar::plugins::testing {
namespace {

// Parses "YYYY-MM-DD HH:MM:SS" (any fraction after it is ignored) as UTC.
bool ParseTime(const std::string& text, int64_t* out) {
  std::tm tm{};
  if (sscanf(text.c_str(), "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
             &tm.tm_min, &tm.tm_sec) != 6) {
    return false;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  *out = static_cast<int64_t>(timegm(&tm));
  return true;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound(path + ": cannot open (is ../shared/data present?)");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

Result<std::vector<NabSeries>> LoadNab(const std::string& nab_dir) {
  NJ_ASSIGN_OR_RETURN(std::string windows_json,
                      ReadFile(nab_dir + "/labels/combined_windows.json"));
  rapidjson::Document doc;
  if (doc.Parse(windows_json.c_str()).HasParseError() || !doc.IsObject()) {
    return InvalidArgument("combined_windows.json: not a JSON object");
  }
  std::vector<NabSeries> out;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    NabSeries series;
    std::string file = it->name.GetString();
    series.name = file.substr(0, file.size() - 4);  // without ".csv"
    for (const auto& window : it->value.GetArray()) {
      int64_t start = 0;
      int64_t end = 0;
      if (!ParseTime(window[0].GetString(), &start) || !ParseTime(window[1].GetString(), &end)) {
        return InvalidArgument(file + ": bad window");
      }
      series.windows.emplace_back(start, end);
    }
    NJ_ASSIGN_OR_RETURN(std::string csv, ReadFile(nab_dir + "/data/" + file));
    std::stringstream lines(csv);
    std::string line;
    std::getline(lines, line);  // header
    while (std::getline(lines, line)) {
      size_t comma = line.find(',');
      int64_t t = 0;
      if (comma == std::string::npos || !ParseTime(line.substr(0, comma), &t)) {
        return InvalidArgument(file + ": bad row \"" + line + "\"");
      }
      series.times.push_back(t);
      series.values.push_back(std::stod(line.substr(comma + 1)));
    }
    out.push_back(std::move(series));
  }
  return out;
}

}  // namespace nightjar::plugins::testing
