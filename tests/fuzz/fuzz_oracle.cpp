// Failure reporting and the round-trip oracle of the request, response and status codecs; see
// fuzz_oracle.h.
#include "fuzz_oracle.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>
#include <variant>

namespace nightjar::fuzz {
namespace {

using otlp::Encoding;

OracleFailureHandler failure_handler = nullptr;

const char* EncodingName(Encoding encoding) {
  return encoding == Encoding::kJson ? "json" : "proto";
}

Encoding Other(Encoding encoding) {
  return encoding == Encoding::kJson ? Encoding::kProtobuf : Encoding::kJson;
}

// Returns `bytes[from, from + count)` as hex followed by its printable characters, so that a
// mismatch is readable in both protobuf and JSON.
std::string Excerpt(std::string_view bytes, size_t from, size_t count) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string_view part = bytes.substr(std::min(from, bytes.size()), count);
  std::string hex;
  std::string text;
  for (char c : part) {
    auto b = static_cast<unsigned char>(c);
    hex += kDigits[b >> 4];
    hex += kDigits[b & 15];
    text += b >= 0x20 && b < 0x7f ? c : '.';
  }
  return hex + " |" + text + "|";
}

// ----- NaN canonicalization ------------------------------------------------------------------
// OTLP/JSON writes every NaN as "NaN", which decodes to the one quiet NaN: the sign and payload
// of a NaN read from protobuf cannot survive a trip through JSON. The cross-encoding oracle
// compares against a copy of the model whose NaNs are all that quiet NaN.

void Canonical(double* d) {
  if (std::isnan(*d)) *d = std::numeric_limits<double>::quiet_NaN();
}

void Canonical(std::optional<double>* d) {
  if (d->has_value()) Canonical(&**d);
}

void Canonical(otlp::NumberValue* v) {
  if (double* d = std::get_if<double>(v)) Canonical(d);
}

void Canonical(otlp::Attributes* attributes);

void Canonical(otlp::AnyValue* v) {
  switch (v->kind()) {
    case otlp::ValueKind::kDouble:
      if (std::isnan(v->double_value()))
        *v = otlp::AnyValue(std::numeric_limits<double>::quiet_NaN());
      break;
    case otlp::ValueKind::kArray:
      for (otlp::AnyValue& e : v->mutable_array()) Canonical(&e);
      break;
    case otlp::ValueKind::kKvList:
      Canonical(&v->mutable_kvlist());
      break;
    default:
      break;
  }
}

void Canonical(otlp::Attributes* attributes) {
  for (otlp::KeyValue& kv : *attributes) Canonical(&kv.value);
}

void Canonical(std::vector<otlp::Exemplar>* exemplars) {
  for (otlp::Exemplar& e : *exemplars) {
    Canonical(&e.filtered_attributes);
    Canonical(&e.value);
  }
}

void Canonical(otlp::NumberDataPoint* p) {
  Canonical(&p->attributes);
  Canonical(&p->value);
  Canonical(&p->exemplars);
}

void Canonical(otlp::HistogramDataPoint* p) {
  Canonical(&p->attributes);
  Canonical(&p->sum);
  Canonical(&p->min);
  Canonical(&p->max);
  for (double& b : p->explicit_bounds) Canonical(&b);
  Canonical(&p->exemplars);
}

void Canonical(otlp::ExponentialHistogramDataPoint* p) {
  Canonical(&p->attributes);
  Canonical(&p->sum);
  Canonical(&p->min);
  Canonical(&p->max);
  Canonical(&p->zero_threshold);
  Canonical(&p->exemplars);
}

void Canonical(otlp::SummaryDataPoint* p) {
  Canonical(&p->attributes);
  Canonical(&p->sum);
  for (otlp::ValueAtQuantile& q : p->quantile_values) {
    Canonical(&q.quantile);
    Canonical(&q.value);
  }
}

void Canonical(otlp::Metric* m) {
  Canonical(&m->metadata);
  std::visit(
      [](auto& data) {
        if constexpr (requires { data.data_points; }) {
          for (auto& p : data.data_points) Canonical(&p);
        }
      },
      m->data);
}

void CanonicalLogs(otlp::LogsData* logs) {
  for (otlp::ResourceLogs& rl : logs->resource_logs) {
    Canonical(&rl.resource.attributes);
    for (otlp::ScopeLogs& sl : rl.scope_logs) {
      Canonical(&sl.scope.attributes);
      for (otlp::LogRecord& r : sl.log_records) {
        Canonical(&r.body);
        Canonical(&r.attributes);
      }
    }
  }
}

void CanonicalMetrics(otlp::MetricsData* metrics) {
  for (otlp::ResourceMetrics& rm : metrics->resource_metrics) {
    Canonical(&rm.resource.attributes);
    for (otlp::ScopeMetrics& sm : rm.scope_metrics) {
      Canonical(&sm.scope.attributes);
      for (otlp::Metric& m : sm.metrics) Canonical(&m);
    }
  }
}

// ----- the round trip --------------------------------------------------------------------------

// Decodes `input`; when it is accepted, checks that
//   1. its encoding in the same encoding decodes again and re-encodes to the same bytes;
//   2. its encoding in the other encoding decodes, and encodes back to the bytes of step 1
//      (after NaN canonicalization, which only a protobuf source needs);
//   3. its encoding in the other encoding is itself stable.
// `decode(bytes, encoding)` returns Result<Model>; `encode(model, encoding)` returns the bytes.
template <typename Model, typename Decode, typename Encode>
void CheckRoundTrip(std::string_view what, std::string_view input, Encoding encoding, Decode decode,
                    Encode encode, void (*canonicalize)(Model*)) {
  const std::string name = std::string(what) + "-" + EncodingName(encoding);
  const std::string other_name = std::string(what) + "-" + EncodingName(Other(encoding));
  Result<Model> decoded = decode(input, encoding);
  if (!decoded.ok()) {
    ExpectRefusal(decoded.status(), name + "-refusal");
    return;
  }

  const std::string encoded = encode(*decoded, encoding);
  Result<Model> again = decode(encoded, encoding);
  if (!again.ok()) {
    OracleFailed(name + "-reencoding-refused",
                 "the re-encoded request is refused: " + again.status().ToString());
  }
  ExpectSameBytes(encoded, encode(*again, encoding), name + "-reencoding-unstable");

  const std::string across = encode(*decoded, Other(encoding));
  Result<Model> back = decode(across, Other(encoding));
  if (!back.ok()) {
    OracleFailed(name + "-to-" + EncodingName(Other(encoding)) + "-refused",
                 "the request in the other encoding is refused: " + back.status().ToString() +
                     "\nthat encoding: " + Excerpt(across, 0, 256));
  }
  Model canonical = *decoded;
  if (canonicalize != nullptr) canonicalize(&canonical);
  ExpectSameBytes(encode(canonical, encoding), encode(*back, encoding),
                  name + "-to-" + EncodingName(Other(encoding)) + "-and-back-changed");
  ExpectSameBytes(across, encode(*back, Other(encoding)), other_name + "-reencoding-unstable");
}

}  // namespace

