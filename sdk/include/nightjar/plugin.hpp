// The header-only C++ wrapper of the Nightjar plugin ABI (plugin.h).
//
// A plugin is a class derived from Classifier, Detector or Notifier that declares its name and
// options as static members, takes a Context in its constructor and overrides one hook; one
// macro, NJ_PLUGIN(Class), defines the exported entry symbol:
//
//   class Hello : public nightjar::sdk::Classifier {
//    public:
//     static constexpr nightjar::sdk::PluginInfo kInfo{"hello", "1.0.0", "Labels greetings."};
//     static constexpr nightjar::sdk::Option kOptions[] = {
//         nightjar::sdk::Option::String("word", "hello", "The word to look for."),
//     };
//     explicit Hello(const nightjar::sdk::Context& context)
//         : word_(context.options().String("word")) {}
//     void Classify(const nightjar::sdk::LogRecord& record,
//                   nightjar::sdk::ClassifyOutput& out) override {
//       if (record.Body().find(word_) != std::string_view::npos) out.AddLabel("log.class", "hi");
//     }
//    private:
//     std::string word_;
//   };
//   NJ_PLUGIN(Hello)
//
// Optional static members: `static constexpr bool kThreadSafe = true;` when the hook may run
// on several threads at once (the default is false: the host serialises calls).
//
// Exceptions thrown by the constructor or a hook are caught at the boundary and returned to the
// host as an error with the exception's message; nothing C++ crosses the boundary. Throw
// nightjar::sdk::Error (or any std::exception) to fail.
//
// The views given to hooks (LogRecord, MetricPoint, Notification and what they return) borrow
// host memory for the duration of the call: copy what you keep.
//
// Thread-safety: as plugin.h. Host and Logger may be used from any thread while the instance
// lives.
#pragma once

#if __cplusplus < 201703L
#error "nightjar/plugin.hpp needs C++17 or newer"
#endif

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "nightjar/plugin.h"

namespace nightjar::sdk {

// An error a plugin throws to fail create or a hook; the message reaches the operator.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Returns a string_view over a borrowed ABI string.
inline std::string_view View(nj_str s) {
  return s.size == 0 ? std::string_view() : std::string_view(s.data, s.size);
}

// Returns an ABI string borrowing `s`.
inline nj_str Str(std::string_view s) { return nj_str{s.data(), s.size()}; }

// The name, version and description of a plugin (static kInfo member of a plugin class).
struct PluginInfo {
  const char* name;
  const char* version;
  const char* description;
};

// One declared option; build with the factories and refine with Required(), Secret(), Range()
// and Choices(). Defaults are written as a user would write them in YAML ("30s", "2.5").
struct Option {
  nj_option_decl decl;

  // Declares a string option; `def` may be nullptr for "unset".
  static constexpr Option String(const char* name, const char* def, const char* description) {
    return Make(name, NJ_OPTION_STRING, def, description);
  }
  // Declares a 64-bit integer option.
  static constexpr Option Int(const char* name, const char* def, const char* description) {
    return Make(name, NJ_OPTION_INT, def, description);
  }
  // Declares a floating-point option.
  static constexpr Option Double(const char* name, const char* def, const char* description) {
    return Make(name, NJ_OPTION_DOUBLE, def, description);
  }
  // Declares a boolean option.
  static constexpr Option Bool(const char* name, const char* def, const char* description) {
    return Make(name, NJ_OPTION_BOOL, def, description);
  }
  // Declares a duration option ("250ms", "30s", "1h30m").
  static constexpr Option Duration(const char* name, const char* def, const char* description) {
    return Make(name, NJ_OPTION_DURATION, def, description);
  }
  // Declares a list-of-strings option (empty by default).
  static constexpr Option StringList(const char* name, const char* description) {
    return Make(name, NJ_OPTION_STRING_LIST, nullptr, description);
  }
  // Declares a string-to-string mapping option (empty by default).
  static constexpr Option StringMap(const char* name, const char* description) {
    return Make(name, NJ_OPTION_STRING_MAP, nullptr, description);
  }

