// The Docker Engine API client; see docker_api.h.
#include "inputs/docker/docker_api.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace nightjar::agent::docker {
namespace {

int64_t Now() { return Clock::System().MonotonicNanos(); }

// An event is a few hundred bytes of JSON; a line this long is not one.
constexpr size_t kMaxEventBytes = 1 << 20;

}  // namespace

std::string UrlEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

void DockerApi::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  decoder_ = HttpResponseDecoder();
  eof_ = false;
}

Status DockerApi::Connect() {
  Close();
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path_.size() >= sizeof(addr.sun_path)) {
    return InvalidArgument("the Docker socket path is too long: " + socket_path_);
  }
  std::memcpy(addr.sun_path, socket_path_.c_str(), socket_path_.size() + 1);
  fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return IoError(std::string("socket: ") + std::strerror(errno));
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    Status st = Unavailable("cannot connect to the Docker daemon at " + socket_path_ + ": " +
                            std::strerror(errno));
    Close();
    return st;
  }
  return Status::Ok();
}

Status DockerApi::Send(const std::string& target) {
  std::string request =
      "GET " + target + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: nightjar-agent\r\n\r\n";
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return Unavailable(std::string("cannot send to the Docker daemon: ") + std::strerror(errno));
    sent += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status DockerApi::Fill(int64_t deadline_nanos, bool* timed_out) {
  *timed_out = false;
  if (eof_) return Unavailable("the Docker daemon closed the connection");
  int64_t left = deadline_nanos - Now();
  if (left <= 0) {
    *timed_out = true;
    return Status::Ok();
  }
  pollfd p{fd_, POLLIN, 0};
  int ms = static_cast<int>(std::max<int64_t>(1, left / 1'000'000));
  int r = ::poll(&p, 1, ms);
  if (r == 0 || (r < 0 && errno == EINTR)) {
    *timed_out = r == 0;
    return Status::Ok();
  }
  if (r < 0) return IoError(std::string("poll: ") + std::strerror(errno));
  char buf[64 * 1024];
  ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return Status::Ok();
  if (n < 0) {
    return Unavailable(std::string("reading from the Docker daemon: ") + std::strerror(errno));
  }
  if (n == 0) {
    eof_ = true;
    return decoder_.FeedEof();
  }
  return decoder_.Feed(std::string_view(buf, static_cast<size_t>(n)));
}

Status DockerApi::ReadHead(int64_t deadline_nanos) {
  while (!decoder_.head_done()) {
    if (eof_) return Unavailable("the Docker daemon closed the connection before answering");
    bool timed_out = false;
    NJ_RETURN_IF_ERROR(Fill(deadline_nanos, &timed_out));
    if (timed_out) return Unavailable("the Docker daemon did not answer in time");
  }
  return Status::Ok();
}

Result<std::string> DockerApi::Get(const std::string& target, Duration timeout) {
  int64_t deadline = Now() + timeout.count();
  NJ_RETURN_IF_ERROR(Connect());
  NJ_RETURN_IF_ERROR(Send(target));
  Status head = ReadHead(deadline);
  if (!head.ok()) {
    Close();
    return head;
  }
  while (!decoder_.ended()) {
    bool timed_out = false;
    NJ_RETURN_IF_ERROR(Fill(deadline, &timed_out));
    if (timed_out) {
      Close();
      return Unavailable("the Docker daemon did not answer " + target + " in time");
    }
  }
  int status = decoder_.status();
  std::string body = std::move(decoder_.body());
  Close();
  if (status == 404) return NotFound(target + ": not found");
  if (status != 200) {
    return Unavailable("the Docker daemon answered " + std::to_string(status) + " to " + target +
                       ": " + body.substr(0, 200));
  }
  return body;
}

Status DockerApi::OpenStream(const std::string& target, Duration timeout) {
  NJ_RETURN_IF_ERROR(Connect());
  NJ_RETURN_IF_ERROR(Send(target));
  Status st = ReadHead(Now() + timeout.count());
  int status = decoder_.status();
  if (!st.ok() || status != 200) {
    Close();
    return st.ok() ? Unavailable("the Docker daemon answered " + std::to_string(status) + " to " +
                                 target)
                   : st;
  }
  return Status::Ok();
}

Result<std::optional<std::string>> DockerApi::NextLine(Duration timeout) {
  if (fd_ < 0) return Unavailable("no events stream");
  int64_t deadline = Now() + timeout.count();
  for (;;) {
    std::string& body = decoder_.body();
    size_t nl = body.find('\n');
    if (nl != std::string::npos) {
      std::string line = body.substr(0, nl);
      body.erase(0, nl + 1);
      return std::optional<std::string>(std::move(line));
    }
    if (body.size() > kMaxEventBytes) {
      Close();
      return Unavailable("an event from the Docker daemon is longer than " +
                         std::to_string(kMaxEventBytes) + " bytes");
    }
    if (decoder_.ended()) return Unavailable("the Docker daemon ended the events stream");
    bool timed_out = false;
    NJ_RETURN_IF_ERROR(Fill(deadline, &timed_out));
    if (timed_out) return std::optional<std::string>();
  }
}

}  // namespace nightjar::agent::docker
