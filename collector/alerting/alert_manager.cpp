// The alert lifecycle; see alert_manager.h.
#include "alerting/alert_manager.h"

#include <algorithm>

#include "alerting/inhibition.h"
#include "alerting/labels.h"
#include "alerting/lifecycle.h"
#include "alerting/notification_builder.h"
#include "alerting/router.h"
#include "base/logging.h"

namespace nightjar::collector::alerting {
namespace {

// Retention work (deleting old history, silences, notification records) runs this often.
constexpr int64_t kPurgeEvery = 3'600'000'000'000;  // 1h

bool Active(AlertState s) { return s == AlertState::kPending || s == AlertState::kFiring; }

// Returns the labels that identify an alert of `rule`: canonical, with alertname.
Labels IdentityLabels(const Labels& labels, const std::string& rule) {
  Labels out = labels;
  if (!LabelValue(out, "alertname")) out.emplace_back("alertname", rule);
  return Canonical(std::move(out));
}

int StateOrder(AlertState s) {
  switch (s) {
    case AlertState::kFiring:
      return 0;
    case AlertState::kPending:
      return 1;
    case AlertState::kResolved:
      return 2;
    case AlertState::kInactive:
      return 3;
  }
  return 3;
}

}  // namespace

Result<std::unique_ptr<AlertManager>> AlertManager::Open(AlertManagerOptions options) {
  auto store = AlertStore::Open(options.database_path);
  if (!store.ok()) return store.status().WithContext("opening the alerts database");
  NJ_ASSIGN_OR_RETURN(std::vector<Alert> alerts, (*store)->LoadAlerts());
  NJ_ASSIGN_OR_RETURN(std::vector<Silence> silences, (*store)->LoadSilences());
  NJ_ASSIGN_OR_RETURN(std::vector<NotificationGroup> groups, (*store)->LoadGroups());
  std::unique_ptr<AlertManager> manager(
      new AlertManager(std::move(options), std::move(store).value()));
  manager->Load(std::move(alerts), std::move(silences), std::move(groups));
  return manager;
}

AlertManager::AlertManager(AlertManagerOptions options, std::unique_ptr<AlertStore> store)
    : clock_(options.clock),
      tick_interval_(options.tick_interval),
      metrics_(options.registry),
      store_(std::move(store)),
      config_(std::move(options.config)) {
  dispatcher_ =
      std::make_unique<NotificationDispatcher>(store_.get(), std::move(options.plugin_host), clock_,
                                               &metrics_, config_.delivery, options.poll_interval);
}

AlertManager::~AlertManager() { Stop(); }

void AlertManager::Load(std::vector<Alert> alerts, std::vector<Silence> silences,
                        std::vector<NotificationGroup> groups) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (NotificationGroup& g : groups) {
    std::string id = GroupId(g.receiver, g.group_key);
    groups_.emplace(std::move(id), std::move(g));
  }
  for (Alert& a : alerts) {
    rule_alerts_[a.rule].insert(a.fingerprint);
    alerts_.emplace(a.fingerprint, std::move(a));
  }
  silences_ = std::move(silences);
  Recount(clock_->NowUnixNanos());
}

Status AlertManager::Start() {
  NJ_RETURN_IF_ERROR(dispatcher_->Start());
  if (tick_interval_.count() > 0) {
    std::lock_guard<std::mutex> lock(ticker_mutex_);
    ticker_stop_ = false;
    ticker_ = std::thread([this] { RunTicker(); });
  }
  return Status::Ok();
}

void AlertManager::Stop() {
  {
    std::lock_guard<std::mutex> lock(ticker_mutex_);
    ticker_stop_ = true;
  }
  ticker_wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  {
    // Write what only the next tick would have written.
    std::lock_guard<std::mutex> lock(mutex_);
    Changes ch;
    for (const std::string& fp : dirty_) {
      auto it = alerts_.find(fp);
      if (it != alerts_.end()) ch.set.alerts.push_back(it->second);
    }
    dirty_.clear();
    Commit(&ch);
  }
  if (dispatcher_) dispatcher_->Stop();
}

