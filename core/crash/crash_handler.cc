#include "core/crash/crash_handler.h"

#include <cxxabi.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "core/crash/child_scan.h"
#include "core/crash/crash_line.h"
#include "core/crash/group_registry.h"
#include "core/crash/plugin_registry.h"

namespace phpeek::crash {
namespace {

constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS};
constexpr long kNapMs = 10;

std::atomic<int> g_grace_ms{static_cast<int>(kMaxStopGrace.count())};
std::atomic<bool> g_json{false};
std::atomic<long> g_utc_offset_s{0};
std::atomic<pid_t> g_daemon{0};  // a forked child that crashes before exec is not the daemon
std::atomic<pid_t> g_owner{0};   // the thread handling the crash

int64_t NowMs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void Nap() {
  timespec ts{0, kNapMs * 1000000};
  nanosleep(&ts, nullptr);
}

// Reaps every child that has ended; false once the daemon has no child at all.
bool ChildrenLeft() {
  for (;;) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG | __WALL);
    if (pid > 0) continue;
    if (pid == 0) return true;
    if (errno != EINTR) return errno != ECHILD;
  }
}

bool Remaining() {
  bool left = ChildrenLeft();
  ForEachGroup([&](pid_t pgid, int) { left = left || kill(-pgid, 0) == 0; });
  return left;
}

void TermUnregistered(pid_t pid, void*) {
  if (IsRegisteredGroup(pid)) return;
  kill(pid, SIGTERM);
  kill(pid, SIGCONT);
}

void KillChild(pid_t pid, void*) {
  kill(-pid, SIGKILL);  // its group, if it leads one (a pid in use is no other group's id)
  kill(pid, SIGKILL);
}

void KillEverything() {
  if (getpid() == 1) kill(-1, SIGKILL);  // PID 1 of a namespace: everything in it but itself
  ForEachGroup([](pid_t pgid, int) { kill(-pgid, SIGKILL); });
  ForEachChild(getpid(), &KillChild, nullptr);
}

void StopChildren(int grace_ms) {
  ForEachGroup([](pid_t pgid, int sig) {
    kill(-pgid, sig);
    kill(-pgid, SIGCONT);  // a stopped member would hold the signal pending
  });
  ForEachChild(getpid(), &TermUnregistered, nullptr);  // orphans re-parented to the daemon
  const int64_t kill_at = NowMs() + grace_ms;
  while (Remaining() && NowMs() < kill_at) Nap();
  // Repeated: a child in a session of its own is re-parented to the daemon only once its parent
  // is gone, and a spawn that was under way when the crash began ends up here too.
  const int64_t give_up = NowMs() + kKillWait.count();
  do {
    KillEverything();
    Nap();
  } while (Remaining() && NowMs() < give_up);
}

[[noreturn]] void Die(int sig) {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigaction(sig, &dfl, nullptr);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  raise(sig);
  // Still here: PID 1 of a PID namespace, where the kernel drops a default-action signal sent from
  // inside. Exit as a shell reports a death by signal.
  _exit(128 + sig);
}

[[noreturn]] void HandleCrash(CrashReport* r) {
  if (getpid() != g_daemon.load()) Die(r->signal);  // a child of ours between fork and exec
  const pid_t tid = gettid();
  pid_t expected = 0;
  if (!g_owner.compare_exchange_strong(expected, tid)) {
    if (expected == tid) {  // a fault while handling the crash: no time for the rest
      KillEverything();
      Die(r->signal);
    }
    for (;;) pause();  // the thread that handles the crash ends the process
  }
  MarkCrashing();
  r->thread = tid;
  prctl(PR_GET_NAME, r->thread_name, 0, 0, 0);
  ForEachGroup([&](pid_t, int) { ++r->groups; });
  r->kill_after_ms = g_grace_ms.load();
  char line[1024];
  const size_t len = RenderCrashLine(*r, g_json.load(), g_utc_offset_s.load(), line, sizeof line);
  for (size_t done = 0; done < len;) {
    const ssize_t n = write(STDOUT_FILENO, line + done, len - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n < 0 && errno != EINTR) {
      break;
    }
  }
  StopChildren(r->kill_after_ms);
  Die(r->signal);
}

// Which plugin, if any, the crash is put down to; `pc` and `sp` are 0 when unknown.
void Attribute(CrashReport* r, uintptr_t pc, uintptr_t sp) {
  int id = CurrentPluginCall();
  r->plugin_via = "call";
  if (id < 0 && pc != 0) {
    id = PluginAt(pc);
    r->plugin_via = "code";
  }
  if (id < 0 && sp != 0 && !IsHostThread()) {
    id = PluginOnStack(sp);
    r->plugin_via = "stack";
  }
  r->plugin = PluginName(id);
}

void ProgramCounter(void* context, uintptr_t* pc, uintptr_t* sp) {
  const auto* uc = static_cast<const ucontext_t*>(context);
#if defined(__x86_64__)
  *pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
  *sp = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RSP]);