// ----- failure reporting -----------------------------------------------------------------------

void SetOracleFailureHandler(OracleFailureHandler handler) { failure_handler = handler; }

void OracleFailed(std::string_view check, std::string_view detail) {
  // Error paths of deeply nested values run to kilobytes; their two ends say enough.
  constexpr size_t kMaxDetail = 1200;
  std::string description(check);
  description += ": ";
  if (detail.size() > kMaxDetail) {
    description += detail.substr(0, kMaxDetail / 2);
    description += " [...] ";
    description += detail.substr(detail.size() - kMaxDetail / 2);
  } else {
    description += detail;
  }
  if (failure_handler != nullptr) failure_handler(description);
  // run.sh names the reproducer after the check, which it finds on this line.
  std::fprintf(stderr, "\nORACLE FAILED: %s\n", description.c_str());
  std::fflush(stderr);
  __builtin_trap();
}

void Expect(bool condition, std::string_view check, std::string_view detail) {
  if (!condition) OracleFailed(check, detail);
}

void ExpectSameBytes(std::string_view expected, std::string_view actual, std::string_view check) {
  if (expected == actual) return;
  size_t at = 0;
  while (at < expected.size() && at < actual.size() && expected[at] == actual[at]) ++at;
  size_t from = at < 16 ? 0 : at - 16;
  OracleFailed(check, "bytes differ at offset " + std::to_string(at) + " (sizes " +
                          std::to_string(expected.size()) + " and " +
                          std::to_string(actual.size()) + ")\n  expected @" + std::to_string(from) +
                          ": " + Excerpt(expected, from, 48) + "\n  actual   @" +
                          std::to_string(from) + ": " + Excerpt(actual, from, 48));
}

void ExpectRefusal(const Status& status, std::string_view check) {
  Expect(status.code() == StatusCode::kInvalidArgument && !status.message().empty(), check,
         "bad input must be refused with invalid_argument and a message, got " + status.ToString());
}

// ----- the codecs --------------------------------------------------------------------------------

void CheckLogsRequest(std::string_view input, Encoding encoding) {
  CheckRoundTrip<otlp::LogsData>(
      "logs", input, encoding,
      [](std::string_view body, Encoding e) { return otlp::DecodeLogs(body, e); },
      [](const otlp::LogsData& logs, Encoding e) { return otlp::EncodeLogs(logs, e); },
      &CanonicalLogs);
}

void CheckMetricsRequest(std::string_view input, Encoding encoding) {
  CheckRoundTrip<otlp::MetricsData>(
      "metrics", input, encoding,
      [](std::string_view body, Encoding e) { return otlp::DecodeMetrics(body, e); },
      [](const otlp::MetricsData& metrics, Encoding e) { return otlp::EncodeMetrics(metrics, e); },
      &CanonicalMetrics);
}

void CheckExportResponse(std::string_view input, Encoding encoding) {
  // The three responses differ only in the name of the rejected count; each signal sees the
  // same bytes, which also checks that one signal's key is not taken for another's.
  for (otlp::Signal signal : {otlp::Signal::kLogs, otlp::Signal::kMetrics, otlp::Signal::kTraces}) {
    CheckRoundTrip<otlp::ExportResponse>(
        std::string("response-") + otlp::SignalName(signal), input, encoding,
        [signal](std::string_view body, Encoding e) {
          return otlp::DecodeResponse(signal, body, e);
        },
        [signal](const otlp::ExportResponse& response, Encoding e) {
          return otlp::EncodeResponse(signal, response, e);
        },
        nullptr);
  }
}

void CheckRpcStatus(std::string_view input, Encoding encoding) {
  CheckRoundTrip<otlp::RpcStatus>(
      "rpc-status", input, encoding,
      [](std::string_view body, Encoding e) { return otlp::DecodeRpcStatus(body, e); },
      [](const otlp::RpcStatus& status, Encoding e) { return otlp::EncodeRpcStatus(status, e); },
      nullptr);
}

}  // namespace nightjar::fuzz
