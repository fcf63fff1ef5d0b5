// Readable GoogleTest output for the OTLP model: without these, a failed EXPECT_EQ on two
// AnyValues prints raw object bytes. Text is shown byte-exact (non-ASCII bytes as \xNN) so that
// a difference in a combining mark or an emoji's encoding is visible.
//
// Thread-safety: all functions are reentrant.
#pragma once

#include <ostream>
#include <string>

#include "otlp/model.h"

namespace nightjar::otlp {

// Returns a one-line description of a value with its kind, e.g. `int 42` or `string "a\n"`.
std::string Describe(const AnyValue& value);

// GoogleTest printers, found by argument-dependent lookup.
void PrintTo(const AnyValue& value, std::ostream* os);
void PrintTo(const KeyValue& kv, std::ostream* os);
void PrintTo(const NumberDataPoint& point, std::ostream* os);
void PrintTo(const HistogramDataPoint& point, std::ostream* os);
void PrintTo(const ExponentialHistogramDataPoint& point, std::ostream* os);

}  // namespace nightjar::otlp
