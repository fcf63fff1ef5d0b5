// webhook: a notifier plugin that POSTs each notification as JSON to a URL.
//
// The body is Prometheus Alertmanager's webhook payload (version "4": status, groupKey,
// groupLabels, commonLabels, commonAnnotations, externalURL, truncatedAlerts, alerts with
// status, labels, annotations, startsAt, endsAt, generatorURL, fingerprint), so receivers
// written for Alertmanager work unchanged. Headers: Content-Type: application/json, the
// configured `headers`, X-Nightjar-Notification-Id (equal across retries, for deduplication)
// and, with `hmac_secret`, `signature_header: sha256=<hex HMAC-SHA256 of the body>`.
//
// Outcomes: 2xx delivered; 5xx, 408, 425 and 429 retry later (honouring Retry-After, seconds or
// an HTTP date); other 4xx failed for good (the request itself is wrong: retrying cannot help);
// 1xx and 3xx failed (redirects are not followed, so that a signed body never goes elsewhere);
// timeouts and network errors retry later; TLS errors fail (a certificate problem needs an
// operator).
//
// Thread-safety: an instance holds only its configuration and opens a connection per
// notification, so it declares itself thread-safe.
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/URI.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <nightjar/plugin.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <istream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

using nightjar::sdk::Context;
using nightjar::sdk::Notification;
using nightjar::sdk::NotifyResult;
using nightjar::sdk::Option;
using nightjar::sdk::StringPairs;

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr size_t kExcerptBytes = 200;