void AlertManager::RunTicker() {
  std::unique_lock<std::mutex> lock(ticker_mutex_);
  while (!ticker_stop_) {
    ticker_wake_.wait_for(lock, tick_interval_, [&] { return ticker_stop_; });
    if (ticker_stop_) break;
    lock.unlock();
    Tick();
    lock.lock();
  }
}

const RuleSpec& AlertManager::SpecFor(const std::string& rule) const {
  static const RuleSpec kUnknown;  // for 0, keep_firing_for 0
  auto it = rules_.find(rule);
  return it == rules_.end() ? kUnknown : it->second;
}

void AlertManager::SetRules(const std::vector<RuleSpec>& rules) {
  std::lock_guard<std::mutex> lock(mutex_);
  rules_.clear();
  for (const RuleSpec& r : rules) rules_[r.name] = r;
  ignored_rules_.clear();
  int64_t now = clock_->NowUnixNanos();
  Changes ch;
  std::vector<std::string> forget;
  for (auto& [fp, a] : alerts_) {
    if (rules_.count(a.rule) != 0 || !Active(a.state)) continue;
    std::vector<Transition> t = ForceResolve(&a, "rule " + a.rule + " was removed", now);
    if (!Settle(a, t, now, "", false, &ch)) forget.push_back(fp);
  }
  for (const std::string& fp : forget) Forget(fp, &ch);
  if (ch.recount) FlushGroups(now, &ch);
  Commit(&ch);
}