  // Returns a copy that the user must set (and which therefore has no default).
  constexpr Option Required() const {
    Option o = *this;
    o.decl.flags |= NJ_OPTION_REQUIRED;
    o.decl.default_value = nullptr;
    return o;
  }
  // Returns a copy whose value the host never logs or displays.
  constexpr Option Secret() const {
    Option o = *this;
    o.decl.flags |= NJ_OPTION_SECRET;
    return o;
  }
  // Returns a copy bounded to [min, max] (nanoseconds for durations).
  constexpr Option Range(double min, double max) const {
    Option o = *this;
    o.decl.flags |= NJ_OPTION_RANGE;
    o.decl.min_value = min;
    o.decl.max_value = max;
    return o;
  }
  // Returns a copy limited to the '|'-separated `choices` (string options).
  constexpr Option Choices(const char* choices) const {
    Option o = *this;
    o.decl.choices = choices;
    return o;
  }

 private:
  static constexpr Option Make(const char* name, uint32_t type, const char* def,
                               const char* description) {
    return Option{nj_option_decl{name, type, 0, def, description, 0.0, 0.0, nullptr}};
  }
};

// Typed read access to an instance's validated options. Reading an undeclared option or with
// the wrong type throws Error: that is a bug in the plugin, reported when the instance is
// created.
class Options {
 public:
  explicit Options(const nj_options* raw) : raw_(raw) {}

  // Returns true when the option has a value (set by the user or by its default).
  bool Has(std::string_view name) const { return Find(name, 0)->is_set != 0; }

  // Returns a string option ("" when unset).
  std::string String(std::string_view name) const {
    return std::string(View(Find(name, NJ_OPTION_STRING)->string_value));
  }
  // Returns an integer option (0 when unset).
  int64_t Int(std::string_view name) const { return Find(name, NJ_OPTION_INT)->int_value; }
  // Returns a floating-point option (0 when unset).
  double Double(std::string_view name) const { return Find(name, NJ_OPTION_DOUBLE)->double_value; }
  // Returns a boolean option (false when unset).
  bool Bool(std::string_view name) const { return Find(name, NJ_OPTION_BOOL)->int_value != 0; }
  // Returns a duration option (zero when unset).
  std::chrono::nanoseconds Duration(std::string_view name) const {
    return std::chrono::nanoseconds(Find(name, NJ_OPTION_DURATION)->int_value);
  }
  // Returns a list option's items.
  std::vector<std::string> StringList(std::string_view name) const {
    const nj_option_value* v = Find(name, NJ_OPTION_STRING_LIST);
    std::vector<std::string> out;
    for (size_t i = 0; i < v->list_size; ++i) out.emplace_back(View(v->list[i]));
    return out;
  }
  // Returns a mapping option's entries in file order.
  std::vector<std::pair<std::string, std::string>> StringMap(std::string_view name) const {
    const nj_option_value* v = Find(name, NJ_OPTION_STRING_MAP);
    std::vector<std::pair<std::string, std::string>> out;
    for (size_t i = 0; i < v->map_size; ++i) {
      out.emplace_back(std::string(View(v->map[i].key)), std::string(View(v->map[i].value)));
    }
    return out;
  }

  const nj_options* raw() const { return raw_; }

 private:
  // type 0 = any type.
  const nj_option_value* Find(std::string_view name, uint32_t type) const {
    for (size_t i = 0; raw_ != nullptr && i < raw_->count; ++i) {
      const nj_option_value* v = nj_option_at(raw_, i);
      if (View(v->name) != name) continue;
      if (type != 0 && v->type != type) {
        throw Error("option \"" + std::string(name) + "\" is read with the wrong type");
      }
      return v;
    }
    throw Error("option \"" + std::string(name) + "\" is not declared in kOptions");
  }

  const nj_options* raw_;
};

// Writes to the collector's log, tagged with the plugin and instance. Cheap to copy; valid while
// the instance lives.
class Logger {
 public:
  explicit Logger(const nj_host* host) : host_(host) {}

  void Debug(std::string_view message) const { Write(NJ_LOG_DEBUG, message); }
  void Info(std::string_view message) const { Write(NJ_LOG_INFO, message); }
  void Warning(std::string_view message) const { Write(NJ_LOG_WARNING, message); }
  void Error(std::string_view message) const { Write(NJ_LOG_ERROR, message); }

 private:
  void Write(uint32_t level, std::string_view message) const {
    if (host_ != nullptr && host_->log != nullptr) host_->log(host_->context, level, Str(message));
  }

