// slack: a notifier plugin that posts each notification to a Slack incoming webhook as a
// Block Kit message (slack_message.h): a title, the group's summary, a dashboard button and one
// attachment per alert, coloured by severity and green once resolved.
//
// The webhook URL carries Slack's token, so it is a secret option and messages name only
// its scheme, host and port. `channel` overrides the webhook's channel where Slack still
// honours it (legacy webhooks; app webhooks post to their own channel). Outcomes are those of
// common::HttpEndpoint: 2xx delivered; 5xx, timeouts and 429 retry later (honouring
// Retry-After); other 4xx (Slack's invalid_payload, channel_not_found, ...) fail for good.
//
// Thread-safety: an instance holds only its configuration and opens a connection per
// notification, so it declares itself thread-safe.
#include <nightjar/plugin.hpp>

#include <string>

#include "alert_template.h"
#include "http_delivery.h"
#include "slack_message.h"
#include "tls_client.h"

namespace {

namespace common = nightjar::plugins::common;
using nightjar::sdk::Context;
using nightjar::sdk::Notification;
using nightjar::sdk::NotifyResult;
using nightjar::sdk::Option;

class SlackNotifier : public nightjar::sdk::Notifier {
 public:
  static constexpr nightjar::sdk::PluginInfo kInfo{
      "slack", "1.0.0", "Posts notifications to a Slack incoming webhook as Block Kit messages."};
  static constexpr bool kThreadSafe = true;
  static constexpr Option kOptions[] = {
      Option::String("url", nullptr,
                     "The incoming webhook URL (https://hooks.slack.com/services/...).")
          .Required()
          .Secret(),
      Option::String("channel", nullptr, "Channel to post to instead of the webhook's own."),
      Option::String("username", nullptr, "Name to post as instead of the webhook's own."),
      Option::String("icon_emoji", nullptr, "Emoji to post with, e.g. :rotating_light:."),
      Option::String("title", "{{ .Title }}", "Template of the message title."),
      Option::String("dashboard_url", nullptr,
                     "Target of the message's button (default: the collector's URL)."),
      Option::String("severity_label", "severity", "Label whose value picks an alert's colour."),
      Option::Int("max_alerts", "20", "Alerts shown per message; the rest are counted.")
          .Range(1, 45),
      common::kHttpTimeoutOption,
      common::kCaFileOption,
      common::kInsecureSkipVerifyOption,
  };

  explicit SlackNotifier(const Context& context)
      : host_(context.host()),
        endpoint_(common::HttpEndpoint::FromOptions(context.options(), /*secret_url=*/true)),
        title_(common::AlertTemplate::Compile("title", context.options().String("title"))),
        dashboard_url_(context.options().String("dashboard_url")) {
    const auto& options = context.options();
    message_.channel = options.String("channel");
    message_.username = options.String("username");
    message_.icon_emoji = options.String("icon_emoji");
    message_.severity_label = options.String("severity_label");
    message_.max_alerts = static_cast<size_t>(options.Int("max_alerts"));
  }

  NotifyResult Notify(const Notification& notification) override {
    nightjar::plugins::slack::MessageOptions message = message_;
    message.dashboard_url =
        dashboard_url_.empty() ? std::string(notification.external_url()) : dashboard_url_;
    message.title = title_.Render(notification, message.dashboard_url);
    std::string body = nightjar::plugins::slack::Message(notification, message);
    return endpoint_.Post(body, "application/json", {}, host_);
  }

 private:
  nightjar::sdk::Host host_;
  common::HttpEndpoint endpoint_;
  common::AlertTemplate title_;
  std::string dashboard_url_;
  nightjar::plugins::slack::MessageOptions message_;
};

}  // namespace

NJ_PLUGIN(SlackNotifier)