void AlertManager::Apply(const RuleEvaluation& evaluation) {
  if (!evaluation.error.empty()) {
    // A failing rule says nothing about its alerts: resolving them would page "resolved" for
    // every broken deploy of a rule file.
    metrics_.evaluation_errors.With({evaluation.rule}).Inc();
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (rules_.count(evaluation.rule) == 0) {
    // Without its spec there is no `for` to honour; an evaluation racing a reload that removed
    // its rule must not bring that rule's alerts back either.
    if (ignored_rules_.insert(evaluation.rule).second) {
      log::Warning("alerting", "ignoring evaluations of a rule that SetRules did not announce",
                   {{"rule", evaluation.rule}});
    }
    return;
  }
  int64_t now = evaluation.time_unix_nano > 0 ? evaluation.time_unix_nano : clock_->NowUnixNanos();
  const RuleSpec& spec = SpecFor(evaluation.rule);
  Changes ch;
  std::set<std::string> seen;
  std::vector<std::string> forget;
  for (const AlertSample& sample : evaluation.samples) {
    Labels labels = IdentityLabels(sample.labels, evaluation.rule);
    std::string fp = Fingerprint(labels);
    seen.insert(fp);
    auto it = alerts_.find(fp);
    bool created = false;
    if (it == alerts_.end()) {
      if (sample.condition != AlertSample::Condition::kActive) continue;  // nothing starts
      Alert a;
      a.fingerprint = fp;
      a.rule = evaluation.rule;
      a.labels = std::move(labels);
      it = alerts_.emplace(fp, std::move(a)).first;
      rule_alerts_[evaluation.rule].insert(fp);
      created = true;
    }
    Alert& a = it->second;
    // A clear result without annotations keeps the last ones: the resolved notification should
    // still say what the alert was about.
    if (sample.condition != AlertSample::Condition::kClear || !sample.annotations.empty()) {
      a.annotations = sample.annotations;
    }
    std::vector<Transition> t = ApplySample(&a, sample, spec, config_.flapping, now);
    if (!Settle(a, t, now, "", created, &ch)) forget.push_back(fp);
  }
  if (evaluation.complete) {
    auto rule_it = rule_alerts_.find(evaluation.rule);
    if (rule_it != rule_alerts_.end()) {
      for (const std::string& fp : rule_it->second) {
        if (seen.count(fp) != 0) continue;
        Alert& a = alerts_.at(fp);
        if (!Active(a.raw_state) && !a.flapping) continue;
        AlertSample clear;
        clear.value = a.value;
        clear.condition = AlertSample::Condition::kClear;
        std::vector<Transition> t = ApplySample(&a, clear, spec, config_.flapping, now);
        if (!Settle(a, t, now, "", false, &ch)) forget.push_back(fp);
      }
    }
  }
  for (const std::string& fp : forget) Forget(fp, &ch);
  // Only a change of some alert's state can change a group; the passing of time is Tick's.
  if (ch.recount) FlushGroups(now, &ch);
  Commit(&ch);
}

bool AlertManager::Settle(Alert& a, const std::vector<Transition>& transitions, int64_t now,
                          const std::string& actor, bool created, Changes* ch) {
  for (const Transition& t : transitions) {
    AddHistory(a, t.event, t.from, t.to, actor, t.reason, now, ch);
    if (t.event != "state") continue;
    metrics_.transitions
        .With({std::string(AlertStateName(t.from)), std::string(AlertStateName(t.to))})
        .Inc();
    ch->recount = true;
  }
  if (!transitions.empty()) ch->recount = true;  // flapping counts too
  if (!Active(a.state)) {
    // The episode is over: the next firing is announced afresh and needs a new ack.
    a.notified.clear();
    a.ack.reset();
  }
  if (a.state == AlertState::kInactive) return false;
  if (created || !transitions.empty()) {
    ch->set.alerts.push_back(a);
    dirty_.erase(a.fingerprint);
  } else {
    dirty_.insert(a.fingerprint);
  }
  return true;
}

void AlertManager::FlushGroups(int64_t now, Changes* ch) {
  std::map<std::string, std::vector<std::string>> inhibitions =
      Inhibitions(config_.inhibit_rules, alerts_);
  // The groups as the alerts make them now: the firing alerts neither silenced nor inhibited,
  // by receiver and group key (each list sorted by fingerprint, as alerts_ is).
  struct Current {
    RouteMatch route;
    Labels group_labels;
    std::vector<Alert*> firing;
  };
  std::map<std::string, Current> current;
  for (auto& [fp, a] : alerts_) {
    if (a.state != AlertState::kFiring || inhibitions.count(fp) != 0 || IsSilenced(a, now)) {
      continue;
    }
    for (RouteMatch& route : MatchRoutes(config_, a.labels)) {
      Labels group_labels = GroupLabels(route, a.labels);
      Current& c = current[GroupId(route.receiver, GroupKey(route, group_labels))];
      if (c.firing.empty()) {
        c.route = std::move(route);
        c.group_labels = std::move(group_labels);
      }
      c.firing.push_back(&a);
    }
  }
  std::set<std::string> ids;
  for (const auto& [id, c] : current) ids.insert(id);
  for (const auto& [id, g] : groups_) ids.insert(id);
  for (const std::string& id : ids) {
    auto cur = current.find(id);
    auto git = groups_.find(id);
    bool stored = git != groups_.end();
    if (!stored) {
      NotificationGroup g;
      g.receiver = cur->second.route.receiver;
      g.group_key = GroupKey(cur->second.route, cur->second.group_labels);
      g.first_at = now;  // group_wait starts
      git = groups_.emplace(id, std::move(g)).first;
    }
    NotificationGroup& g = git->second;
    std::vector<Alert*> firing;
    if (cur != current.end()) firing = cur->second.firing;
    std::vector<std::string> firing_eps;
    for (const Alert* a : firing) firing_eps.push_back(AlertEpisode(*a));
    std::sort(firing_eps.begin(), firing_eps.end());
    // Resolved since the last notification: episodes it carried firing whose alert stopped
    // firing. One still firing but now muted or routed elsewhere is left out without a word.
    // One that resolved under a silence is forgotten: its receivers hear nothing of it.
    std::vector<Alert*> resolved;
    std::vector<std::string> resolved_eps;
    bool dropped = false;
    for (auto ep = g.firing.begin(); ep != g.firing.end();) {
      if (std::binary_search(firing_eps.begin(), firing_eps.end(), *ep)) {
        ++ep;
        continue;
      }
      auto it = alerts_.find(EpisodeFingerprint(*ep));
      if (it != alerts_.end() && it->second.state != AlertState::kFiring &&
          IsSilenced(it->second, now)) {
        ep = g.firing.erase(ep);
        dropped = true;
        continue;
      }
      if (it != alerts_.end() && it->second.state != AlertState::kFiring) {
        resolved.push_back(&it->second);
        resolved_eps.push_back(*ep);
      }
      ++ep;
    }
    RouteMatch route;
    Labels group_labels;
    if (cur != current.end()) {
      route = cur->second.route;
      group_labels = cur->second.group_labels;
    } else if (!resolved.empty()) {
      route = RouteFor(config_, resolved.front()->labels, g.receiver);
      group_labels = GroupLabels(route, resolved.front()->labels);
    }
    if (!route.send_resolved) {
      resolved.clear();
      resolved_eps.clear();
    }
    if (firing.empty() && resolved.empty()) {
      // Nothing left that the receiver has to hear about: the group ends.
      if (stored) ch->set.deleted_groups.push_back(g);
      groups_.erase(git);
      continue;
    }
    // As Alertmanager's dedup: a change is an alert firing that the last notification did not
    // carry firing, or one resolved since; anything else is at most a repeat.
    bool changed =
        !std::includes(g.firing.begin(), g.firing.end(), firing_eps.begin(), firing_eps.end()) ||
        !resolved.empty();
    bool repeat = g.notified_at > 0 && !firing.empty() &&
                  now - g.notified_at >= route.repeat_interval.count() &&
                  std::any_of(firing.begin(), firing.end(), [](const Alert* a) { return !a->ack; });
    bool due = false;
    if (g.notified_at == 0) {
      due = changed && now - g.first_at >= route.group_wait.count();
    } else {
      due = (changed && now - g.notified_at >= route.group_interval.count()) || repeat;
    }
    // A muted route says nothing now; what it held back is a change (or a repeat) when the
    // mute ends, as with Alertmanager's time intervals.
    if (due && RouteMuted(config_, route, now)) due = false;
    if (!due) {
      if (!stored || dropped) ch->set.groups.push_back(g);
      continue;
    }
    std::vector<const Alert*> members(firing.begin(), firing.end());
    members.insert(members.end(), resolved.begin(), resolved.end());
    std::string state_hash = GroupStateHash(firing_eps, resolved_eps);
    plugins::Notification n = BuildNotification(members, route, group_labels, config_.external_url,
                                                now, state_hash, config_.max_alerts);
    n.group_key = g.group_key;
    NotificationRecord record = QueueRecord(std::move(n), route, now);
    ch->set.notifications.push_back(record);
    ch->queue.push_back(std::move(record));
    g.notified_at = now;
    g.firing = std::move(firing_eps);
    g.resolved = std::move(resolved_eps);
    g.state_hash = std::move(state_hash);
    for (Alert* a : firing) {
      a->notified[g.receiver] = now;
      ch->set.alerts.push_back(*a);
      dirty_.erase(a->fingerprint);
    }
    if (firing.empty()) {
      // Everything resolved and said.
      ch->set.deleted_groups.push_back(g);
      groups_.erase(git);
      continue;
    }
    ch->set.groups.push_back(g);
  }
}

std::vector<NotificationGroup> AlertManager::Groups() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<NotificationGroup> out;
  for (const auto& [id, g] : groups_) out.push_back(g);
  return out;
}

