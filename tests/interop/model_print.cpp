// Printers for the OTLP model; see model_print.h.
#include "model_print.h"

#include <cstdio>
#include <type_traits>

namespace nightjar::otlp {
namespace {

void AppendEscaped(std::string_view text, std::string* out) {
  out->push_back('"');
  for (unsigned char c : text) {
    switch (c) {
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out->push_back(static_cast<char>(c));
        } else {
          char hex[5];
          std::snprintf(hex, sizeof(hex), "\\x%02x", c);
          *out += hex;
        }
    }
  }
  out->push_back('"');
}

void AppendValue(const AnyValue& v, std::string* out) {
  switch (v.kind()) {
    case ValueKind::kEmpty:
      *out += "<empty>";
      break;
    case ValueKind::kString:
      *out += "string ";
      AppendEscaped(v.string_value(), out);
      break;
    case ValueKind::kBool:
      *out += v.bool_value() ? "bool true" : "bool false";
      break;
    case ValueKind::kInt:
      *out += "int " + std::to_string(v.int_value());
      break;
    case ValueKind::kDouble: {
      char text[32];
      std::snprintf(text, sizeof(text), "%.17g", v.double_value());
      *out += "double ";
      *out += text;
      break;
    }
    case ValueKind::kBytes: {
      *out += "bytes 0x";
      for (unsigned char c : v.bytes_value().data) {
        char hex[3];
        std::snprintf(hex, sizeof(hex), "%02x", c);
        *out += hex;
      }
      break;
    }
    case ValueKind::kArray: {
      *out += "[";
      bool first = true;
      for (const AnyValue& e : v.array_value()) {
        if (!first) *out += ", ";
        first = false;
        AppendValue(e, out);
      }
      *out += "]";
      break;
    }
    case ValueKind::kKvList: {
      *out += "{";
      bool first = true;
      for (const KeyValue& kv : v.kvlist_value()) {
        if (!first) *out += ", ";
        first = false;
        AppendEscaped(kv.key, out);
        *out += ": ";
        AppendValue(kv.value, out);
      }
      *out += "}";
      break;
    }
  }
}

std::string Number(double d) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.17g", d);
  return text;
}

std::string Optional(const std::optional<double>& d) { return d ? Number(*d) : "unset"; }

template <typename T>
std::string List(const std::vector<T>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    if constexpr (std::is_floating_point_v<T>) {
      out += Number(values[i]);
    } else {
      out += std::to_string(values[i]);
    }
  }
  return out + "]";
}

std::string Attrs(const Attributes& attributes) {
  std::string out = "{";
  for (size_t i = 0; i < attributes.size(); ++i) {
    if (i > 0) out += ", ";
    AppendEscaped(attributes[i].key, &out);
    out += ": ";
    AppendValue(attributes[i].value, &out);
  }
  return out + "}";
}

// The fields all data points share.
std::string Common(const auto& p) {
  return "attributes=" + Attrs(p.attributes) + " start=" + std::to_string(p.start_time_unix_nano) +
         " time=" + std::to_string(p.time_unix_nano) + " flags=" + std::to_string(p.flags) +
         " exemplars=" + std::to_string(p.exemplars.size());
}

}  // namespace

std::string Describe(const AnyValue& value) {
  std::string out;
  AppendValue(value, &out);
  return out;
}

void PrintTo(const AnyValue& value, std::ostream* os) { *os << Describe(value); }

void PrintTo(const KeyValue& kv, std::ostream* os) {
  std::string out;
  AppendEscaped(kv.key, &out);
  out += ": ";
  AppendValue(kv.value, &out);
  *os << out;
}

void PrintTo(const NumberDataPoint& p, std::ostream* os) {
  std::string value = "unset";
  if (const double* d = std::get_if<double>(&p.value)) value = "double " + Number(*d);
  if (const int64_t* i = std::get_if<int64_t>(&p.value)) value = "int " + std::to_string(*i);
  *os << "{" << Common(p) << " value=" << value << "}";
}

void PrintTo(const HistogramDataPoint& p, std::ostream* os) {
  *os << "{" << Common(p) << " count=" << p.count << " sum=" << Optional(p.sum)
      << " bucket_counts=" << List(p.bucket_counts)
      << " explicit_bounds=" << List(p.explicit_bounds) << " min=" << Optional(p.min)
      << " max=" << Optional(p.max) << "}";
}

void PrintTo(const ExponentialHistogramDataPoint& p, std::ostream* os) {
  *os << "{" << Common(p) << " count=" << p.count << " sum=" << Optional(p.sum)
      << " scale=" << p.scale << " zero_count=" << p.zero_count
      << " zero_threshold=" << Number(p.zero_threshold) << " positive=" << p.positive.offset << ":"
      << List(p.positive.bucket_counts) << " negative=" << p.negative.offset << ":"
      << List(p.negative.bucket_counts) << " min=" << Optional(p.min) << " max=" << Optional(p.max)
      << "}";
}

}  // namespace nightjar::otlp
