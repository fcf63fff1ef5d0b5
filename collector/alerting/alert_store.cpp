// Persistence of alerts; see alert_store.h.
#include "alerting/alert_store.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <filesystem>

#include "alerting/alert_schema.h"
#include "alerting/labels.h"
#include "alerting/notification_json.h"

namespace nightjar::collector::alerting {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::string Done(const rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string TimesJson(const std::vector<int64_t>& times) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartArray();
  for (int64_t t : times) w.Int64(t);
  w.EndArray();
  return Done(buffer);
}

std::vector<int64_t> ParseTimes(std::string_view json) {
  std::vector<int64_t> out;
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsArray()) return out;
  for (const auto& v : doc.GetArray()) {
    if (v.IsInt64()) out.push_back(v.GetInt64());
  }
  return out;
}

std::string NotifiedJson(const std::map<std::string, int64_t>& notified) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  for (const auto& [receiver, at] : notified) {
    w.Key(receiver.data(), static_cast<rapidjson::SizeType>(receiver.size()));
    w.Int64(at);
  }
  w.EndObject();
  return Done(buffer);
}

std::map<std::string, int64_t> ParseNotified(std::string_view json) {
  std::map<std::string, int64_t> out;
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return out;
  for (const auto& m : doc.GetObject()) {
    if (m.value.IsInt64()) out[m.name.GetString()] = m.value.GetInt64();
  }
  return out;
}

std::string StringsJson(const std::vector<std::string>& strings) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartArray();
  for (const std::string& s : strings)
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
  return Done(buffer);
}

std::vector<std::string> ParseStrings(std::string_view json) {
  std::vector<std::string> out;
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsArray()) return out;
  for (const auto& v : doc.GetArray()) {
    if (v.IsString()) out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

AlertState StateOr(std::string_view text, AlertState def) {
  return ParseAlertState(text).value_or(def);
}

constexpr const char* kNotificationColumns =
    "id, receiver, group_key, status, fingerprints, payload, state, attempts, created_at, "
    "next_attempt_at, updated_at, delivered_at, last_error";

Result<NotificationRecord> ReadNotification(const sqlite::Statement& st) {
  NotificationRecord n;
  n.id = std::string(st.Text(0));
  n.receiver = std::string(st.Text(1));
  n.group_key = std::string(st.Text(2));
  n.status = std::string(st.Text(3));
  n.fingerprints = ParseStrings(st.Text(4));
  NJ_ASSIGN_OR_RETURN(n.notification, ParseNotificationJson(st.Text(5)));
  if (!ParseNotificationState(st.Text(6), &n.state)) n.state = NotificationRecord::State::kFailed;
  n.attempts = static_cast<uint32_t>(st.Int64(7));
  n.created_at = st.Int64(8);
  n.next_attempt_at = st.Int64(9);
  n.updated_at = st.Int64(10);
  n.delivered_at = st.Int64(11);
  n.last_error = std::string(st.Text(12));
  return n;
}

}  // namespace

Result<std::unique_ptr<AlertStore>> AlertStore::Open(const std::string& path) {
  std::error_code ec;  // a failure shows as the open's error, which names the path
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  sqlite::OpenOptions options;
  options.cache_kib = 2048;  // small: a few thousand alerts at most
  NJ_ASSIGN_OR_RETURN(sqlite::Database db, sqlite::Database::Open(path, options));
  Status migrated = MigrateAlerts(&db);
  if (!migrated.ok()) return migrated;
  return std::unique_ptr<AlertStore>(new AlertStore(std::move(db), path));
}