void AlertManager::AddHistory(const Alert& a, std::string event, AlertState from, AlertState to,
                              std::string actor, std::string reason, int64_t now, Changes* ch) {
  HistoryEntry h;
  h.fingerprint = a.fingerprint;
  h.rule = a.rule;
  h.time = now;
  h.event = std::move(event);
  h.from = from;
  h.to = to;
  h.value = a.value;
  h.actor = std::move(actor);
  h.reason = std::move(reason);
  ch->set.history.push_back(std::move(h));
}

void AlertManager::Forget(const std::string& fingerprint, Changes* ch) {
  auto it = alerts_.find(fingerprint);
  if (it == alerts_.end()) return;
  auto rule_it = rule_alerts_.find(it->second.rule);
  if (rule_it != rule_alerts_.end()) {
    rule_it->second.erase(fingerprint);
    if (rule_it->second.empty()) rule_alerts_.erase(rule_it);
  }
  alerts_.erase(it);
  dirty_.erase(fingerprint);
  std::erase_if(ch->set.alerts, [&](const Alert& a) { return a.fingerprint == fingerprint; });
  ch->set.deleted_alerts.push_back(fingerprint);
  ch->recount = true;
}

void AlertManager::Commit(Changes* ch) {
  Status st = store_->Commit(ch->set);
  if (!st.ok()) {
    // Memory stays authoritative: the alerts keep working and the next write of each alert
    // carries its whole state.
    metrics_.store_errors.Get().Inc();
    log::Error("alerting", "cannot write to the alerts database",
               {{"path", store_->path()}, {"error", st.ToString()}});
  }
  if (!ch->queue.empty()) dispatcher_->Enqueue(std::move(ch->queue));
  if (ch->recount) Recount(clock_->NowUnixNanos());
}