#elif defined(__aarch64__)
  *pc = static_cast<uintptr_t>(uc->uc_mcontext.pc);
  *sp = static_cast<uintptr_t>(uc->uc_mcontext.sp);
#else
  (void)uc;
  *pc = 0;
  *sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
#endif
}

void OnFatalSignal(int sig, siginfo_t* info, void* context) {
  CrashReport r;
  r.signal = sig;
  const bool from_kernel = info != nullptr && info->si_code > 0;
  const pid_t sender = info != nullptr && !from_kernel ? info->si_pid : 0;
  if (from_kernel) {
    r.cause = "fault";
    r.has_address = sig != SIGABRT && sig != SIGSYS;
    r.fault_address = reinterpret_cast<uintptr_t>(info->si_addr);
  } else if (sender > 0 && sender != getpid()) {
    r.cause = "signal";  // where this thread happened to be says nothing about the cause
    r.sender = sender;
  } else {
    r.cause = sig == SIGABRT ? "abort" : "raise";
  }
  if (r.sender == 0) {
    uintptr_t pc = 0, sp = 0;
    if (context != nullptr) ProgramCounter(context, &pc, &sp);
    Attribute(&r, pc, sp);
  }
  HandleCrash(&r);
}

// Not a signal handler: std::terminate runs on the thread that failed, with the stack of the
// throw still in place (no handler was found, so nothing was unwound), so what() can be read.
[[noreturn]] void OnTerminate() {
  CrashReport r;
  r.signal = SIGABRT;
  r.cause = "std::terminate";
  char what[256] = "";
  if (abi::__cxa_current_exception_type() != nullptr) {
    try {
      throw;
    } catch (const std::exception& e) {
      std::strncpy(what, e.what(), sizeof what - 1);
    } catch (...) {
      std::strncpy(what, "an exception that is not a std::exception", sizeof what - 1);
    }
    r.exception = what;
  }
  Attribute(&r, 0, reinterpret_cast<uintptr_t>(__builtin_frame_address(0)));
  HandleCrash(&r);
}

// Registered with atexit: while another thread handles a crash, the daemon must not end under it
// (the main thread returning once the last child is gone, with a clean exit status).
void HoldExitWhileCrashing() {
  const pid_t owner = g_owner.load();
  if (owner == 0 || owner == gettid()) return;
  for (;;) pause();
}

struct AltStack {
  void* base = nullptr;
  size_t size = 0;
  ~AltStack() {
    if (base == nullptr) return;
    stack_t off{};
    off.ss_flags = SS_DISABLE;
    sigaltstack(&off, nullptr);
    munmap(base, size);
  }
};
thread_local AltStack t_alt_stack;

}  // namespace

void EnsureAltStack() {
  if (t_alt_stack.base != nullptr) return;
  stack_t current{};
  if (sigaltstack(nullptr, &current) == 0 && (current.ss_flags & SS_DISABLE) == 0) return;
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const long min = sysconf(_SC_MINSIGSTKSZ);
  size_t usable = 64 * 1024;
  if (min > 0 && static_cast<size_t>(min) * 4 > usable) usable = static_cast<size_t>(min) * 4;
  usable = (usable + page - 1) / page * page;
  void* base = mmap(nullptr, usable + page, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (base == MAP_FAILED) return;
  mprotect(base, page, PROT_NONE);  // an overflow of the handler itself faults, not corrupts
  stack_t ss{};
  ss.ss_sp = static_cast<char*>(base) + page;
  ss.ss_size = usable;
  if (sigaltstack(&ss, nullptr) != 0) {
    munmap(base, usable + page);
    return;
  }
  t_alt_stack.base = base;
  t_alt_stack.size = usable + page;
}

void InstallCrashHandler(const CrashOptions& options) {
  const auto grace = options.stop_grace < kMaxStopGrace ? options.stop_grace : kMaxStopGrace;
  g_grace_ms = static_cast<int>(grace.count() < 0 ? 0 : grace.count());
  g_json = options.json;
  const time_t now = time(nullptr);
  tm local{};
  localtime_r(&now, &local);
  g_utc_offset_s = local.tm_gmtoff;
  g_daemon = getpid();
  PrepareChildScan();
  MarkHostThread();
  EnsureAltStack();
  struct sigaction sa {};
  sa.sa_sigaction = &OnFatalSignal;
  // SA_NODEFER: a second fault inside the handler reaches it (and kills at once) instead of the
  // kernel ending the daemon with its children still running.
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  for (int sig : kFatalSignals) sigaction(sig, &sa, nullptr);
  std::set_terminate(&OnTerminate);
  static const bool exit_guard = std::atexit(&HoldExitWhileCrashing) == 0;
  (void)exit_guard;
}

}  // namespace phpeek::crash
