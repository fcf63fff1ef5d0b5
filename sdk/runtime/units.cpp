// Duration and byte-size units; see units.h.
#include "runtime/units.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace nightjar {
namespace {

// Reads a non-negative decimal number (digits with an optional fraction) at the front of
// `text`, advancing it. Returns nullopt if there is none.
std::optional<double> TakeNumber(std::string_view* text) {
  size_t i = 0;
  bool digits = false;
  while (i < text->size() && std::isdigit(static_cast<unsigned char>((*text)[i]))) {
    ++i;
    digits = true;
  }
  if (i < text->size() && (*text)[i] == '.') {
    ++i;
    while (i < text->size() && std::isdigit(static_cast<unsigned char>((*text)[i]))) {
      ++i;
      digits = true;
    }
  }
  if (!digits) return std::nullopt;
  std::string number(text->substr(0, i));
  text->remove_prefix(i);
  return std::strtod(number.c_str(), nullptr);
}

std::string_view TakeUnit(std::string_view* text) {
  size_t i = 0;
  while (i < text->size() && std::isalpha(static_cast<unsigned char>((*text)[i]))) ++i;
  std::string_view unit = text->substr(0, i);
  text->remove_prefix(i);
  return unit;
}

}  // namespace

std::optional<Duration> ParseDuration(std::string_view text) {
  if (text == "0") return Duration::zero();
  if (text.empty()) return std::nullopt;
  long double total = 0;
  while (!text.empty()) {
    auto number = TakeNumber(&text);
    if (!number) return std::nullopt;
    std::string_view unit = TakeUnit(&text);
    long double scale;
    if (unit == "ns")
      scale = 1;
    else if (unit == "us" || unit == "µs")
      scale = 1e3;
    else if (unit == "ms")
      scale = 1e6;
    else if (unit == "s")
      scale = 1e9;
    else if (unit == "m")
      scale = 60e9;
    else if (unit == "h")
      scale = 3600e9;
    else if (unit == "d")
      scale = 86400e9;
    else if (unit == "w")
      scale = 7 * 86400e9;
    else
      return std::nullopt;
    total += static_cast<long double>(*number) * scale;
  }
  if (total > static_cast<long double>(INT64_MAX)) return std::nullopt;
  return Duration(static_cast<int64_t>(std::llround(static_cast<double>(total))));
}

std::string FormatDuration(Duration d) {
  int64_t ns = d.count();
  if (ns == 0) return "0s";
  std::string out;
  if (ns < 0) {
    out = "-";
    ns = -ns;
  }
  if (ns % 1'000'000'000 != 0 && ns < 60'000'000'000) {
    if (ns % 1'000'000 == 0) return out + std::to_string(ns / 1'000'000) + "ms";
    if (ns % 1'000 == 0) return out + std::to_string(ns / 1'000) + "us";
    return out + std::to_string(ns) + "ns";
  }
  int64_t secs = ns / 1'000'000'000;
  const std::pair<int64_t, const char*> kUnits[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  for (const auto& [size, name] : kUnits) {
    if (secs >= size) {
      out += std::to_string(secs / size) + name;
      secs %= size;
    }
  }
  return out;
}

std::optional<uint64_t> ParseByteSize(std::string_view text) {
  auto number = TakeNumber(&text);
  if (!number) return std::nullopt;
  std::string unit;
  for (char c : text)
    unit.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  double scale;
  if (unit.empty() || unit == "b")
    scale = 1;
  else if (unit == "kb" || unit == "k")
    scale = 1e3;
  else if (unit == "mb" || unit == "m")
    scale = 1e6;
  else if (unit == "gb" || unit == "g")
    scale = 1e9;
  else if (unit == "tb" || unit == "t")
    scale = 1e12;
  else if (unit == "kib" || unit == "ki")
    scale = 1024.0;
  else if (unit == "mib" || unit == "mi")
    scale = 1024.0 * 1024;
  else if (unit == "gib" || unit == "gi")
    scale = 1024.0 * 1024 * 1024;
  else if (unit == "tib" || unit == "ti")
    scale = 1024.0 * 1024 * 1024 * 1024;
  else
    return std::nullopt;
  double bytes = *number * scale;
  if (bytes > 1.8e19) return std::nullopt;
  return static_cast<uint64_t>(std::llround(bytes));
}

std::string FormatByteSize(uint64_t bytes) {
  const std::pair<uint64_t, const char*> kUnits[] = {
      {1ULL << 40, "TiB"}, {1ULL << 30, "GiB"}, {1ULL << 20, "MiB"}, {1ULL << 10, "KiB"}};
  for (const auto& [size, name] : kUnits) {
    if (bytes >= size && bytes % size == 0) return std::to_string(bytes / size) + name;
  }
  return std::to_string(bytes) + "B";
}

}  // namespace nightjar
