// Text helpers; see text.h.
#include "text.h"

#include <Poco/Base64Encoder.h>

#include <cctype>
#include <sstream>

namespace nightjar::plugins::common {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Base64(std::string_view data) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder.write(data.data(), static_cast<std::streamsize>(data.size()));
  encoder.close();
  return out.str();
}

}  // namespace nightjar::plugins::common