void AlertManager::Recount(int64_t now) {
  double pending = 0, firing = 0, resolved = 0, flapping = 0, silenced = 0;
  for (const auto& [fp, a] : alerts_) {
    pending += a.state == AlertState::kPending;
    firing += a.state == AlertState::kFiring;
    resolved += a.state == AlertState::kResolved;
    flapping += a.flapping;
    silenced += a.state == AlertState::kFiring && IsSilenced(a, now);
  }
  metrics_.alerts.With({"pending"}).Set(pending);
  metrics_.alerts.With({"firing"}).Set(firing);
  metrics_.alerts.With({"resolved"}).Set(resolved);
  metrics_.flapping.Get().Set(flapping);
  metrics_.silenced.Get().Set(silenced);
}

void AlertManager::Tick() {
  std::lock_guard<std::mutex> lock(mutex_);
  int64_t now = clock_->NowUnixNanos();
  Changes ch;
  std::vector<std::string> forget;
  for (auto& [fp, a] : alerts_) {
    if (a.state == AlertState::kResolved &&
        now - a.resolved_at >= config_.retention.resolved.count() && !Active(a.raw_state)) {
      forget.push_back(fp);
      continue;
    }
    // An alert whose rule is not loaded (yet: right after a restart, before the engine's
    // SetRules) keeps its timers untouched rather than running them with a default rule.
    if (rules_.count(a.rule) == 0) continue;
    std::vector<Transition> t = ApplyTime(&a, SpecFor(a.rule), config_.flapping, now);
    if (!Settle(a, t, now, "", false, &ch)) forget.push_back(fp);
  }
  for (const std::string& fp : forget) Forget(fp, &ch);
  FlushGroups(now, &ch);
  for (const std::string& fp : dirty_) ch.set.alerts.push_back(alerts_.at(fp));
  dirty_.clear();
  if (now - last_purge_ >= kPurgeEvery) {
    last_purge_ = now;
    std::erase_if(silences_, [&](const Silence& s) {
      return s.ends_at < now - config_.retention.silences.count();
    });
    Status st = store_->Purge(now - config_.retention.history.count(),
                              now - config_.retention.silences.count(),
                              now - config_.retention.notifications.count());
    if (!st.ok()) {
      metrics_.store_errors.Get().Inc();
      log::Error("alerting", "cannot purge old alert history", {{"error", st.ToString()}});
    }
  }
  ch.recount = true;  // silences may have started or ended
  Commit(&ch);
  dispatcher_->Wake();
}

void AlertManager::SetConfig(AlertingConfig config) {
  std::lock_guard<std::mutex> lock(mutex_);
  dispatcher_->SetDelivery(config.delivery);
  config_ = std::move(config);
}

bool AlertManager::IsSilenced(const Alert& a, int64_t now) const {
  return std::any_of(silences_.begin(), silences_.end(),
                     [&](const Silence& s) { return s.Silences(a.labels, now); });
}

AlertView AlertManager::View(
    const Alert& a, int64_t now,
    const std::map<std::string, std::vector<std::string>>& inhibitions) const {
  AlertView v;
  auto inhibited = inhibitions.find(a.fingerprint);
  if (inhibited != inhibitions.end()) v.inhibited_by = inhibited->second;
  v.alert = a;
  auto rule = rules_.find(a.rule);
  if (rule != rules_.end()) v.rule_file = rule->second.file;
  for (const Silence& s : silences_) {
    if (s.Silences(a.labels, now)) v.silenced_by.push_back(s.id);
  }
  return v;
}

