// Helpers of the rules engine's tests: a sink that records what the engine sends, log batches
// built in code, and rule files written to a directory.
#pragma once

#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "alerting/rule_evaluation.h"
#include "store/batch.h"

namespace nightjar::collector::rules::testing {

// Records SetRules and Apply calls.
class CapturingSink : public alerting::AlertSink {
 public:
  void SetRules(const std::vector<alerting::RuleSpec>& rules) override {
    std::lock_guard<std::mutex> lock(mutex_);
    rules_ = rules;
    ++set_rules_calls_;
  }
  void Apply(const alerting::RuleEvaluation& evaluation) override {
    std::lock_guard<std::mutex> lock(mutex_);
    evaluations_.push_back(evaluation);
  }
  // Returns the evaluations of `rule` so far and forgets them.
  std::vector<alerting::RuleEvaluation> Take(const std::string& rule) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<alerting::RuleEvaluation> out, rest;
    for (auto& e : evaluations_) (e.rule == rule ? out : rest).push_back(std::move(e));
    evaluations_ = std::move(rest);
    return out;
  }
  std::vector<alerting::RuleSpec> rules() {
    std::lock_guard<std::mutex> lock(mutex_);
    return rules_;
  }
  int set_rules_calls() {
    std::lock_guard<std::mutex> lock(mutex_);
    return set_rules_calls_;
  }

 private:
  std::mutex mutex_;
  std::vector<alerting::RuleSpec> rules_;
  std::vector<alerting::RuleEvaluation> evaluations_;
  int set_rules_calls_ = 0;
};

struct TestRecord {
  std::string service;
  std::string body;
  int severity = 17;
  int64_t time_ms = 0;
  std::string attributes{"{}"};
  Labels labels{};
};

// Returns a batch with one stream per record (service.name = the record's service).
inline LogBatch Batch(const std::vector<TestRecord>& records) {
  LogBatch b;
  for (const TestRecord& r : records) {
    StreamRow s;
    s.service = r.service;
    s.resource_attributes = "{\"service.name\":\"" + r.service + "\"}";
    s.scope_attributes = "{}";
    b.streams.push_back(s);
    LogRow row;
    row.stream = b.streams.size() - 1;
    row.time_key_ms = r.time_ms;
    row.time_unix_nano = static_cast<uint64_t>(r.time_ms) * 1'000'000;
    row.severity_number = r.severity;
    row.body = r.body;
    row.attributes = r.attributes;
    row.labels = r.labels;
    b.logs.push_back(row);
  }
  return b;
}

inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

// Returns the value of label `key` ("" when absent).
inline std::string LabelValue(const alerting::Labels& labels, const std::string& key) {
  for (const auto& [k, v] : labels) {
    if (k == key) return v;
  }
  return "";
}

}  // namespace nightjar::collector::rules::testing