  const nj_host* host_;
};

// The host's services for one instance: identity, clock and log. Cheap to copy; valid for the
// instance's whole life, so keep one as a member when hooks need the clock.
class Host {
 public:
  explicit Host(const nj_host* host) : host_(host), log_(host) {}

  std::string_view plugin_name() const { return View(host_->plugin_name); }
  std::string_view instance_name() const { return View(host_->instance_name); }
  // Returns the collector's name and version, e.g. "nightjar-collector/0.1.0".
  std::string_view host_version() const { return View(host_->host_version); }
  // Returns wall-clock time (ns since the epoch) from the host's clock.
  int64_t NowUnixNanos() const { return host_->now_unix_nanos(host_->context); }
  // Returns monotonic time (ns) from the host's clock.
  int64_t MonotonicNanos() const { return host_->monotonic_nanos(host_->context); }
  const Logger& log() const { return log_; }
  const nj_host* raw() const { return host_; }

 private:
  const nj_host* host_;
  Logger log_;
};

// What a plugin's constructor gets: its options (readable during the constructor only: copy
// what you need) and the host's services (valid for the instance's life).
class Context {
 public:
  Context(const nj_host* host, const nj_options* options) : host_(host), options_(options) {}

  const Options& options() const { return options_; }
  const Host& host() const { return host_; }
  const Logger& log() const { return host_.log(); }

 private:
  Host host_;
  Options options_;
};

// ---------------------------------------------------------------------------------------------
// Views of host data

// A borrowed attribute or body value.
class Value {
 public:
  explicit Value(const nj_value& raw) : raw_(&raw) {}

  uint32_t type() const { return raw_->type; }
  bool IsString() const { return raw_->type == NJ_VALUE_STRING; }
  // Returns the text of a string, bytes, array or kvlist (JSON) value; "" for other types.
  std::string_view AsString() const {
    switch (raw_->type) {
      case NJ_VALUE_STRING:
      case NJ_VALUE_BYTES:
      case NJ_VALUE_ARRAY:
      case NJ_VALUE_KVLIST:
        return View(raw_->string_value);
      default:
        return {};
    }
  }
  // Returns an int or bool value as an integer, a double truncated; 0 otherwise.
  int64_t AsInt() const {
    if (raw_->type == NJ_VALUE_DOUBLE) return static_cast<int64_t>(raw_->double_value);
    return (raw_->type == NJ_VALUE_INT || raw_->type == NJ_VALUE_BOOL) ? raw_->int_value : 0;
  }
  // Returns a numeric value as a double; 0 otherwise.
  double AsDouble() const {
    if (raw_->type == NJ_VALUE_DOUBLE) return raw_->double_value;
    return raw_->type == NJ_VALUE_INT ? static_cast<double>(raw_->int_value) : 0.0;
  }
  bool AsBool() const { return raw_->type == NJ_VALUE_BOOL && raw_->int_value != 0; }
  const nj_value& raw() const { return *raw_; }

 private:
  const nj_value* raw_;
};

// A borrowed list of attributes, iterable as (key, Value) pairs.
class Attributes {
 public:
  Attributes(const nj_attribute* data, size_t size) : data_(data), size_(size) {}

  size_t size() const { return size_; }
  std::string_view Key(size_t i) const { return View(data_[i].key); }
  Value At(size_t i) const { return Value(data_[i].value); }
  // Returns the value of the first attribute named `key`, if any.
  std::optional<Value> Find(std::string_view key) const {
    for (size_t i = 0; i < size_; ++i) {
      if (View(data_[i].key) == key) return Value(data_[i].value);
    }
    return std::nullopt;
  }

 private:
  const nj_attribute* data_;
  size_t size_;
};

// A borrowed list of string pairs (labels, annotations).
class StringPairs {
 public:
  StringPairs(const nj_str_pair* data, size_t size) : data_(data), size_(size) {}

  size_t size() const { return size_; }
  std::string_view Key(size_t i) const { return View(data_[i].key); }
  std::string_view ValueAt(size_t i) const { return View(data_[i].value); }
  // Returns the value for `key`, or nullopt.
  std::optional<std::string_view> Find(std::string_view key) const {
    for (size_t i = 0; i < size_; ++i) {
      if (View(data_[i].key) == key) return View(data_[i].value);
    }
    return std::nullopt;
  }

