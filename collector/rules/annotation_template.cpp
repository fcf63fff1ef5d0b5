// Annotation templates; see annotation_template.h.
#include "rules/annotation_template.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "rules/lua_convert.h"

namespace nightjar::collector::rules {
namespace {

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// Accepts exactly one floating-point conversion with optional flags, width and precision, so
// that a format can never read an argument that is not there.
bool ValidPrintfFormat(const std::string& f) {
  int conversions = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') continue;
    if (i + 1 < f.size() && f[i + 1] == '%') {
      ++i;
      continue;
    }
    ++i;
    while (i < f.size() && std::strchr("-+ #0", f[i]) != nullptr) ++i;
    while (i < f.size() && std::isdigit(static_cast<unsigned char>(f[i]))) ++i;
    if (i < f.size() && f[i] == '.') {
      ++i;
      while (i < f.size() && std::isdigit(static_cast<unsigned char>(f[i]))) ++i;
    }
    if (i >= f.size() || std::strchr("fFeEgG", f[i]) == nullptr) return false;
    ++conversions;
  }
  return conversions == 1;
}

std::string Humanize(double v) {
  static const char* const kPrefixes[] = {"", "k", "M", "G", "T", "P", "E"};
  double a = std::fabs(v);
  int i = 0;
  while (a >= 1000 && i < 6) {
    a /= 1000;
    v /= 1000;
    ++i;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g%s", v, kPrefixes[i]);
  return buf;
}

std::string HumanizeDuration(double seconds) {
  if (!std::isfinite(seconds)) return FormatNumber(seconds);
  std::string sign = seconds < 0 ? "-" : "";
  seconds = std::fabs(seconds);
  if (seconds < 1) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4gms", seconds * 1000);
    return sign + buf;
  }
  int64_t s = static_cast<int64_t>(std::llround(seconds));
  std::string out = sign;
  int64_t d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60, sec = s % 60;
  if (d > 0) out += std::to_string(d) + "d";
  if (h > 0) out += std::to_string(h) + "h";
  if (m > 0) out += std::to_string(m) + "m";
  if (sec > 0 || out == sign) out += std::to_string(sec) + "s";
  return out;
}

}  // namespace

Result<AnnotationTemplate> AnnotationTemplate::Compile(const std::string& text) {
  AnnotationTemplate t;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == std::string::npos) {
      t.parts_.push_back({Kind::kText, text.substr(pos), Format::kPlain, {}});
      break;
    }
    if (open > pos)
      t.parts_.push_back({Kind::kText, text.substr(pos, open - pos), Format::kPlain, {}});
    size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) {
      return InvalidArgument("\"" + text.substr(open, 20) + "...\": \"{{\" without \"}}\"");
    }
    std::string whole = text.substr(open, close + 2 - open);
    std::string expr = Trim(text.substr(open + 2, close - open - 2));
    std::string pipe;
    size_t bar = expr.find('|');
    if (bar != std::string::npos) {
      pipe = Trim(expr.substr(bar + 1));
      expr = Trim(expr.substr(0, bar));
    }
    Part part;
    if (expr == "$value") {
      part.kind = Kind::kValue;
    } else if (expr.rfind("$labels.", 0) == 0 && expr.size() > 8) {
      part.kind = Kind::kLabel;
      part.text = expr.substr(8);
    } else if (expr.rfind("$labels[\"", 0) == 0 && expr.size() > 11 &&
               expr.compare(expr.size() - 2, 2, "\"]") == 0) {
      part.kind = Kind::kLabel;
      part.text = expr.substr(9, expr.size() - 11);
    } else {
      return InvalidArgument(whole + ": unknown placeholder \"" + expr +
                             "\" (use $value, $labels.NAME or $labels[\"NAME\"])");
    }
    if (!pipe.empty()) {
      if (pipe == "humanize") {
        part.format = Format::kHumanize;
      } else if (pipe == "humanizePercentage") {
        part.format = Format::kPercentage;
      } else if (pipe == "humanizeDuration") {
        part.format = Format::kDuration;
      } else if (pipe.rfind("printf", 0) == 0) {
        std::string arg = Trim(pipe.substr(6));
        if (arg.size() < 2 || arg.front() != '"' || arg.back() != '"' ||
            !ValidPrintfFormat(arg.substr(1, arg.size() - 2))) {
          return InvalidArgument(whole +
                                 ": printf needs one quoted format with a single number "
                                 "conversion, such as printf \"%.2f\"");
        }
        part.format = Format::kPrintf;
        part.printf_format = arg.substr(1, arg.size() - 2);
      } else {
        return InvalidArgument(whole + ": unknown function \"" + pipe +
                               "\" (humanize, humanizePercentage, humanizeDuration, printf)");
      }
    }
    t.parts_.push_back(std::move(part));
    pos = close + 2;
  }
  return t;
}

std::string AnnotationTemplate::Render(const alerting::Labels& labels, double value) const {
  std::string out;
  for (const Part& p : parts_) {
    if (p.kind == Kind::kText) {
      out += p.text;
      continue;
    }
    if (p.kind == Kind::kLabel) {
      for (const auto& [k, v] : labels) {
        if (k == p.text) out += v;
      }
      continue;
    }
    switch (p.format) {
      case Format::kPlain:
        out += FormatNumber(value);
        break;
      case Format::kHumanize:
        out += Humanize(value);
        break;
      case Format::kPercentage:
        out += FormatNumber(std::round(value * 100 * 100) / 100) + "%";
        break;
      case Format::kDuration:
        out += HumanizeDuration(value);
        break;
      case Format::kPrintf: {
        char buf[128];
        // The format was checked at compile time to take exactly one double.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        std::snprintf(buf, sizeof buf, p.printf_format.c_str(), value);
#pragma GCC diagnostic pop
        out += buf;
        break;
      }
    }
  }
  return out;
}

}  // namespace nightjar::collector::rules
