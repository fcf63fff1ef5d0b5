// alertmanager: a notifier plugin that pushes a notification's alerts to Prometheus
// Alertmanager (POST <url>/api/v2/alerts), for teams that already route, silence and deduplicate
// everything there. Alertmanager groups and notifies on its own, so the notification's grouping
// is not sent: only the alerts (alert_payload.h).
//
// High availability: like Prometheus, the plugin pushes to every configured Alertmanager (they
// do not share alerts with each other) and counts the notification delivered when at least one
// accepted it; the others are logged. When none did: retry later if any failure was
// temporary, else failed. Per URL the outcome is that of common::HttpEndpoint (a 400 means
// Alertmanager refused the alerts themselves: failed, with its explanation).
//
// Thread-safety: an instance holds only its configuration and opens a connection per push, so
// it declares itself thread-safe.
#include <nightjar/plugin.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "alert_payload.h"
#include "http_delivery.h"
#include "text.h"
#include "tls_client.h"

namespace {

namespace common = nightjar::plugins::common;
using nightjar::sdk::Context;
using nightjar::sdk::Notification;
using nightjar::sdk::NotifyResult;
using nightjar::sdk::Option;

// Returns `base` with Alertmanager's API path appended, keeping a path prefix (an Alertmanager
// behind a reverse proxy at /alertmanager).
std::string AlertsUrl(std::string base) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/api/v2/alerts";
}

class AlertmanagerNotifier : public nightjar::sdk::Notifier {
 public:
  static constexpr nightjar::sdk::PluginInfo kInfo{
      "alertmanager", "1.0.0", "Pushes alerts to Prometheus Alertmanager's /api/v2/alerts."};
  static constexpr bool kThreadSafe = true;
  static constexpr Option kOptions[] = {
      Option::StringList("url",
                         "Base URL of each Alertmanager, e.g. http://alertmanager:9093; several "
                         "for an HA cluster (every one gets every alert).")
          .Required(),
      Option::StringMap("headers", "Extra request headers, e.g. Authorization."),
      Option::String("username", nullptr, "User for HTTP basic authentication."),
      Option::String("password", nullptr, "Password for HTTP basic authentication.").Secret(),
      common::kHttpTimeoutOption,
      Option::String("external_url", nullptr,
                     "generatorURL of alerts that have none (default: the collector's URL)."),
      common::kCaFileOption,
      common::kInsecureSkipVerifyOption,
  };

  explicit AlertmanagerNotifier(const Context& context)
      : host_(context.host()),
        headers_(context.options().StringMap("headers")),
        external_url_(context.options().String("external_url")) {
    const auto& options = context.options();
    std::vector<std::string> urls = options.StringList("url");
    if (urls.empty()) throw nightjar::sdk::Error("url: at least one Alertmanager URL is needed");
    common::TlsSettings tls = common::TlsSettings::FromOptions(options);
    for (const std::string& url : urls) {
      endpoints_.emplace_back("url", AlertsUrl(url), tls, options.Duration("timeout"));
    }
    if (options.Has("password") && !options.Has("username")) {
      throw nightjar::sdk::Error("password is set but username is not");
    }
    if (options.Has("username")) {
      headers_.emplace_back(
          "Authorization",
          "Basic " + common::Base64(options.String("username") + ":" + options.String("password")));
    }
  }

  NotifyResult Notify(const Notification& notification) override {
    std::string external_url =
        external_url_.empty() ? std::string(notification.external_url()) : external_url_;
    std::string body = nightjar::plugins::alertmanager::AlertsPayload(notification, external_url,
                                                                      host_.NowUnixNanos());
    bool delivered = false;
    bool temporary = false;
    std::chrono::nanoseconds retry_after{0};
    std::string failures;
    for (const common::HttpEndpoint& endpoint : endpoints_) {
      NotifyResult r = endpoint.Post(body, "application/json", headers_, host_);
      if (r.outcome == NJ_NOTIFY_DELIVERED) {
        delivered = true;
        continue;
      }
      if (r.outcome == NJ_NOTIFY_RETRY_LATER) {
        temporary = true;
        retry_after = std::max(retry_after, r.retry_after);
      }
      failures += (failures.empty() ? "" : "; ") + r.message;
    }
    if (delivered) {
      if (!failures.empty())
        host_.log().Warning("not every Alertmanager got the alerts: " + failures);
      return NotifyResult::Delivered();
    }
    if (temporary) return NotifyResult::RetryLater(failures, retry_after);
    return NotifyResult::Failed(failures);
  }

 private:
  nightjar::sdk::Host host_;
  std::vector<common::HttpEndpoint> endpoints_;
  common::Headers headers_;
  std::string external_url_;
};

}  // namespace

NJ_PLUGIN(AlertmanagerNotifier)