 private:
  const nj_str_pair* data_;
  size_t size_;
};

// A borrowed log record.
class LogRecord {
 public:
  explicit LogRecord(const nj_log_record& raw) : raw_(&raw) {}

  // Returns the body as text: a string body, or a structured body as JSON; "" otherwise.
  std::string_view Body() const { return Value(raw_->body).AsString(); }
  Value body() const { return Value(raw_->body); }
  int32_t severity_number() const { return raw_->severity_number; }
  std::string_view severity_text() const { return View(raw_->severity_text); }
  uint64_t time_unix_nano() const { return raw_->time_unix_nano; }
  Attributes attributes() const { return {raw_->attributes, raw_->attribute_count}; }
  Attributes resource_attributes() const {
    return {raw_->resource_attributes, raw_->resource_attribute_count};
  }
  std::string_view scope_name() const { return View(raw_->scope_name); }
  const nj_log_record& raw() const { return *raw_; }

 private:
  const nj_log_record* raw_;
};

// Collects what a classifier adds to a record; the host copies each call's arguments.
class ClassifyOutput {
 public:
  explicit ClassifyOutput(const nj_classify_output* raw) : raw_(raw) {}

  // Adds a filterable label.
  void AddLabel(std::string_view key, std::string_view value) const {
    raw_->add_label(raw_->context, Str(key), Str(value));
  }
  // Adds an attribute; the value's C++ type picks the attribute type (string, bool, integer or
  // floating point).
  template <typename T>
  void AddAttribute(std::string_view key, const T& value) const {
    nj_value v{};
    using D = std::decay_t<T>;
    if constexpr (std::is_same_v<D, bool>) {
      v.type = NJ_VALUE_BOOL;
      v.int_value = value ? 1 : 0;
    } else if constexpr (std::is_integral_v<D>) {
      v.type = NJ_VALUE_INT;
      v.int_value = static_cast<int64_t>(value);
    } else if constexpr (std::is_floating_point_v<D>) {
      v.type = NJ_VALUE_DOUBLE;
      v.double_value = static_cast<double>(value);
    } else {
      v.type = NJ_VALUE_STRING;
      v.string_value = Str(std::string_view(value));
    }
    raw_->add_attribute(raw_->context, Str(key), &v);
  }
  // Sets the record's severity (OTLP number and text).
  void SetSeverity(int32_t number, std::string_view text) const {
    raw_->set_severity(raw_->context, number, Str(text));
  }

 private:
  const nj_classify_output* raw_;
};

// A borrowed metric point.
class MetricPoint {
 public:
  explicit MetricPoint(const nj_metric_point& raw) : raw_(&raw) {}

  uint64_t series_id() const { return raw_->series_id; }
  std::string_view metric_name() const { return View(raw_->metric_name); }
  std::string_view unit() const { return View(raw_->unit); }
  int64_t time_unix_nano() const { return raw_->time_unix_nano; }
  double value() const { return raw_->value; }
  Attributes attributes() const { return {raw_->attributes, raw_->attribute_count}; }
  Attributes resource_attributes() const {
    return {raw_->resource_attributes, raw_->resource_attribute_count};
  }
  const nj_metric_point& raw() const { return *raw_; }

 private:
  const nj_metric_point* raw_;
};

// What a detector reports for one point; writes straight into the host's result.
class Detection {
 public:
  explicit Detection(nj_detect_result* raw) : raw_(raw) {}

  // Sets the score (larger is more unusual).
  void SetScore(double score) { raw_->score = score; }
  // Marks the point anomalous with a short reason.
  void SetAnomalous(std::string_view reason) {
    raw_->anomalous = 1;
    nj_buffer_set(&raw_->reason, reason.data(), reason.size());
  }
  double score() const { return raw_->score; }
  bool anomalous() const { return raw_->anomalous != 0; }

 private:
  nj_detect_result* raw_;
};

// A borrowed alert of a notification.
class Alert {
 public:
  explicit Alert(const nj_alert& raw) : raw_(&raw) {}

