// The plugin host; see plugin_host.h.
#include "plugin_host/plugin_host.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <filesystem>
#include <system_error>

#include "base/logging.h"
#include "base/utf8.h"
#include "plugin_host/abi_views.h"

namespace nightjar::plugins {
namespace {

constexpr const char* kComponent = "plugins";

// Bounds on what one classifier instance may add to one record, so that a plugin bug cannot
// blow up a record or the store.
constexpr size_t kMaxAdditions = 64;
constexpr size_t kMaxKeyBytes = 256;
constexpr size_t kMaxLabelBytes = 4096;
constexpr size_t kReasonCapacity = 256;
constexpr size_t kMessageCapacity = 1024;

std::string CleanText(nj_str s, size_t limit) {
  std::string_view text = FromStr(s).substr(0, limit);
  return IsValidUtf8(text) ? std::string(text) : RepairUtf8(text);
}

// Collects one classifier call's output into a Classification.
struct ClassifyContext {
  Classification* out;
  size_t added = 0;

  bool Admit(nj_str key) {
    if (key.size == 0 || key.size > kMaxKeyBytes || added >= kMaxAdditions) return false;
    ++added;
    return true;
  }

  static void AddLabel(void* context, nj_str key, nj_str value) {
    auto* self = static_cast<ClassifyContext*>(context);
    if (!self->Admit(key)) return;
    self->out->labels.emplace_back(CleanText(key, kMaxKeyBytes), CleanText(value, kMaxLabelBytes));
  }

  static void AddAttribute(void* context, nj_str key, const nj_value* value) {
    auto* self = static_cast<ClassifyContext*>(context);
    if (value == nullptr || !self->Admit(key)) return;
    otlp::AnyValue v = ValueFromView(*value);
    if (v.kind() == otlp::ValueKind::kString)
      v = otlp::AnyValue(CleanText(value->string_value, kMaxLabelBytes));
    self->out->attributes.push_back(otlp::KeyValue{CleanText(key, kMaxKeyBytes), std::move(v)});
  }

