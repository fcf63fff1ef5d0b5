// Synchronous signal handling; see signals.h.
#include "runtime/signals.h"

#include <signal.h>

#include <cerrno>
#include <ctime>

namespace nightjar {
namespace {

sigset_t TerminationSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void BlockTerminationSignals() {
  sigset_t set = TerminationSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

std::optional<int> WaitForSignal(Duration timeout) {
  sigset_t set = TerminationSet();
  int64_t ns = timeout.count() < 0 ? 0 : timeout.count();
  timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  while (true) {
    int sig = sigtimedwait(&set, nullptr, &ts);
    if (sig > 0) return sig;
    if (errno == EINTR) continue;  // interrupted by another signal; the remaining time is lost
    return std::nullopt;           // EAGAIN: timed out
  }
}

}  // namespace nightjar
