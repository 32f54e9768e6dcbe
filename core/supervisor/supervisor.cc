// Placeholder engine so the daemon links; replaced step by step by the real loop.
#include "core/supervisor/supervisor.h"

#include <signal.h>

namespace phpeek {

const char* ToString(ControlResult result) {
  switch (result) {
    case ControlResult::kAccepted: return "accepted";
    case ControlResult::kInvalidArgument: return "invalid argument";
    case ControlResult::kNotFound: return "not found";
    case ControlResult::kStopping: return "stopping";
  }
  return "unknown";
}

class Supervisor::Impl {
 public:
  explicit Impl(const config::Config& c) : config(c) {}
  const config::Config& config;
};

Supervisor::Supervisor(const config::Config& config) : impl_(std::make_unique<Impl>(config)) {}
Supervisor::~Supervisor() = default;

void Supervisor::BlockSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, SIGWINCH}) {
    sigaddset(&set, s);
  }
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int Supervisor::Run() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGTERM, SIGINT, SIGQUIT}) sigaddset(&set, s);
  int sig = 0;
  sigwait(&set, &sig);
  return 0;
}

void Supervisor::RequestShutdown() { raise(SIGTERM); }

ControlResult Supervisor::Submit(ControlOp, std::string_view, int) {
  return ControlResult::kNotFound;
}
std::vector<ProcessStatus> Supervisor::Snapshot() const { return {}; }
std::optional<ProcessStatus> Supervisor::SnapshotOf(std::string_view) const {
  return std::nullopt;
}
void Supervisor::AddListener(EventListener*) {}

}  // namespace phpeek
