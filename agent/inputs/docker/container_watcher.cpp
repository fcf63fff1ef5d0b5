// Following the Docker daemon's containers; see container_watcher.h.
#include "inputs/docker/container_watcher.h"

#include <rapidjson/document.h>

#include "agent_metrics.h"
#include "base/logging.h"

namespace nightjar::agent::docker {
namespace {

constexpr char kComponent[] = "docker";
constexpr char kEventsTarget[] =
    "{\"type\":[\"container\"],\"event\":[\"start\",\"die\",\"destroy\",\"rename\"]}";

std::string Str(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

const rapidjson::Value* Member(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(key);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

// Reads the answer of GET /containers/<id>/json.
Result<ContainerInfo> ParseInspect(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return Internal("unreadable container description from the Docker daemon");
  }
  ContainerInfo info;
  info.id = Str(doc, "Id");
  info.name = Str(doc, "Name");
  if (!info.name.empty() && info.name[0] == '/') info.name.erase(0, 1);
  if (const rapidjson::Value* config = Member(doc, "Config")) {
    info.image = Str(*config, "Image");
    const rapidjson::Value* labels = Member(*config, "Labels");
    if (labels != nullptr && labels->IsObject()) {
      for (auto& m : labels->GetObject()) {
        if (m.value.IsString()) info.labels.emplace_back(m.name.GetString(), m.value.GetString());
      }
    }
  }
  if (const rapidjson::Value* host = Member(doc, "HostConfig")) {
    if (const rapidjson::Value* log = Member(*host, "LogConfig"))
      info.log_driver = Str(*log, "Type");
  }
  if (info.id.empty()) return Internal("container description without an Id");
  return info;
}

bool SameInfo(const ContainerInfo& a, const ContainerInfo& b) {
  return a.id == b.id && a.name == b.name && a.image == b.image && a.log_driver == b.log_driver &&
         a.labels == b.labels;
}

}  // namespace

ContainerWatcher::ContainerWatcher(DockerOptions options, StringPairs base)
    : options_(std::move(options)), base_(std::move(base)) {}

ContainerWatcher::~ContainerWatcher() { Stop(); }

std::string ContainerWatcher::LogPath(const std::string& id) const {
  return options_.data_root + "/containers/" + id + "/" + id + "-json.log";
}

void ContainerWatcher::Start(AgentMetrics* metrics, const std::string& input,
                             std::function<void()> changed) {
  input_ = input;
  changed_ = std::move(changed);
  if (metrics != nullptr) {
    metrics::Registry& r = metrics->registry();
    unsupported_ =
        &r.Counter("nightjar_agent_docker_containers_unsupported_total",
                   "Containers not read because their log driver is not json-file.", {"input"})
             .With({input});
    reconnects_ =
        &r.Counter("nightjar_agent_docker_reconnects_total",
                   "Times the connection to the Docker daemon was lost and made again.", {"input"})
             .With({input});
    containers_ = &r.Gauge("nightjar_agent_docker_containers",
                           "Containers whose logs the Docker input reads.", {"input"})
                       .With({input});
  }
  DockerApi api(options_.socket);
  Status st = List(api);
  if (st.ok()) {
    ready_.store(true);
  } else {
    log::Warning(kComponent, "cannot list containers; retrying in the background",
                 {{"input", input_}, {"error", st.ToString()}});
  }
  thread_ = std::thread([this] { Run(); });
}

void ContainerWatcher::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool ContainerWatcher::Sleep(Duration d) {
  std::unique_lock lock(mu_);
  stop_cv_.wait_for(lock, d, [this] { return stopping_; });
  return !stopping_;
}

std::vector<SourcedFile> ContainerWatcher::Files() const {
  std::lock_guard lock(mu_);
  std::vector<SourcedFile> out;
  for (const auto& [id, k] : known_) {
    if (k.readable) out.push_back(SourcedFile{LogPath(id), k.resource});
  }
  return out;
}

void ContainerWatcher::Notify() {
  if (changed_) changed_();
}

void ContainerWatcher::Add(ContainerInfo info) {
  bool readable = Selected(options_.selection, info);
  if (readable && info.log_driver != "json-file") {
    readable = false;
    bool first = false;
    {
      std::lock_guard lock(mu_);
      first = warned_.insert(info.id).second;
    }
    if (first) {
      if (unsupported_ != nullptr) unsupported_->Inc();
      log::Warning(kComponent,
                   "container logs with a driver other than json-file; its logs are not read",
                   {{"input", input_},
                    {"container", info.name},
                    {"id", info.id.substr(0, 12)},
                    {"log_driver", info.log_driver}});
    }
  }
  std::lock_guard lock(mu_);
  Known& k = known_[info.id];
  if (k.resource == nullptr || !SameInfo(k.info, info)) {
    k.resource = std::make_shared<const Attributes>(
        ContainerResource(base_, options_.label_attributes, info));
  }
  k.info = std::move(info);
  k.readable = readable;
}

Status ContainerWatcher::Inspect(DockerApi& api, const std::string& id) {
  Result<std::string> body = api.Get("/containers/" + id + "/json", options_.request_timeout);
  if (!body.ok()) return body.status();
  NJ_ASSIGN_OR_RETURN(ContainerInfo info, ParseInspect(*body));
  Add(std::move(info));
  return Status::Ok();
}

Status ContainerWatcher::List(DockerApi& api) {
  NJ_ASSIGN_OR_RETURN(std::string body,
                      api.Get("/containers/json?all=1", options_.request_timeout));
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsArray()) {
    return Internal("unreadable container list from the Docker daemon");
  }
  std::set<std::string> ids;
  for (auto& c : doc.GetArray()) {
    std::string id = Str(c, "Id");
    if (id.empty()) continue;
    Status st = Inspect(api, id);
    if (st.code() == StatusCode::kNotFound) continue;  // removed since the listing
    NJ_RETURN_IF_ERROR(st);
    ids.insert(id);
  }
  {
    std::lock_guard lock(mu_);
    for (auto it = known_.begin(); it != known_.end();) {
      it = ids.count(it->first) == 0 ? known_.erase(it) : std::next(it);
    }
    if (containers_ != nullptr) {
      size_t readable = 0;
      for (const auto& [id, k] : known_) readable += k.readable ? 1 : 0;
      containers_->Set(static_cast<double>(readable));
    }
  }
  Notify();
  return Status::Ok();
}

void ContainerWatcher::HandleEvent(DockerApi& api, const std::string& line) {
  rapidjson::Document doc;
  doc.Parse(line.data(), line.size());
  if (doc.HasParseError() || !doc.IsObject()) return;
  std::string action = Str(doc, "Action");
  if (action.empty()) action = Str(doc, "status");
  std::string id;
  if (const rapidjson::Value* actor = Member(doc, "Actor")) id = Str(*actor, "ID");
  if (id.empty()) id = Str(doc, "id");
  if (id.empty()) return;
  log::Debug(kComponent, "container event",
             {{"input", input_}, {"action", action}, {"id", id.substr(0, 12)}});
  if (action == "destroy") {
    std::lock_guard lock(mu_);
    known_.erase(id);
  } else if (action == "start" || action == "rename" || action == "die") {
    Status st = Inspect(api, id);
    if (!st.ok() && st.code() != StatusCode::kNotFound) {
      log::Warning(kComponent, "cannot inspect a container",
                   {{"input", input_}, {"id", id.substr(0, 12)}, {"error", st.ToString()}});
    }
  }
  {
    std::lock_guard lock(mu_);
    if (containers_ != nullptr) {
      size_t readable = 0;
      for (const auto& [cid, k] : known_) readable += k.readable ? 1 : 0;
      containers_->Set(static_cast<double>(readable));
    }
  }
  Notify();
}

void ContainerWatcher::Run() {
  DockerApi events(options_.socket);
  DockerApi api(options_.socket);
  Duration backoff = options_.min_backoff;
  bool failing = false;
  const std::string target = "/events?filters=" + UrlEncode(kEventsTarget);
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    // Subscribe first, then list: a container started in between is in one or the other.
    Status st = events.OpenStream(target, options_.request_timeout);
    if (st.ok()) st = List(api);
    if (!st.ok()) {
      events.Close();
      if (!failing) {
        log::Warning(kComponent, "lost the Docker daemon; reconnecting with backoff",
                     {{"input", input_}, {"error", st.ToString()}});
      }
      failing = true;
      if (!Sleep(backoff)) return;
      backoff = std::min<Duration>(backoff * 2, options_.max_backoff);
      continue;
    }
    if (failing || !ready_.load()) {
      log::Info(kComponent, "connected to the Docker daemon",
                {{"input", input_}, {"socket", options_.socket}});
      if (failing && reconnects_ != nullptr) reconnects_->Inc();
    }
    failing = false;
    ready_.store(true);
    Notify();
    backoff = options_.min_backoff;
    for (;;) {
      {
        std::lock_guard lock(mu_);
        if (stopping_) return;
      }
      Result<std::optional<std::string>> line = events.NextLine(std::chrono::milliseconds(250));
      if (!line.ok()) {
        log::Warning(kComponent, "the Docker events stream ended; reconnecting",
                     {{"input", input_}, {"error", line.status().ToString()}});
        failing = true;
        events.Close();
        break;
      }
      if (*line && !(*line)->empty()) HandleEvent(api, **line);
    }
  }
}

}  // namespace nightjar::agent::docker
