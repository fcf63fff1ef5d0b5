// webhook: a notifier plugin that POSTs each notification as JSON to a URL.
//
// The body is Prometheus Alertmanager's webhook payload (version "4": status, groupKey,
// groupLabels, commonLabels, commonAnnotations, externalURL, truncatedAlerts, alerts with
// status, labels, annotations, startsAt, endsAt, generatorURL, fingerprint), so receivers
// written for Alertmanager work unchanged. Headers: Content-Type: application/json, the
// configured `headers`, X-Nightjar-Notification-Id (equal across retries, for deduplication)
// and, with `hmac_secret`, `signature_header: sha256=<hex HMAC-SHA256 of the body>`.
//
// Outcomes are those of common::HttpEndpoint: 2xx delivered; 5xx, 408, 425 and 429 retry later
// (honouring Retry-After); other 4xx, redirects and TLS errors fail; timeouts and network
// errors retry later.
//
// Thread-safety: an instance holds only its configuration and opens a connection per
// notification, so it declares itself thread-safe.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <nightjar/plugin.hpp>

#include <string>
#include <utility>
#include <vector>

#include "alert_json.h"
#include "http_delivery.h"
#include "time_format.h"
#include "tls_client.h"

namespace {

namespace common = nightjar::plugins::common;
using nightjar::sdk::Context;
using nightjar::sdk::Notification;
using nightjar::sdk::NotifyResult;
using nightjar::sdk::Option;

std::string Payload(const Notification& n) {
  rapidjson::StringBuffer buffer;
  common::JsonWriter w(buffer);
  w.StartObject();
  common::WriteField(&w, "version", "4");
  common::WriteField(&w, "groupKey", n.group_key());
  w.Key("truncatedAlerts");
  w.Uint(n.truncated_alerts());
  common::WriteField(&w, "status", n.status_name());
  common::WriteField(&w, "receiver", n.receiver());
  common::WritePairs(&w, "groupLabels", n.group_labels());
  common::WritePairs(&w, "commonLabels", n.common_labels());
  common::WritePairs(&w, "commonAnnotations", n.common_annotations());
  common::WriteField(&w, "externalURL", n.external_url());
  w.Key("alerts");
  w.StartArray();
  for (size_t i = 0; i < n.alert_count(); ++i) {
    nightjar::sdk::Alert a = n.alert(i);
    w.StartObject();
    common::WriteField(&w, "status", a.status_name());
    common::WritePairs(&w, "labels", a.labels());
    common::WritePairs(&w, "annotations", a.annotations());
    common::WriteField(&w, "startsAt", common::Rfc3339(a.starts_at_unix_nano()));
    common::WriteField(&w, "endsAt", common::Rfc3339(a.ends_at_unix_nano()));
    common::WriteField(&w, "generatorURL", a.generator_url());
    common::WriteField(&w, "fingerprint", a.fingerprint());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string HmacSha256Hex(const std::string& key, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

class WebhookNotifier : public nightjar::sdk::Notifier {
 public:
  static constexpr nightjar::sdk::PluginInfo kInfo{
      "webhook", "1.1.0",
      "POSTs notifications as Alertmanager-style JSON to a URL, optionally HMAC-signed."};
  static constexpr bool kThreadSafe = true;
  static constexpr Option kOptions[] = {
      Option::String("url", nullptr, "The http:// or https:// URL to POST to.").Required(),
      Option::StringMap("headers", "Extra request headers, e.g. Authorization."),
      common::kHttpTimeoutOption,
      Option::String("hmac_secret", nullptr,
                     "When set, the body is signed with HMAC-SHA256 under this key.")
          .Secret(),
      Option::String("signature_header", "X-Nightjar-Signature",
                     "The header carrying \"sha256=<hex>\" when hmac_secret is set."),
      common::kCaFileOption,
      common::kInsecureSkipVerifyOption,
  };

  explicit WebhookNotifier(const Context& context)
      : host_(context.host()),
        endpoint_(common::HttpEndpoint::FromOptions(context.options())),
        headers_(context.options().StringMap("headers")),
        secret_(context.options().String("hmac_secret")),
        signature_header_(context.options().String("signature_header")) {
    if (context.options().Has("hmac_secret") && secret_.empty()) {
      throw nightjar::sdk::Error("hmac_secret must not be empty when set");
    }
  }

  NotifyResult Notify(const Notification& notification) override {
    std::string body = Payload(notification);
    common::Headers headers = headers_;
    headers.emplace_back("X-Nightjar-Notification-Id", std::string(notification.id()));
    if (!secret_.empty()) {
      headers.emplace_back(signature_header_, "sha256=" + HmacSha256Hex(secret_, body));
    }
    return endpoint_.Post(body, "application/json", headers, host_);
  }

 private:
  nightjar::sdk::Host host_;
  common::HttpEndpoint endpoint_;
  common::Headers headers_;
  std::string secret_;
  std::string signature_header_;
};

}  // namespace

NJ_PLUGIN(WebhookNotifier)
