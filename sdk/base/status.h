// Status and Result<T>: how Nightjar code reports expected failures (bad input, I/O, a full
// queue) without exceptions. Exceptions are used only where a library throws, and are caught
// at the edge of the module that calls it.
//
// Thread-safety: plain values; safe to copy between threads.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace nightjar {

// What kind of failure a Status carries. Callers branch on the code, humans read the message.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // the input is malformed or violates a rule; retrying will not help
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,  // the system is not in a state where this can be done
  kResourceExhausted,   // a limit was hit (size, queue, memory); may succeed later
  kUnavailable,         // a peer or resource is temporarily unavailable; retry later
  kDeadlineExceeded,
  kPermissionDenied,
  kUnauthenticated,
  kCancelled,
  kUnimplemented,
  kIoError,
  kInternal,  // a bug or a broken invariant
};

// Returns the stable lower-case name of a code, e.g. "invalid_argument".
std::string_view StatusCodeName(StatusCode code);

// The outcome of an operation that returns no value: OK, or a code and a message.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns "code: message", or "ok".
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` ("context: message").
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}
inline Status NotFound(std::string message) {
  return Status(StatusCode::kNotFound, std::move(message));
}
inline Status ResourceExhausted(std::string message) {
  return Status(StatusCode::kResourceExhausted, std::move(message));
}
inline Status Unavailable(std::string message) {
  return Status(StatusCode::kUnavailable, std::move(message));
}
inline Status IoError(std::string message) {
  return Status(StatusCode::kIoError, std::move(message));
}
inline Status Internal(std::string message) {
  return Status(StatusCode::kInternal, std::move(message));
}
inline Status FailedPrecondition(std::string message) {
  return Status(StatusCode::kFailedPrecondition, std::move(message));
}

// A value of type T, or the Status saying why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(data_).ok() && "a Result cannot hold an OK status without a value");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }

  // Returns the failure, or OK when there is a value.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(data_); }

  T& value() & {
    assert(ok());
    return std::get<T>(data_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(data_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(data_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace nightjar

// Returns early from the enclosing function when `expr` yields a non-OK Status.
#define NJ_RETURN_IF_ERROR(expr) NJ_RETURN_IF_ERROR_IMPL_(NJ_CONCAT_(nj_status_, __COUNTER__), expr)
#define NJ_RETURN_IF_ERROR_IMPL_(tmp, expr) \
  do {                                      \
    ::nightjar::Status tmp = (expr);        \
    if (!tmp.ok()) return tmp;              \
  } while (0)

#define NJ_CONCAT_INNER_(a, b) a##b
#define NJ_CONCAT_(a, b) NJ_CONCAT_INNER_(a, b)

// Declares `lhs` from a Result-returning `expr`, or returns its Status on failure.
#define NJ_ASSIGN_OR_RETURN(lhs, expr) \
  NJ_ASSIGN_OR_RETURN_IMPL_(NJ_CONCAT_(nj_result_, __COUNTER__), lhs, expr)
#define NJ_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