  bool firing() const { return raw_->status == NJ_ALERT_FIRING; }
  std::string_view status_name() const { return firing() ? "firing" : "resolved"; }
  StringPairs labels() const { return {raw_->labels, raw_->label_count}; }
  StringPairs annotations() const { return {raw_->annotations, raw_->annotation_count}; }
  int64_t starts_at_unix_nano() const { return raw_->starts_at_unix_nano; }
  int64_t ends_at_unix_nano() const { return raw_->ends_at_unix_nano; }
  std::string_view fingerprint() const { return View(raw_->fingerprint); }
  std::string_view generator_url() const { return View(raw_->generator_url); }

 private:
  const nj_alert* raw_;
};

// A borrowed notification.
class Notification {
 public:
  explicit Notification(const nj_notification& raw) : raw_(&raw) {}

  bool firing() const { return raw_->status == NJ_ALERT_FIRING; }
  std::string_view status_name() const { return firing() ? "firing" : "resolved"; }
  std::string_view id() const { return View(raw_->id); }
  std::string_view group_key() const { return View(raw_->group_key); }
  std::string_view receiver() const { return View(raw_->receiver); }
  StringPairs group_labels() const { return {raw_->group_labels, raw_->group_label_count}; }
  StringPairs common_labels() const { return {raw_->common_labels, raw_->common_label_count}; }
  StringPairs common_annotations() const {
    return {raw_->common_annotations, raw_->common_annotation_count};
  }
  size_t alert_count() const { return raw_->alert_count; }
  Alert alert(size_t i) const { return Alert(*raw_->alerts[i]); }
  std::string_view external_url() const { return View(raw_->external_url); }
  uint32_t truncated_alerts() const { return raw_->truncated_alerts; }
  uint32_t attempt() const { return raw_->attempt; }

 private:
  const nj_notification* raw_;
};

// The outcome of a notification, returned by Notifier::Notify.
struct NotifyResult {
  uint32_t outcome = NJ_NOTIFY_FAILED;
  std::chrono::nanoseconds retry_after{0};
  std::string message;

