// A real Alertmanager for tests; see alertmanager_process.h.
#include "alertmanager_process.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <fstream>

namespace nightjar::plugins::testing {

constexpr const char* kAlertmanager = "/usr/bin/prometheus-alertmanager";

AlertmanagerProcess::AlertmanagerProcess(const std::string& dir, const std::string& config_yaml) {
  std::string config = dir + "/alertmanager.yml";
  std::ofstream(config) << config_yaml;
  problem_ = std::string(kAlertmanager) + " did not start";
  // Alertmanager cannot report a port it picked, so take one that is free now; if another
  // process wins the race for it, Alertmanager exits and the next attempt takes another.
  for (int attempt = 0; attempt < 3 && port_ == 0; ++attempt) {
    int port = UnusedLoopbackPort();
    std::string error;
    process_ =
        PeerProcess::Start({kAlertmanager, "--web.listen-address=127.0.0.1:" + std::to_string(port),
                            "--cluster.listen-address=", "--storage.path=" + dir + "/data",
                            "--config.file=" + config, "--log.level=warn"},
                           dir + "/alertmanager.log", &error);
    if (!process_) {
      problem_ = error + " (Debian package prometheus-alertmanager)";
      return;
    }
    bool ready =
        WaitUntil([&] { return !process_->Running() || HttpGet(port, "/-/ready").first == 200; },
                  std::chrono::seconds(30));
    if (ready && process_->Running()) {
      port_ = port;
      problem_.clear();
    } else {
      problem_ = "Alertmanager did not become ready on port " + std::to_string(port) + ": " +
                 process_->Log();
      process_.reset();
    }
  }
}

std::pair<int, std::string> HttpGet(int port, const std::string& path) {
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
    return {static_cast<int>(response.getStatus()), body};
  } catch (const Poco::Exception&) {
    return {0, ""};
  }
}

}  // namespace nightjar::plugins::testing