Status AlertStore::Commit(const WriteSet& set) {
  if (set.empty()) return Status::Ok();
  std::lock_guard<std::mutex> lock(mutex_);
  NJ_ASSIGN_OR_RETURN(sqlite::Transaction txn, sqlite::Transaction::Begin(&db_));
  for (const Alert& a : set.alerts) NJ_RETURN_IF_ERROR(WriteAlert(a));
  if (!set.deleted_alerts.empty()) {
    NJ_ASSIGN_OR_RETURN(sqlite::Statement st,
                        db_.Prepare("DELETE FROM alerts WHERE fingerprint = ?"));
    for (const std::string& fp : set.deleted_alerts) {
      st.Bind(1, fp);
      NJ_RETURN_IF_ERROR(st.Run());
    }
  }
  for (const HistoryEntry& h : set.history) NJ_RETURN_IF_ERROR(WriteHistory(h));
  for (const Silence& s : set.silences) NJ_RETURN_IF_ERROR(WriteSilence(s));
  if (!set.deleted_silences.empty()) {
    NJ_ASSIGN_OR_RETURN(sqlite::Statement st, db_.Prepare("DELETE FROM silences WHERE id = ?"));
    for (const std::string& id : set.deleted_silences) {
      st.Bind(1, id);
      NJ_RETURN_IF_ERROR(st.Run());
    }
  }
  for (const NotificationRecord& n : set.notifications) NJ_RETURN_IF_ERROR(WriteNotification(n));
  if (!set.superseded.empty()) {
    NJ_ASSIGN_OR_RETURN(sqlite::Statement st,
                        db_.Prepare("UPDATE notifications SET state = 'superseded', "
                                    "updated_at = ? WHERE id = ? AND state = 'pending'"));
    for (const NotificationRecord& n : set.superseded) {
      st.Bind(1, n.updated_at).Bind(2, n.id);
      NJ_RETURN_IF_ERROR(st.Run());
    }
  }
  for (const NotificationGroup& g : set.groups) NJ_RETURN_IF_ERROR(WriteGroup(g));
  if (!set.deleted_groups.empty()) {
    NJ_ASSIGN_OR_RETURN(
        sqlite::Statement st,
        db_.Prepare("DELETE FROM notification_groups WHERE receiver = ? AND group_key = ?"));
    for (const NotificationGroup& g : set.deleted_groups) {
      st.Bind(1, g.receiver).Bind(2, g.group_key);
      NJ_RETURN_IF_ERROR(st.Run());
    }
  }
  return txn.Commit();
}