std::vector<AlertView> AlertManager::Alerts(const AlertFilter& filter) const {
  std::lock_guard<std::mutex> lock(mutex_);
  int64_t now = clock_->NowUnixNanos();
  std::map<std::string, std::vector<std::string>> inhibitions =
      Inhibitions(config_.inhibit_rules, alerts_);
  std::vector<AlertView> out;
  for (const auto& [fp, a] : alerts_) {
    if (!filter.states.empty() &&
        std::find(filter.states.begin(), filter.states.end(), a.state) == filter.states.end()) {
      continue;
    }
    if (!filter.rule.empty() && a.rule != filter.rule) continue;
    if (!MatchesAll(filter.matchers, a.labels)) continue;
    if (filter.acknowledged && a.ack.has_value() != *filter.acknowledged) continue;
    AlertView v = View(a, now, inhibitions);
    if (filter.silenced && v.silenced_by.empty() == *filter.silenced) continue;
    out.push_back(std::move(v));
  }
  std::sort(out.begin(), out.end(), [](const AlertView& x, const AlertView& y) {
    if (x.alert.state != y.alert.state) {
      return StateOrder(x.alert.state) < StateOrder(y.alert.state);
    }
    if (x.alert.state_changed_at != y.alert.state_changed_at) {
      return x.alert.state_changed_at > y.alert.state_changed_at;
    }
    return x.alert.labels < y.alert.labels;
  });
  return out;
}

Result<AlertView> AlertManager::GetAlert(const std::string& fingerprint) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = alerts_.find(fingerprint);
  if (it == alerts_.end()) return NotFound("no alert with fingerprint " + fingerprint);
  return View(it->second, clock_->NowUnixNanos(), Inhibitions(config_.inhibit_rules, alerts_));
}

Result<std::vector<HistoryEntry>> AlertManager::History(const std::string& fingerprint,
                                                        int limit) const {
  return store_->History(fingerprint, limit);
}

Result<Alert*> AlertManager::Find(const std::string& fingerprint) {
  auto it = alerts_.find(fingerprint);
  if (it == alerts_.end()) return NotFound("no alert with fingerprint " + fingerprint);
  return &it->second;
}

Result<AlertView> AlertManager::Acknowledge(const std::string& fingerprint, const std::string& by,
                                            const std::string& comment) {
  std::lock_guard<std::mutex> lock(mutex_);
  NJ_ASSIGN_OR_RETURN(Alert * a, Find(fingerprint));
  if (!Active(a->state)) {
    return FailedPrecondition("alert " + fingerprint + " is " +
                              std::string(AlertStateName(a->state)) +
                              "; only pending or firing alerts can be acknowledged");
  }
  int64_t now = clock_->NowUnixNanos();
  a->ack = Acknowledgement{by, now, comment};
  Changes ch;
  AddHistory(*a, "acknowledged", a->state, a->state, by, comment, now, &ch);
  ch.set.alerts.push_back(*a);
  dirty_.erase(fingerprint);
  Commit(&ch);
  return View(*a, now, Inhibitions(config_.inhibit_rules, alerts_));
}

Result<AlertView> AlertManager::Unacknowledge(const std::string& fingerprint,
                                              const std::string& by) {
  std::lock_guard<std::mutex> lock(mutex_);
  NJ_ASSIGN_OR_RETURN(Alert * a, Find(fingerprint));
  int64_t now = clock_->NowUnixNanos();
  if (!a->ack) return View(*a, now, Inhibitions(config_.inhibit_rules, alerts_));
  a->ack.reset();
  Changes ch;
  AddHistory(*a, "unacknowledged", a->state, a->state, by, "", now, &ch);
  ch.set.alerts.push_back(*a);
  dirty_.erase(fingerprint);
  Commit(&ch);
  return View(*a, now, Inhibitions(config_.inhibit_rules, alerts_));
}

