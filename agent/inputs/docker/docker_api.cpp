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

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

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
  raw_.clear();
  body_.clear();
  chunked_ = eof_ = body_done_ = in_chunk_ = false;
  chunk_left_ = 0;
  content_left_.reset();
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
  if (n < 0)
    return Unavailable(std::string("reading from the Docker daemon: ") + std::strerror(errno));
  if (n == 0) {
    eof_ = true;
    return Status::Ok();
  }
  raw_.append(buf, static_cast<size_t>(n));
  return Status::Ok();
}

Status DockerApi::ReadHead(int64_t deadline_nanos, int* status) {
  size_t end;
  while ((end = raw_.find("\r\n\r\n")) == std::string::npos) {
    if (eof_) return Unavailable("the Docker daemon closed the connection before answering");
    bool timed_out = false;
    NJ_RETURN_IF_ERROR(Fill(deadline_nanos, &timed_out));
    if (timed_out) return Unavailable("the Docker daemon did not answer in time");
  }
  std::string head = raw_.substr(0, end);
  raw_.erase(0, end + 4);
  // "HTTP/1.1 200 OK"
  size_t sp = head.find(' ');
  if (sp == std::string::npos) return Internal("malformed answer from the Docker daemon");
  *status = std::atoi(head.c_str() + sp + 1);
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos) {
    size_t next = head.find("\r\n", pos + 2);
    std::string line =
        head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = Lower(line.substr(0, colon));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      if (name == "transfer-encoding" && Lower(value).find("chunked") != std::string::npos) {
        chunked_ = true;
      } else if (name == "content-length") {
        content_left_ = std::strtoull(value.c_str(), nullptr, 10);
      }
    }
    pos = next;
  }
  return Status::Ok();
}

Status DockerApi::Decode(bool* ended) {
  *ended = false;
  if (!chunked_) {
    if (content_left_) {
      size_t take = static_cast<size_t>(std::min<uint64_t>(*content_left_, raw_.size()));
      body_.append(raw_, 0, take);
      raw_.erase(0, take);
      *content_left_ -= take;
      *ended = *content_left_ == 0;
    } else {
      body_ += raw_;
      raw_.clear();
      *ended = eof_;
    }
    return Status::Ok();
  }
  while (!raw_.empty()) {
    if (in_chunk_) {
      size_t take = static_cast<size_t>(std::min<uint64_t>(chunk_left_, raw_.size()));
      body_.append(raw_, 0, take);
      raw_.erase(0, take);
      chunk_left_ -= take;
      if (chunk_left_ > 0) return Status::Ok();
      in_chunk_ = false;
      continue;
    }
    // Between chunks: optional CRLF after data, then "<hex size>[;ext]\r\n".
    if (raw_.compare(0, 2, "\r\n") == 0) {
      raw_.erase(0, 2);
      continue;
    }
    size_t eol = raw_.find("\r\n");
    if (eol == std::string::npos) return Status::Ok();
    uint64_t size = std::strtoull(raw_.c_str(), nullptr, 16);
    raw_.erase(0, eol + 2);
    if (size == 0) {
      body_done_ = true;
      *ended = true;
      return Status::Ok();
    }
    in_chunk_ = true;
    chunk_left_ = size;
  }
  *ended = body_done_ || eof_;
  return Status::Ok();
}

Result<std::string> DockerApi::Get(const std::string& target, Duration timeout) {
  int64_t deadline = Now() + timeout.count();
  NJ_RETURN_IF_ERROR(Connect());
  NJ_RETURN_IF_ERROR(Send(target));
  int status = 0;
  NJ_RETURN_IF_ERROR(ReadHead(deadline, &status));
  for (;;) {
    bool ended = false;
    NJ_RETURN_IF_ERROR(Decode(&ended));
    if (ended) break;
    bool timed_out = false;
    NJ_RETURN_IF_ERROR(Fill(deadline, &timed_out));
    if (timed_out) {
      Close();
      return Unavailable("the Docker daemon did not answer " + target + " in time");
    }
  }
  std::string body = std::move(body_);
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
  int status = 0;
  Status st = ReadHead(Now() + timeout.count(), &status);
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
    bool ended = false;
    NJ_RETURN_IF_ERROR(Decode(&ended));
    size_t nl = body_.find('\n');
    if (nl != std::string::npos) {
      std::string line = body_.substr(0, nl);
      body_.erase(0, nl + 1);
      return std::optional<std::string>(std::move(line));
    }
    if (ended) return Unavailable("the Docker daemon ended the events stream");
    bool timed_out = false;
    NJ_RETURN_IF_ERROR(Fill(deadline, &timed_out));
    if (timed_out) return std::optional<std::string>();
  }
}

}  // namespace nightjar::agent::docker
