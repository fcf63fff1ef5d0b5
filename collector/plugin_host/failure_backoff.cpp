// Suspension with doubling backoff; see failure_backoff.h.
#include "plugin_host/failure_backoff.h"

#include <algorithm>

namespace nightjar::plugins {

void FailureBackoff::OnSuccess() {
  consecutive_failures_ = 0;
  probation_ = false;
  next_ = policy_.initial;
  suspended_until_ = 0;
}

std::optional<Duration> FailureBackoff::OnFailure(int64_t now_nanos) {
  ++consecutive_failures_;
  if (policy_.after_failures == 0) return std::nullopt;
  if (!probation_ && consecutive_failures_ < policy_.after_failures) return std::nullopt;
  Duration length = next_;
  suspended_until_ = now_nanos + length.count();
  next_ = std::min(next_ * 2, std::max(policy_.max, policy_.initial));
  probation_ = true;
  return length;
}

}  // namespace nightjar::plugins