Status AlertStore::WriteGroup(const NotificationGroup& g) {
  NJ_ASSIGN_OR_RETURN(
      sqlite::Statement st,
      db_.Prepare("INSERT OR REPLACE INTO notification_groups(receiver, group_key, first_at, "
                  "notified_at, firing, resolved, state_hash) VALUES(?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, g.receiver)
      .Bind(2, g.group_key)
      .Bind(3, g.first_at)
      .Bind(4, g.notified_at)
      .Bind(5, StringsJson(g.firing))
      .Bind(6, StringsJson(g.resolved))
      .Bind(7, g.state_hash);
  return st.Run();
}

Result<std::vector<NotificationGroup>> AlertStore::LoadGroups() {
  std::lock_guard<std::mutex> lock(mutex_);
  NJ_ASSIGN_OR_RETURN(
      sqlite::Statement st,
      db_.Prepare("SELECT receiver, group_key, first_at, notified_at, firing, resolved, "
                  "state_hash FROM notification_groups ORDER BY receiver, group_key"));
  std::vector<NotificationGroup> out;
  while (true) {
    NJ_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    NotificationGroup g;
    g.receiver = std::string(st.Text(0));
    g.group_key = std::string(st.Text(1));
    g.first_at = st.Int64(2);
    g.notified_at = st.Int64(3);
    g.firing = ParseStrings(st.Text(4));
    g.resolved = ParseStrings(st.Text(5));
    g.state_hash = std::string(st.Text(6));
    out.push_back(std::move(g));
  }
  return out;
}

Status AlertStore::WriteAlert(const Alert& a) {
  NJ_ASSIGN_OR_RETURN(
      sqlite::Statement st,
      db_.Prepare("INSERT OR REPLACE INTO alerts(fingerprint, rule, labels, annotations, value, "
                  "state, raw_state, last_condition, active_since, last_active_at, fired_at, "
                  "resolved_at, state_changed_at, evaluated_at, flapping, flapping_since, "
                  "flap_changes, ack_by, ack_at, ack_comment, notified) "
                  "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, a.fingerprint)
      .Bind(2, a.rule)
      .Bind(3, LabelsJson(a.labels))
      .Bind(4, LabelsJson(a.annotations))
      .Bind(5, a.value)
      .Bind(6, AlertStateName(a.state))
      .Bind(7, AlertStateName(a.raw_state))
      .Bind(8, ConditionName(a.last_condition))
      .Bind(9, a.active_since)
      .Bind(10, a.last_active_at)
      .Bind(11, a.fired_at)
      .Bind(12, a.resolved_at)
      .Bind(13, a.state_changed_at)
      .Bind(14, a.evaluated_at)
      .Bind(15, a.flapping ? 1 : 0)
      .Bind(16, a.flapping_since)
      .Bind(17, TimesJson(a.flap_changes))
      .Bind(21, NotifiedJson(a.notified));
  if (a.ack) {
    st.Bind(18, a.ack->by).Bind(19, a.ack->at).Bind(20, a.ack->comment);
  } else {
    st.BindNull(18).BindNull(19).BindNull(20);
  }
  return st.Run();
}

Status AlertStore::WriteHistory(const HistoryEntry& h) {
  NJ_ASSIGN_OR_RETURN(
      sqlite::Statement st,
      db_.Prepare("INSERT INTO alert_history(fingerprint, rule, time_unix_nano, event, "
                  "from_state, to_state, value, actor, reason) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, h.fingerprint)
      .Bind(2, h.rule)
      .Bind(3, h.time)
      .Bind(4, h.event)
      .Bind(5, AlertStateName(h.from))
      .Bind(6, AlertStateName(h.to))
      .Bind(7, h.value)
      .Bind(8, h.actor)
      .Bind(9, h.reason);
  return st.Run();
}

Status AlertStore::WriteSilence(const Silence& s) {
  NJ_ASSIGN_OR_RETURN(
      sqlite::Statement st,
      db_.Prepare("INSERT OR REPLACE INTO silences(id, matchers, starts_at, ends_at, created_by, "
                  "comment, created_at, updated_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, s.id)
      .Bind(2, MatchersJson(s.matchers))
      .Bind(3, s.starts_at)
      .Bind(4, s.ends_at)
      .Bind(5, s.created_by)
      .Bind(6, s.comment)
      .Bind(7, s.created_at)
      .Bind(8, s.updated_at);
  return st.Run();
}

Status AlertStore::WriteNotification(const NotificationRecord& n) {
  // OR IGNORE: the id is the idempotency key; the same notification built twice is one row.
  NJ_ASSIGN_OR_RETURN(
      sqlite::Statement st,
      db_.Prepare(std::string("INSERT OR IGNORE INTO notifications(") + kNotificationColumns +
                  ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, n.id)
      .Bind(2, n.receiver)
      .Bind(3, n.group_key)
      .Bind(4, n.status)
      .Bind(5, StringsJson(n.fingerprints))
      .Bind(6, NotificationJson(n.notification))
      .Bind(7, NotificationStateName(n.state))
      .Bind(8, static_cast<int64_t>(n.attempts))
      .Bind(9, n.created_at)
      .Bind(10, n.next_attempt_at)
      .Bind(11, n.updated_at)
      .Bind(12, n.delivered_at)
      .Bind(13, n.last_error);
  return st.Run();
}

Result<std::vector<Alert>> AlertStore::LoadAlerts() {
  std::lock_guard<std::mutex> lock(mutex_);
  NJ_ASSIGN_OR_RETURN(
      sqlite::Statement st,
      db_.Prepare("SELECT fingerprint, rule, labels, annotations, value, state, raw_state, "
                  "last_condition, active_since, last_active_at, fired_at, resolved_at, "
                  "state_changed_at, evaluated_at, flapping, flapping_since, flap_changes, "
                  "ack_by, ack_at, ack_comment, notified FROM alerts ORDER BY fingerprint"));
  std::vector<Alert> out;
  while (true) {
    NJ_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Alert a;
    a.fingerprint = std::string(st.Text(0));
    a.rule = std::string(st.Text(1));
    NJ_ASSIGN_OR_RETURN(a.labels, ParseLabelsJson(st.Text(2), "labels"));
    NJ_ASSIGN_OR_RETURN(a.annotations, ParseLabelsJson(st.Text(3), "annotations"));
    a.value = st.Double(4);
    a.state = StateOr(st.Text(5), AlertState::kResolved);
    a.raw_state = StateOr(st.Text(6), a.state);
    a.last_condition = ParseCondition(st.Text(7)).value_or(AlertSample::Condition::kClear);
    a.active_since = st.Int64(8);
    a.last_active_at = st.Int64(9);
    a.fired_at = st.Int64(10);
    a.resolved_at = st.Int64(11);
    a.state_changed_at = st.Int64(12);
    a.evaluated_at = st.Int64(13);
    a.flapping = st.Int64(14) != 0;
    a.flapping_since = st.Int64(15);
    a.flap_changes = ParseTimes(st.Text(16));
    if (!st.IsNull(17)) {
      a.ack = Acknowledgement{std::string(st.Text(17)), st.Int64(18), std::string(st.Text(19))};
    }
    a.notified = ParseNotified(st.Text(20));
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::vector<Silence>> AlertStore::LoadSilences() {
  std::lock_guard<std::mutex> lock(mutex_);
  NJ_ASSIGN_OR_RETURN(sqlite::Statement st,
                      db_.Prepare("SELECT id, matchers, starts_at, ends_at, created_by, comment, "
                                  "created_at, updated_at FROM silences ORDER BY created_at"));
  std::vector<Silence> out;
  while (true) {
    NJ_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Silence s;
    s.id = std::string(st.Text(0));
    NJ_ASSIGN_OR_RETURN(s.matchers, ParseMatchersJson(st.Text(1)));
    s.starts_at = st.Int64(2);
    s.ends_at = st.Int64(3);
    s.created_by = std::string(st.Text(4));
    s.comment = std::string(st.Text(5));
    s.created_at = st.Int64(6);
    s.updated_at = st.Int64(7);
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<HistoryEntry>> AlertStore::History(const std::string& fingerprint, int limit) {
  std::lock_guard<std::mutex> lock(mutex_);
  NJ_ASSIGN_OR_RETURN(
      sqlite::Statement st,
      db_.Prepare("SELECT id, fingerprint, rule, time_unix_nano, event, from_state, to_state, "
                  "value, actor, reason FROM alert_history WHERE fingerprint = ? "
                  "ORDER BY id DESC LIMIT ?"));
  st.Bind(1, fingerprint).Bind(2, static_cast<int64_t>(limit));
  std::vector<HistoryEntry> out;
  while (true) {
    NJ_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    HistoryEntry h;
    h.id = st.Int64(0);
    h.fingerprint = std::string(st.Text(1));
    h.rule = std::string(st.Text(2));
    h.time = st.Int64(3);
    h.event = std::string(st.Text(4));
    h.from = StateOr(st.Text(5), AlertState::kInactive);
    h.to = StateOr(st.Text(6), AlertState::kInactive);
    h.value = st.Double(7);
    h.actor = std::string(st.Text(8));
    h.reason = std::string(st.Text(9));
    out.push_back(std::move(h));
  }
  return out;
}

Result<std::vector<NotificationRecord>> AlertStore::PendingNotifications() {
  std::lock_guard<std::mutex> lock(mutex_);
  NJ_ASSIGN_OR_RETURN(sqlite::Statement st,
                      db_.Prepare(std::string("SELECT ") + kNotificationColumns +
                                  " FROM notifications WHERE state = 'pending' "
                                  "ORDER BY created_at, id"));
  std::vector<NotificationRecord> out;
  while (true) {
    NJ_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    NJ_ASSIGN_OR_RETURN(NotificationRecord n, ReadNotification(st));
    out.push_back(std::move(n));
  }
  return out;
}

Result<std::vector<NotificationRecord>> AlertStore::RecentNotifications(int limit) {
  std::lock_guard<std::mutex> lock(mutex_);
  NJ_ASSIGN_OR_RETURN(sqlite::Statement st,
                      db_.Prepare(std::string("SELECT ") + kNotificationColumns +
                                  " FROM notifications ORDER BY created_at DESC, rowid DESC "
                                  "LIMIT ?"));
  st.Bind(1, static_cast<int64_t>(limit));
  std::vector<NotificationRecord> out;
  while (true) {
    NJ_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    NJ_ASSIGN_OR_RETURN(NotificationRecord n, ReadNotification(st));
    out.push_back(std::move(n));
  }
  return out;
}

Status AlertStore::UpdateNotification(const NotificationRecord& n) {
  std::lock_guard<std::mutex> lock(mutex_);
  NJ_ASSIGN_OR_RETURN(
      sqlite::Statement st,
      db_.Prepare("UPDATE notifications SET state = ?, attempts = ?, next_attempt_at = ?, "
                  "updated_at = ?, delivered_at = ?, last_error = ? WHERE id = ?"));
  st.Bind(1, NotificationStateName(n.state))
      .Bind(2, static_cast<int64_t>(n.attempts))
      .Bind(3, n.next_attempt_at)
      .Bind(4, n.updated_at)
      .Bind(5, n.delivered_at)
      .Bind(6, n.last_error)
      .Bind(7, n.id);
  return st.Run();
}

Status AlertStore::Purge(int64_t history_before, int64_t silences_before,
                         int64_t notifications_before) {
  std::lock_guard<std::mutex> lock(mutex_);
  NJ_ASSIGN_OR_RETURN(sqlite::Transaction txn, sqlite::Transaction::Begin(&db_));
  NJ_ASSIGN_OR_RETURN(sqlite::Statement history,
                      db_.Prepare("DELETE FROM alert_history WHERE time_unix_nano < ?"));
  history.Bind(1, history_before);
  NJ_RETURN_IF_ERROR(history.Run());
  NJ_ASSIGN_OR_RETURN(sqlite::Statement silences,
                      db_.Prepare("DELETE FROM silences WHERE ends_at < ?"));
  silences.Bind(1, silences_before);
  NJ_RETURN_IF_ERROR(silences.Run());
  NJ_ASSIGN_OR_RETURN(
      sqlite::Statement notifications,
      db_.Prepare("DELETE FROM notifications WHERE state != 'pending' AND created_at < ?"));
  notifications.Bind(1, notifications_before);
  NJ_RETURN_IF_ERROR(notifications.Run());
  return txn.Commit();
}

}  // namespace nightjar::collector::alerting