  // Returns "the receiver accepted it".
  static NotifyResult Delivered() { return {NJ_NOTIFY_DELIVERED, {}, {}}; }
  // Returns "try again after `delay`" (zero lets the host choose).
  static NotifyResult RetryLater(std::string message,
                                 std::chrono::nanoseconds delay = std::chrono::nanoseconds(0)) {
    return {NJ_NOTIFY_RETRY_LATER, delay, std::move(message)};
  }
  // Returns "failed for good".
  static NotifyResult Failed(std::string message) {
    return {NJ_NOTIFY_FAILED, {}, std::move(message)};
  }
};

// ---------------------------------------------------------------------------------------------
// Base classes, one per kind

// Enriches log records: derive, override Classify.
class Classifier {
 public:
  static constexpr uint32_t kKind = NJ_KIND_CLASSIFIER;
  virtual ~Classifier() = default;
  // Looks at one record and adds labels, attributes or a severity through `out`.
  virtual void Classify(const LogRecord& record, ClassifyOutput& out) = 0;
};

// Scores metric points: derive, override Detect.
class Detector {
 public:
  static constexpr uint32_t kKind = NJ_KIND_DETECTOR;
  virtual ~Detector() = default;
  // Scores one point; points of one series arrive in time order.
  virtual void Detect(const MetricPoint& point, Detection& result) = 0;
};

// Delivers notifications: derive, override Notify.
class Notifier {
 public:
  static constexpr uint32_t kKind = NJ_KIND_NOTIFIER;
  virtual ~Notifier() = default;
  // Delivers one notification.
  virtual NotifyResult Notify(const Notification& notification) = 0;
};

// ---------------------------------------------------------------------------------------------
// Plumbing behind NJ_PLUGIN; not for direct use.

namespace internal {

inline void SetError(nj_buffer* error, std::string_view message) {
  nj_buffer_set(error, message.data(), message.size());
}

// Runs `fn`, turning any exception into NJ_ERROR with its message: exceptions must never
// unwind into the host.
template <typename Fn>
int32_t Guard(nj_buffer* error, Fn&& fn) noexcept {
  try {
    fn();
    return NJ_OK;
  } catch (const std::exception& e) {
    SetError(error, e.what());
  } catch (...) {
    SetError(error, "unknown exception");
  }
  return NJ_ERROR;
}

template <typename T, typename = void>
struct OptionsOf {
  static constexpr const Option* data() { return nullptr; }
  static constexpr size_t size() { return 0; }
};
template <typename T>
struct OptionsOf<T, std::void_t<decltype(T::kOptions)>> {
  static constexpr const Option* data() { return T::kOptions; }
  static constexpr size_t size() { return sizeof(T::kOptions) / sizeof(T::kOptions[0]); }
};

template <typename T, typename = void>
struct ThreadSafeOf : std::false_type {};
template <typename T>
struct ThreadSafeOf<T, std::void_t<decltype(T::kThreadSafe)>> : std::bool_constant<T::kThreadSafe> {
};

template <typename T>
int32_t Create(const nj_host* host, const nj_options* options, void** instance, nj_buffer* error) {
  *instance = nullptr;
  return Guard(error, [&] {
    Context context(host, options);
    if constexpr (std::is_constructible_v<T, const Context&>) {
      *instance = new T(context);
    } else {
      *instance = new T();
    }
  });
}

// Destructors are noexcept: one that throws terminates the process, as anywhere in C++.
template <typename T>
void Destroy(void* instance) {
  delete static_cast<T*>(instance);
}

template <typename T>
int32_t Classify(void* instance, const nj_log_record* record, const nj_classify_output* output,
                 nj_buffer* error) {
  return Guard(error, [&] {
    ClassifyOutput out(output);
    static_cast<T*>(instance)->Classify(LogRecord(*record), out);
  });
}

template <typename T>
int32_t Detect(void* instance, const nj_metric_point* point, nj_detect_result* result,
               nj_buffer* error) {
  return Guard(error, [&] {
    Detection detection(result);
    static_cast<T*>(instance)->Detect(MetricPoint(*point), detection);
  });
}

template <typename T>
int32_t Notify(void* instance, const nj_notification* notification, nj_notify_result* result,
               nj_buffer* error) {
  return Guard(error, [&] {
    NotifyResult r = static_cast<T*>(instance)->Notify(Notification(*notification));
    result->outcome = r.outcome;
    result->retry_after_nanos = static_cast<int64_t>(r.retry_after.count());
    nj_buffer_set(&result->message, r.message.data(), r.message.size());
  });
}

// Returns the descriptor of plugin class T, built once.
template <typename T>
const nj_plugin_descriptor* Descriptor() {
  static_assert(std::is_base_of_v<Classifier, T> + std::is_base_of_v<Detector, T> +
                        std::is_base_of_v<Notifier, T> ==
                    1,
                "a plugin class derives from exactly one of Classifier, Detector, Notifier");
  static const std::vector<nj_option_decl> decls = [] {
    std::vector<nj_option_decl> out;
    for (size_t i = 0; i < OptionsOf<T>::size(); ++i) out.push_back(OptionsOf<T>::data()[i].decl);
    return out;
  }();
  static const nj_plugin_descriptor descriptor = [] {
    nj_plugin_descriptor d{};
    d.struct_size = sizeof(nj_plugin_descriptor);
    d.abi_major = NJ_PLUGIN_ABI_MAJOR;
    d.abi_minor = NJ_PLUGIN_ABI_MINOR;
    d.kind = T::kKind;
    d.flags = ThreadSafeOf<T>::value ? NJ_PLUGIN_THREAD_SAFE : 0u;
    d.option_decl_size = sizeof(nj_option_decl);
    d.name = T::kInfo.name;
    d.version = T::kInfo.version;
    d.description = T::kInfo.description;
    d.options = decls.empty() ? nullptr : decls.data();
    d.option_count = decls.size();
    d.create = &Create<T>;
    d.destroy = &Destroy<T>;
    if constexpr (std::is_base_of_v<Classifier, T>) d.classify = &Classify<T>;
    if constexpr (std::is_base_of_v<Detector, T>) d.detect = &Detect<T>;
    if constexpr (std::is_base_of_v<Notifier, T>) d.notify = &Notify<T>;
    return d;
  }();
  return &descriptor;
}

}  // namespace internal
}  // namespace nightjar::sdk

// Defines the plugin's exported entry symbol for plugin class `Class`. Use once per library.
#define NJ_PLUGIN(Class)                                                          \
  extern "C" NJ_PLUGIN_EXPORT const nj_plugin_descriptor* nj_plugin_entry(void) { \
    return ::nightjar::sdk::internal::Descriptor<Class>();                        \
  }