Result<AlertView> AlertManager::Resolve(const std::string& fingerprint, const std::string& by,
                                        const std::string& comment) {
  std::lock_guard<std::mutex> lock(mutex_);
  NJ_ASSIGN_OR_RETURN(Alert * a, Find(fingerprint));
  if (!Active(a->state)) {
    return FailedPrecondition("alert " + fingerprint + " is already " +
                              std::string(AlertStateName(a->state)));
  }
  int64_t now = clock_->NowUnixNanos();
  std::string reason = "resolved by " + (by.empty() ? std::string("an operator") : by);
  if (!comment.empty()) reason += ": " + comment;
  Changes ch;
  std::vector<Transition> t = ForceResolve(a, reason, now);
  Alert copy = *a;
  if (!Settle(*a, t, now, by, false, &ch)) {
    Forget(fingerprint, &ch);
    FlushGroups(now, &ch);
    Commit(&ch);
    return View(copy, now, Inhibitions(config_.inhibit_rules, alerts_));
  }
  FlushGroups(now, &ch);
  Commit(&ch);
  return View(*a, now, Inhibitions(config_.inhibit_rules, alerts_));
}

Result<Silence> AlertManager::PutSilence(Silence silence) {
  if (silence.matchers.empty()) return InvalidArgument("matchers: at least one is required");
  if (silence.ends_at <= silence.starts_at) {
    return InvalidArgument("ends_at: must be after starts_at");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  int64_t now = clock_->NowUnixNanos();
  auto existing = silences_.end();
  if (silence.id.empty()) {
    silence.id = NewSilenceId();
    silence.created_at = now;
  } else {
    existing = std::find_if(silences_.begin(), silences_.end(),
                            [&](const Silence& s) { return s.id == silence.id; });
    if (existing == silences_.end()) return NotFound("no silence with id " + silence.id);
    silence.created_at = existing->created_at;
  }
  silence.updated_at = now;
  if (existing == silences_.end()) {
    silences_.push_back(silence);
  } else {
    *existing = silence;
  }
  Changes ch;
  ch.set.silences.push_back(silence);
  ch.recount = true;
  Commit(&ch);
  return silence;
}

Result<Silence> AlertManager::ExpireSilence(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = std::find_if(silences_.begin(), silences_.end(),
                         [&](const Silence& s) { return s.id == id; });
  if (it == silences_.end()) return NotFound("no silence with id " + id);
  int64_t now = clock_->NowUnixNanos();
  if (it->StateAt(now) != Silence::State::kExpired) {
    it->ends_at = now;
    if (it->starts_at > now) it->starts_at = now;
    it->updated_at = now;
    Changes ch;
    ch.set.silences.push_back(*it);
    ch.recount = true;
    Commit(&ch);
  }
  return *it;
}

Status AlertManager::DeleteSilence(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = std::find_if(silences_.begin(), silences_.end(),
                         [&](const Silence& s) { return s.id == id; });
  if (it == silences_.end()) return NotFound("no silence with id " + id);
  silences_.erase(it);
  Changes ch;
  ch.set.deleted_silences.push_back(id);
  ch.recount = true;
  Commit(&ch);
  return Status::Ok();
}

std::vector<Silence> AlertManager::Silences() const {
  std::lock_guard<std::mutex> lock(mutex_);
  int64_t now = clock_->NowUnixNanos();
  std::vector<Silence> out = silences_;
  std::sort(out.begin(), out.end(), [&](const Silence& a, const Silence& b) {
    bool a_expired = a.StateAt(now) == Silence::State::kExpired;
    bool b_expired = b.StateAt(now) == Silence::State::kExpired;
    if (a_expired != b_expired) return b_expired;
    if (a.created_at != b.created_at) return a.created_at > b.created_at;
    return a.id < b.id;
  });
  return out;
}

Result<Silence> AlertManager::GetSilence(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const Silence& s : silences_) {
    if (s.id == id) return s;
  }
  return NotFound("no silence with id " + id);
}

Result<std::vector<NotificationRecord>> AlertManager::Notifications(int limit) const {
  return store_->RecentNotifications(limit);
}

bool AlertManager::WaitForDeliveries(std::chrono::milliseconds timeout) {
  dispatcher_->Wake();
  return dispatcher_->WaitIdle(timeout);
}

}  // namespace nightjar::collector::alerting
