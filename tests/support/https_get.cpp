// One-shot HTTPS GET; see https_get.h.
#include "https_get.h"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>

namespace nightjar::testing {

int HttpsGet(uint16_t port, const std::string& path, const TlsClientSettings& settings,
             std::string* error) {
  Result<Poco::Net::Context::Ptr> context = MakeClientContext(settings);
  if (!context.ok()) {
    *error = context.status().ToString();
    return 0;
  }
  try {
    Poco::Net::HTTPSClientSession session("127.0.0.1", port, *context);
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    session.receiveResponse(response);
    return static_cast<int>(response.getStatus());
  } catch (const Poco::Exception& e) {
    *error = e.displayText();
    return 0;
  }
}

}  // namespace nightjar::testing
