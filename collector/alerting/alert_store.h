// Persistence of alerts, their history, silences and notification records in the alerts
// database (alert_schema.h), on one connection of its own.
//
// Changes of one evaluation go in one transaction (a WriteSet), so a crash never leaves an
// alert's state without its history or the notification its transition queued.
//
// Thread-safety: every method may be called from any thread; calls are serialized on the
// connection's mutex (the lifecycle and the dispatcher share it; each call is short).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "alerting/alert.h"
#include "alerting/notification_group.h"
#include "alerting/notification_record.h"
#include "alerting/silence.h"
#include "base/status.h"
#include "runtime/sqlite.h"

namespace nightjar::collector::alerting {

// What one step of the lifecycle changes, written together.
struct WriteSet {
  std::vector<Alert> alerts;                      // inserted or replaced
  std::vector<std::string> deleted_alerts;        // fingerprints
  std::vector<HistoryEntry> history;              // appended
  std::vector<Silence> silences;                  // inserted or replaced
  std::vector<std::string> deleted_silences;      // ids
  std::vector<NotificationRecord> notifications;  // inserted unless the id exists
  std::vector<NotificationRecord> superseded;     // marked superseded (id, updated_at)
  std::vector<NotificationGroup> groups;          // inserted or replaced
  std::vector<NotificationGroup> deleted_groups;  // by receiver and group key

  bool empty() const {
    return alerts.empty() && deleted_alerts.empty() && history.empty() && silences.empty() &&
           deleted_silences.empty() && notifications.empty() && superseded.empty() &&
           groups.empty() && deleted_groups.empty();
  }
};

class AlertStore {
 public:
  // Opens (creating and migrating) the database at `path`, in WAL mode.
  static Result<std::unique_ptr<AlertStore>> Open(const std::string& path);

  // Writes `set` in one transaction.
  Status Commit(const WriteSet& set);

  // Reads every stored alert and silence (at start).
  Result<std::vector<Alert>> LoadAlerts();
  Result<std::vector<Silence>> LoadSilences();
  Result<std::vector<NotificationGroup>> LoadGroups();

  // Returns an alert's history, newest first, at most `limit` entries.
  Result<std::vector<HistoryEntry>> History(const std::string& fingerprint, int limit);

  // Returns the notifications still to deliver, oldest first.
  Result<std::vector<NotificationRecord>> PendingNotifications();
  // Returns the most recent notifications, newest first.
  Result<std::vector<NotificationRecord>> RecentNotifications(int limit);
  // Records the outcome of an attempt.
  Status UpdateNotification(const NotificationRecord& record);

  // Deletes history older than `history_before`, silences that ended before `silences_before`
  // and finished notifications created before `notifications_before` (unix nanoseconds).
  Status Purge(int64_t history_before, int64_t silences_before, int64_t notifications_before);

  const std::string& path() const { return path_; }

 private:
  AlertStore(sqlite::Database db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}
  Status WriteAlert(const Alert& a);
  Status WriteHistory(const HistoryEntry& h);
  Status WriteSilence(const Silence& s);
  Status WriteNotification(const NotificationRecord& n);
  Status WriteGroup(const NotificationGroup& g);

  std::mutex mutex_;
  sqlite::Database db_;
  std::string path_;
};

}  // namespace nightjar::collector::alerting
