// Silences; see silence.h.
#include "alerting/silence.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <random>

#include "base/hex.h"

namespace nightjar::collector::alerting {

Silence::State Silence::StateAt(int64_t now) const {
  if (now < starts_at) return State::kPending;
  if (now < ends_at) return State::kActive;
  return State::kExpired;
}

bool Silence::Silences(const Labels& labels, int64_t now) const {
  return StateAt(now) == State::kActive && !matchers.empty() && MatchesAll(matchers, labels);
}

std::string_view SilenceStateName(Silence::State state) {
  switch (state) {
    case Silence::State::kPending:
      return "pending";
    case Silence::State::kActive:
      return "active";
    case Silence::State::kExpired:
      return "expired";
  }
  return "expired";
}

std::string NewSilenceId() {
  std::random_device random;
  uint8_t bytes[16];
  for (size_t i = 0; i < sizeof(bytes); i += 4) {
    uint32_t v = random();
    for (size_t j = 0; j < 4; ++j) bytes[i + j] = static_cast<uint8_t>(v >> (8 * j));
  }
  return HexEncode(bytes, sizeof(bytes));
}

std::string MatchersJson(const std::vector<LabelMatcher>& matchers) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartArray();
  for (const LabelMatcher& m : matchers) {
    w.StartObject();
    w.Key("name");
    w.String(m.name().data(), static_cast<rapidjson::SizeType>(m.name().size()));
    w.Key("op");
    std::string_view op = LabelMatcher::OpText(m.op());
    w.String(op.data(), static_cast<rapidjson::SizeType>(op.size()));
    w.Key("value");
    w.String(m.value().data(), static_cast<rapidjson::SizeType>(m.value().size()));
    w.EndObject();
  }
  w.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<std::vector<LabelMatcher>> ParseMatchersJson(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsArray()) {
    return InvalidArgument("matchers: expected a JSON array");
  }
  std::vector<LabelMatcher> out;
  for (const auto& item : doc.GetArray()) {
    if (!item.IsObject() || !item.HasMember("name") || !item["name"].IsString() ||
        !item.HasMember("op") || !item["op"].IsString() || !item.HasMember("value") ||
        !item["value"].IsString()) {
      return InvalidArgument("matchers: expected objects with name, op and value");
    }
    NJ_ASSIGN_OR_RETURN(LabelMatcher::Op op, LabelMatcher::ParseOp(item["op"].GetString()));
    NJ_ASSIGN_OR_RETURN(LabelMatcher m, LabelMatcher::Make(item["name"].GetString(), op,
                                                           item["value"].GetString()));
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace nightjar::collector::alerting