void JsonString(JsonWriter* w, std::string_view s) {
  w->String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void JsonPairs(JsonWriter* w, const char* key, const StringPairs& pairs) {
  w->Key(key);
  w->StartObject();
  for (size_t i = 0; i < pairs.size(); ++i) {
    std::string_view k = pairs.Key(i);
    w->Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    JsonString(w, pairs.ValueAt(i));
  }
  w->EndObject();
}

// Returns RFC 3339 UTC with nanoseconds trimmed to milliseconds; the zero time for 0, as
// Alertmanager writes an alert that has not ended.
std::string Rfc3339(int64_t unix_nanos) {
  if (unix_nanos <= 0) return "0001-01-01T00:00:00Z";
  time_t secs = static_cast<time_t>(unix_nanos / 1'000'000'000);
  int millis = static_cast<int>((unix_nanos % 1'000'000'000) / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

std::string Payload(const Notification& n) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("version");
  w.String("4");
  w.Key("groupKey");
  JsonString(&w, n.group_key());
  w.Key("truncatedAlerts");
  w.Uint(n.truncated_alerts());
  w.Key("status");
  JsonString(&w, n.status_name());
  w.Key("receiver");
  JsonString(&w, n.receiver());
  JsonPairs(&w, "groupLabels", n.group_labels());
  JsonPairs(&w, "commonLabels", n.common_labels());
  JsonPairs(&w, "commonAnnotations", n.common_annotations());
  w.Key("externalURL");
  JsonString(&w, n.external_url());
  w.Key("alerts");
  w.StartArray();
  for (size_t i = 0; i < n.alert_count(); ++i) {
    nightjar::sdk::Alert a = n.alert(i);
    w.StartObject();
    w.Key("status");
    JsonString(&w, a.status_name());
    JsonPairs(&w, "labels", a.labels());
    JsonPairs(&w, "annotations", a.annotations());
    w.Key("startsAt");
    JsonString(&w, Rfc3339(a.starts_at_unix_nano()));
    w.Key("endsAt");
    JsonString(&w, Rfc3339(a.ends_at_unix_nano()));
    w.Key("generatorURL");
    JsonString(&w, a.generator_url());
    w.Key("fingerprint");
    JsonString(&w, a.fingerprint());
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

std::string Excerpt(const std::string& body) {
  std::string out = body.substr(0, kExcerptBytes);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return body.size() > kExcerptBytes ? out + "..." : out;
}

class WebhookNotifier : public nightjar::sdk::Notifier {
 public:
  static constexpr nightjar::sdk::PluginInfo kInfo{
      "webhook", "1.0.0",
      "POSTs notifications as Alertmanager-style JSON to a URL, optionally HMAC-signed."};
  static constexpr bool kThreadSafe = true;
  static constexpr Option kOptions[] = {
      Option::String("url", nullptr, "The http:// or https:// URL to POST to.").Required(),
      Option::StringMap("headers", "Extra request headers, e.g. Authorization."),
      Option::Duration("timeout", "10s", "Connect, send and receive timeout.").Range(1e6, 600e9),
      Option::String("hmac_secret", nullptr,
                     "When set, the body is signed with HMAC-SHA256 under this key.")
          .Secret(),
      Option::String("signature_header", "X-Nightjar-Signature",
                     "The header carrying \"sha256=<hex>\" when hmac_secret is set."),
      Option::String("ca_file", nullptr,
                     "PEM file of CAs to trust for https (default: the system's)."),
  };

  explicit WebhookNotifier(const Context& context)
      : host_(context.host()),
        url_(context.options().String("url")),
        headers_(context.options().StringMap("headers")),
        timeout_(context.options().Duration("timeout")),
        secret_(context.options().String("hmac_secret")),
        signature_header_(context.options().String("signature_header")) {
    try {
      uri_ = Poco::URI(url_);
    } catch (const Poco::Exception& e) {
      throw nightjar::sdk::Error("url \"" + url_ + "\" is not a valid URL: " + e.displayText());
    }
    if (uri_.getScheme() != "http" && uri_.getScheme() != "https") {
      throw nightjar::sdk::Error("url \"" + url_ + "\" must start with http:// or https://");
    }
    if (uri_.getHost().empty()) throw nightjar::sdk::Error("url \"" + url_ + "\" has no host");
    if (context.options().Has("hmac_secret") && secret_.empty()) {
      throw nightjar::sdk::Error("hmac_secret must not be empty when set");
    }
    if (uri_.getScheme() == "https") {
      std::string ca_file = context.options().String("ca_file");
      tls_ = Poco::makeAuto<Poco::Net::Context>(Poco::Net::Context::TLS_CLIENT_USE, "", "", ca_file,
                                                Poco::Net::Context::VERIFY_RELAXED, 9,
                                                /*loadDefaultCAs=*/ca_file.empty());
      tls_->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    }
  }

  NotifyResult Notify(const Notification& notification) override {
    std::string body = Payload(notification);
    std::string path = uri_.getPathAndQuery();
    if (path.empty()) path = "/";
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    request.set("User-Agent", std::string(host_.host_version()));
    request.set("X-Nightjar-Notification-Id", std::string(notification.id()));
    for (const auto& [name, value] : headers_) request.set(name, value);
    if (!secret_.empty()) request.set(signature_header_, "sha256=" + HmacSha256Hex(secret_, body));

    std::string where = uri_.getScheme() + "://" + uri_.getAuthority();
    try {
      std::unique_ptr<Poco::Net::HTTPClientSession> session;
      if (tls_) {
        session =
            std::make_unique<Poco::Net::HTTPSClientSession>(uri_.getHost(), uri_.getPort(), tls_);
      } else {
        session = std::make_unique<Poco::Net::HTTPClientSession>(uri_.getHost(), uri_.getPort());
      }
      Poco::Timespan timeout(
          std::chrono::duration_cast<std::chrono::microseconds>(timeout_).count());
      session->setTimeout(timeout, timeout, timeout);
      session->sendRequest(request) << body;
      Poco::Net::HTTPResponse response;
      std::istream& in = session->receiveResponse(response);
      std::stringstream reply;
      reply << in.rdbuf();
      return Outcome(response, reply.str(), where);
    } catch (const Poco::TimeoutException&) {
      return NotifyResult::RetryLater(where + ": no answer within " + FormatTimeout());
    } catch (const Poco::Net::SSLException& e) {
      return NotifyResult::Failed(where + ": TLS error: " + e.displayText());
    } catch (const Poco::Exception& e) {
      return NotifyResult::RetryLater(where + ": " + e.displayText());
    }
  }

 private:
  NotifyResult Outcome(const Poco::Net::HTTPResponse& response, const std::string& reply,
                       const std::string& where) const {
    int status = static_cast<int>(response.getStatus());
    // The standard reason phrase, not the server's: some servers send none or a wrong one.
    std::string what = where + " answered " + std::to_string(status) + " " +
                       Poco::Net::HTTPResponse::getReasonForStatus(response.getStatus());
    if (!reply.empty()) what += ": " + Excerpt(reply);
    if (status >= 200 && status < 300) return NotifyResult::Delivered();
    if (status >= 500 || status == 408 || status == 425 || status == 429) {
      return NotifyResult::RetryLater(what, RetryAfter(response));
    }
    if (status >= 400) return NotifyResult::Failed(what);
    return NotifyResult::Failed(what + " (redirects are not followed)");
  }

  // Reads Retry-After as seconds or an HTTP date; 0 when absent or unreadable.
  std::chrono::nanoseconds RetryAfter(const Poco::Net::HTTPResponse& response) const {
    std::string value = response.get("Retry-After", "");
    if (value.empty()) return std::chrono::nanoseconds(0);
    char* end = nullptr;
    long long seconds = std::strtoll(value.c_str(), &end, 10);
    if (end != value.c_str() && *end == '\0' && seconds >= 0) {
      return std::chrono::seconds(seconds);
    }
    try {
      int tzd = 0;
      Poco::DateTime date =
          Poco::DateTimeParser::parse(Poco::DateTimeFormat::HTTP_FORMAT, value, tzd);
      int64_t at = date.timestamp().epochMicroseconds() * 1000;
      int64_t delay = at - host_.NowUnixNanos();
      return std::chrono::nanoseconds(delay > 0 ? delay : 0);
    } catch (const Poco::Exception&) {
      return std::chrono::nanoseconds(0);
    }
  }

  std::string FormatTimeout() const {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout_).count();
    return ms % 1000 == 0 ? std::to_string(ms / 1000) + "s" : std::to_string(ms) + "ms";
  }

  nightjar::sdk::Host host_;
  std::string url_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::chrono::nanoseconds timeout_;
  std::string secret_;
  std::string signature_header_;
  Poco::URI uri_;
  Poco::Net::Context::Ptr tls_;
};

}  // namespace

NJ_PLUGIN(WebhookNotifier)