  static void SetSeverity(void* context, int32_t number, nj_str text) {
    auto* self = static_cast<ClassifyContext*>(context);
    if (number < 0 || number > 24) return;  // not an OTLP severity number
    self->out->severity_number = number;
    self->out->severity_text = CleanText(text, kMaxKeyBytes);
  }
};

double CleanScore(double score) {
  if (std::isnan(score)) return 0;
  return std::clamp(score, -DBL_MAX, DBL_MAX);
}

std::string Where(const InstanceConfig& config) {
  return config.where.empty() ? "instance \"" + config.name + "\"" : config.where;
}

}  // namespace

PluginHost::PluginHost(PluginHostServices services) : services_(services) {
  if (services_.clock == nullptr) services_.clock = &Clock::System();
  if (services_.registry == nullptr) {
    own_registry_ = std::make_unique<metrics::Registry>();
    services_.registry = own_registry_.get();
  }
}

PluginHost::~PluginHost() {
  // Instances first: their destroy must run while their library is still loaded.
  classifiers_.clear();
  detectors_.clear();
  notifiers_.clear();
  instances_.clear();  // an instance also held by a newer host lives on, with its library
  instance_configs_.clear();
  libraries_.clear();
}

std::unique_ptr<PluginHost> PluginHost::Start(const PluginHostConfig& config,
                                              PluginHostServices services,
                                              const PluginHost* previous) {
  std::unique_ptr<PluginHost> host(new PluginHost(services));
  host->suspend_policy_ = config.suspend;
  host->host_version_ = config.host_version;
  host->LoadFiles(config);
  host->StartInstances(config, previous);
  metrics::Registry& registry = *host->services_.registry;
  registry.Gauge("nightjar_plugins_loaded", "Plugin libraries loaded.")
      .Get()
      .Set(static_cast<double>(host->libraries_.size()));
  auto& instances = registry.Gauge("nightjar_plugin_instances",
                                   "Configured plugin instances by state (running, failed, "
                                   "disabled).",
                                   {"state"});
  size_t failed = 0;
  size_t disabled = 0;
  for (const InactiveInstance& i : host->inactive_) {
    (i.stats.state == "disabled" ? disabled : failed) += 1;
  }
  instances.With({"running"}).Set(static_cast<double>(host->instances_.size()));
  instances.With({"failed"}).Set(static_cast<double>(failed));
  instances.With({"disabled"}).Set(static_cast<double>(disabled));
  return host;
}

void PluginHost::LoadFiles(const PluginHostConfig& config) {
  std::vector<std::string> files;
  if (!config.directory.empty()) {
    std::error_code ec;
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(config.directory, ec)) {
      std::error_code type_ec;
      if (entry.path().extension() == ".so" && entry.is_regular_file(type_ec)) {
        found.push_back(entry.path().string());
      }
    }
    if (ec) {
      std::string problem = "plugin directory " + config.directory + ": " + ec.message();
      log::Error(kComponent, problem);
      problems_.push_back(problem);
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  files.insert(files.end(), config.paths.begin(), config.paths.end());

  // The same file reached twice (directory and paths, or a symlink) is loaded once.
  std::vector<std::string> seen;
  for (const std::string& file : files) {
    std::error_code ec;
    std::filesystem::path canonical = std::filesystem::weakly_canonical(file, ec);
    std::string key = ec ? file : canonical.string();
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    LoadFile(file);
  }
}

void PluginHost::LoadFile(const std::string& path) {
  auto loaded = PluginLibrary::Load(path);
  std::string error;
  if (!loaded.ok()) {
    error = loaded.status().message();
  } else if (const PluginLibrary* other = FindLibrary((*loaded)->name())) {
    error = path + ": plugin name \"" + (*loaded)->name() + "\" is already taken by " +
            other->path() + "; the first one loaded is kept";
  }
  if (!error.empty()) {
    log::Error(kComponent, "refused a plugin file", {{"path", path}, {"error", error}});
    problems_.push_back(error);
    refused_files_.push_back({path, error});
    return;
  }
  std::shared_ptr<PluginLibrary> library = std::move(loaded).value();
  log::Info(kComponent, "loaded a plugin",
            {{"plugin", library->name()},
             {"kind", library->kind_name()},
             {"version", library->version()},
             {"path", path}});
  libraries_.push_back(std::move(library));
}

const PluginLibrary* PluginHost::FindLibrary(std::string_view name) const {
  for (const auto& library : libraries_) {
    if (library->name() == name) return library.get();
  }
  return nullptr;
}

void PluginHost::StartInstances(const PluginHostConfig& config, const PluginHost* previous) {
  std::vector<std::string> names;
  for (const InstanceConfig& instance : config.instances) {
    StartInstance(instance, &names, previous);
  }
  for (const auto& instance : instances_) {
    switch (instance->library().kind()) {
      case NJ_KIND_CLASSIFIER:
        classifiers_.push_back(instance.get());
        break;
      case NJ_KIND_DETECTOR:
        detectors_.push_back(instance.get());
        break;
      case NJ_KIND_NOTIFIER:
        notifiers_.push_back(instance.get());
        break;
      default:
        break;
    }
  }
}

void PluginHost::Refuse(const InstanceConfig& config, std::string state, std::string error) {
  InactiveInstance inactive;
  inactive.plugin = config.plugin;
  inactive.stats.name = config.name;
  inactive.stats.state = std::move(state);
  inactive.stats.error = error;
  inactive.stats.match = config.match;
  if (!error.empty()) {
    log::Error(kComponent, "refused a plugin instance",
               {{"plugin", config.plugin}, {"instance", config.name}, {"error", error}});
    problems_.push_back(std::move(error));
  }
  inactive_.push_back(std::move(inactive));
}

std::shared_ptr<PluginInstance> PluginHost::Unchanged(const PluginHost* previous,
                                                      const InstanceConfig& config,
                                                      const PluginLibrary& library) const {
  if (previous == nullptr || previous->own_registry_ != nullptr || own_registry_ != nullptr ||
      previous->services_.registry != services_.registry ||
      previous->services_.clock != services_.clock ||
      !(previous->suspend_policy_ == suspend_policy_)) {
    return nullptr;
  }
  for (size_t i = 0; i < previous->instances_.size(); ++i) {
    const InstanceConfig& was = previous->instance_configs_[i];
    const PluginInstance& instance = *previous->instances_[i];
    if (was.name == config.name && was.plugin == config.plugin && was.match == config.match &&
        SameOptionInputs(was.options, config.options) &&
        instance.library().path() == library.path()) {
      return previous->instances_[i];
    }
  }
  return nullptr;
}

void PluginHost::StartInstance(const InstanceConfig& config, std::vector<std::string>* names,
                               const PluginHost* previous) {
  const std::string where = Where(config);
  if (config.name.empty() || config.plugin.empty()) {
    Refuse(config, "failed", where + ": an instance needs a plugin and a name");
    return;
  }
  if (std::find(names->begin(), names->end(), config.name) != names->end()) {
    Refuse(config, "failed",
           where + ": instance name \"" + config.name + "\" is already used by another instance");
    return;
  }
  names->push_back(config.name);
  std::shared_ptr<PluginLibrary> library;
  for (const auto& l : libraries_) {
    if (l->name() == config.plugin) library = l;
  }
  if (!library) {
    std::string loaded;
    for (const auto& l : libraries_) loaded += (loaded.empty() ? "" : ", ") + l->name();
    std::string why = where + ": no plugin named \"" + config.plugin +
                      "\" is loaded (loaded: " + (loaded.empty() ? "none" : loaded) + ")";
    if (!refused_files_.empty()) why += "; see the refused plugin files above";
    Refuse(config, "failed", why);
    return;
  }
  const std::string tag = " [plugin " + library->name() + ", " + library->path() + "]";
  if (!config.enabled) {
    Refuse(config, "disabled", "");
    return;
  }
  if (!config.match.empty() && library->kind() != NJ_KIND_DETECTOR) {
    Refuse(config, "failed",
           where + ": `match` applies to detectors only; " + library->name() + " is a " +
               std::string(library->kind_name()) + tag);
    return;
  }
  auto options = OptionValues::Build(library->options(), config.options,
                                     config.where.empty() ? where : where + ".options");
  if (!options.ok()) {
    Refuse(config, "failed", options.status().message() + tag);
    return;
  }
  if (std::shared_ptr<PluginInstance> kept = Unchanged(previous, config, *library)) {
    log::Info(kComponent, "kept a plugin instance whose configuration did not change",
              {{"plugin", library->name()}, {"instance", config.name}});
    instances_.push_back(std::move(kept));
    instance_configs_.push_back(config);
    return;
  }
  auto instance = std::make_shared<PluginInstance>(library, config.name, std::move(options).value(),
                                                   config.match, services_.clock, suspend_policy_,
                                                   services_.registry, host_version_);
  Status st = instance->Create();
  if (!st.ok()) {
    Refuse(config, "failed", where + ": " + st.message() + tag);
    return;
  }
  log::Info(kComponent, "started a plugin instance",
            {{"plugin", library->name()}, {"instance", config.name}});
  instances_.push_back(std::move(instance));
  instance_configs_.push_back(config);
}

Classification PluginHost::Classify(const otlp::LogRecord& record,
                                    const otlp::Attributes& resource_attributes,
                                    std::string_view scope_name) {
  Classification out;
  Classify(record, resource_attributes, scope_name, &out);
  return out;
}

void PluginHost::Classify(const otlp::LogRecord& record,
                          const otlp::Attributes& resource_attributes, std::string_view scope_name,
                          Classification* result) {
  Classification& out = *result;
  out.labels.clear();
  out.attributes.clear();
  out.severity_number.reset();
  out.severity_text.clear();
  if (classifiers_.empty()) return;
  thread_local ViewScratch scratch;
  nj_log_record view = ViewLogRecord(record, resource_attributes, scope_name, &scratch);
  ClassifyContext context{&out};
  nj_classify_output output{};
  output.struct_size = sizeof(output);
  output.context = &context;
  output.add_label = &ClassifyContext::AddLabel;
  output.add_attribute = &ClassifyContext::AddAttribute;
  output.set_severity = &ClassifyContext::SetSeverity;
  for (PluginInstance* instance : classifiers_) {
    size_t labels = out.labels.size();
    size_t attributes = out.attributes.size();
    std::optional<int32_t> severity_number = out.severity_number;
    std::string severity_text = out.severity_text;
    context.added = 0;
    auto hook = instance->descriptor().classify;
    CallStatus status = instance->Call("classify", [&](void* handle, nj_buffer* error) {
      return hook(handle, &view, &output, error);
    });
    if (status == CallStatus::kFailed) {
      out.labels.resize(labels);
      out.attributes.resize(attributes);
      out.severity_number = severity_number;
      out.severity_text = std::move(severity_text);
    }
    if (out.severity_number) {
      view.severity_number = *out.severity_number;
      view.severity_text = StrView(out.severity_text);
    }
  }
}

size_t PluginHost::ClassifyLogs(otlp::LogsData* logs) {
  size_t changed = 0;
  if (classifiers_.empty()) return changed;
  for (otlp::ResourceLogs& rl : logs->resource_logs) {
    for (otlp::ScopeLogs& sl : rl.scope_logs) {
      for (otlp::LogRecord& record : sl.log_records) {
        Classification c = Classify(record, rl.resource.attributes, sl.scope.name);
        if (c.empty()) continue;
        ApplyClassification(c, &record);
        ++changed;
      }
    }
  }
  return changed;
}

void PluginHost::Detect(const SeriesPoint& point, std::vector<Detection>* out) {
  out->clear();
  if (detectors_.empty()) return;
  uint64_t series_id = point.series_id != 0 ? point.series_id
                                            : SeriesId(point.metric_name, point.attributes,
                                                       point.resource_attributes);
  thread_local ViewScratch scratch;
  nj_metric_point view = ViewMetricPoint(point, series_id, &scratch);
  char reason[kReasonCapacity];
  for (PluginInstance* instance : detectors_) {
    if (!instance->Matches(point.metric_name)) continue;
    nj_detect_result result{};
    result.struct_size = sizeof(result);
    result.reason = nj_buffer{reason, sizeof(reason), 0};
    auto hook = instance->descriptor().detect;
    CallStatus status = instance->Call("detect", [&](void* handle, nj_buffer* error) {
      return hook(handle, &view, &result, error);
    });
    if (status != CallStatus::kOk) continue;
    Detection d;
    d.instance = instance->name();
    d.plugin = instance->library().name();
    d.score = CleanScore(result.score);
    d.anomalous = result.anomalous != 0;
    d.reason =
        CleanText(nj_str{reason, std::min(result.reason.size, sizeof(reason))}, kReasonCapacity);
    out->push_back(std::move(d));
  }
}

std::vector<Detection> PluginHost::Detect(const SeriesPoint& point) {
  std::vector<Detection> out;
  Detect(point, &out);
  return out;
}

Result<NotifyOutcome> PluginHost::Notify(std::string_view instance_name,
                                         const Notification& notification) {
  PluginInstance* instance = nullptr;
  for (PluginInstance* n : notifiers_) {
    if (n->name() == instance_name) instance = n;
  }
  if (instance == nullptr) {
    return NotFound("no running notifier instance named \"" + std::string(instance_name) + "\"");
  }
  NotificationView view(notification, instance->name());
  char message[kMessageCapacity];
  nj_notify_result result{};
  result.struct_size = sizeof(result);
  result.outcome = NJ_NOTIFY_FAILED;
  result.message = nj_buffer{message, sizeof(message), 0};
  std::string error;
  auto hook = instance->descriptor().notify;
  CallStatus status = instance->Call(
      "notify",
      [&](void* handle, nj_buffer* err) { return hook(handle, view.get(), &result, err); }, &error);

  NotifyOutcome outcome;
  if (status == CallStatus::kSkipped) {
    outcome.kind = NotifyOutcome::Kind::kRetryLater;
    outcome.retry_after = instance->SuspendedFor();
    outcome.message = "the notifier is suspended after failing repeatedly";
    return outcome;
  }
  if (status == CallStatus::kFailed) {
    outcome.kind = NotifyOutcome::Kind::kRetryLater;
    outcome.message = "the notifier plugin failed: " + error;
    return outcome;
  }
  outcome.message =
      CleanText(nj_str{message, std::min(result.message.size, sizeof(message))}, kMessageCapacity);
  switch (result.outcome) {
    case NJ_NOTIFY_DELIVERED:
      outcome.kind = NotifyOutcome::Kind::kDelivered;
      break;
    case NJ_NOTIFY_RETRY_LATER:
      outcome.kind = NotifyOutcome::Kind::kRetryLater;
      outcome.retry_after =
          std::chrono::nanoseconds(std::max<int64_t>(0, result.retry_after_nanos));
      break;
    case NJ_NOTIFY_FAILED:
      outcome.kind = NotifyOutcome::Kind::kFailed;
      break;
    default:
      outcome.kind = NotifyOutcome::Kind::kFailed;
      outcome.message = "the plugin returned an unknown outcome " + std::to_string(result.outcome);
      break;
  }
  return outcome;
}

std::vector<std::string> PluginHost::Notifiers() const {
  std::vector<std::string> out;
  for (const PluginInstance* n : notifiers_) out.push_back(n->name());
  return out;
}

std::vector<PluginStats> PluginHost::Stats() const {
  std::vector<PluginStats> out;
  auto find = [&](std::string_view name) -> PluginStats* {
    for (PluginStats& s : out) {
      if (s.name == name && s.state != "failed") return &s;
    }
    return nullptr;
  };
  for (const auto& library : libraries_) {
    PluginStats s;
    s.name = library->name();
    s.kind = std::string(library->kind_name());
    s.version = library->version();
    s.description = library->description();
    s.path = library->path();
    s.abi = std::to_string(library->abi_major()) + "." + std::to_string(library->abi_minor());
    s.thread_safe = library->thread_safe();
    s.state = "loaded";
    s.options = library->options();
    out.push_back(std::move(s));
  }
  for (const RefusedFile& file : refused_files_) {
    PluginStats s;
    s.name = std::filesystem::path(file.path).filename().string();
    s.path = file.path;
    s.state = "failed";
    s.error = file.error;
    out.push_back(std::move(s));
  }
  for (const auto& instance : instances_) {
    find(instance->library().name())->instances.push_back(instance->Stats());
  }
  for (const InactiveInstance& inactive : inactive_) {
    PluginStats* s = find(inactive.plugin);
    if (s == nullptr) {
      PluginStats missing;
      missing.name = inactive.plugin;
      missing.state = "missing";
      missing.error = "no loaded plugin has this name";
      out.push_back(std::move(missing));
      s = &out.back();
    }
    s->instances.push_back(inactive.stats);
  }
  return out;
}

}  // namespace nightjar::plugins
