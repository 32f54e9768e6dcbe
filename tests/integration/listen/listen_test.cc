// `listen:` on the real binary with a php-fpm stand-in that does what php-fpm does with
// $FPM_SOCKETS: it takes the named descriptor as its listening socket instead of binding one.
// While a restart runs, a connection made after the old run has exited and before the new one
// accepts is queued on the socket the daemon holds and answered by the new run (without the
// held socket it would be refused: the old run's exit closed the port). A stop closes the
// socket, a start opens it again, and a port that is taken fails the start with the reason.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "tests/integration/rest_api/api_daemon.h"
#include "tests/support/test_support.h"

namespace phpeek::testing {
namespace {

using rest::itest::ApiDaemon;
using rest::itest::RunningPids;

// php-fpm's part of the protocol: the first `addr=fd` of $FPM_SOCKETS is its socket. It logs
// "<pid> <FPM_SOCKETS>" to $STANDINS/calls, accepts only once $STANDINS/gate exists (a slow
// start-up the test controls) and answers each connection with its pid. On SIGQUIT it stops
// accepting, logs "<pid> quit", and exits once $STANDINS/release exists: php-fpm finishing its
// requests, while new connections wait in the socket's queue.
class FpmStandIn {
 public:
  FpmStandIn() {
    const std::string path = dir_.Write(
        "php-fpm",
        "#!/bin/sh\n"
        "exec /usr/bin/perl -e '\n"
        "  my ($key, $fd) = ($ENV{FPM_SOCKETS} // \"\") =~ /^([^,]+)=(\\d+)$/\n"
        "    or die \"no socket in FPM_SOCKETS\\n\";\n"
        "  sub note { open(my $l, \">>\", \"$ENV{STANDINS}/calls\") or die; print $l \"$$ @_\\n\" "
        "}\n"
        "  note($ENV{FPM_SOCKETS});\n"
        "  open(my $s, \"+<&=\", $fd) or die \"fd $fd: $!\\n\";\n"
        "  my $quit = 0;\n"
        "  $SIG{QUIT} = sub { $quit = 1 };\n"
        "  select(undef, undef, undef, 0.02) until $quit || -e \"$ENV{STANDINS}/gate\";\n"
        "  while (!$quit) {\n"
        "    vec(my $r = \"\", fileno($s), 1) = 1;\n"
        "    next unless select($r, undef, undef, 0.02) > 0;\n"
        "    accept(my $c, $s) or next; syswrite($c, \"$$\\n\"); close $c;\n"
        "  }\n"
        "  note(\"quit\");\n"
        "  select(undef, undef, undef, 0.02) until -e \"$ENV{STANDINS}/release\";'\n");
    chmod(path.c_str(), 0755);
    Open();
    Release();
  }
  void Open() const { dir_.Write("gate", ""); }
  void Close() const { std::remove(dir_.Join("gate").c_str()); }
  void Release() const { dir_.Write("release", ""); }
  void Hold() const { std::remove(dir_.Join("release").c_str()); }
  std::string Calls() const { return ReadFile(dir_.Join("calls")); }
  bool Logged(int pid, const std::string& what) const {
    return Calls().find(std::to_string(pid) + " " + what) != std::string::npos;
  }
  std::map<std::string, std::string> Env() const {
    return {{"PATH", dir_.path() + ":/usr/bin:/bin"}, {"STANDINS", dir_.path()}};
  }

 private:
  TempDir dir_;
};

std::string Processes(int port, const std::string& extra = "") {
  return "  php-fpm:\n    command: [\"php-fpm\"]\n    listen: [\"127.0.0.1:" +
         std::to_string(port) + "\"]\n    shutdown: {signal: SIGQUIT, timeout: 5s}\n" + extra;
}

// A connection to 127.0.0.1:port, or -1 when refused.
int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// What the stand-in answered on `fd` (its pid), within 10 s; closes fd.
std::string Answer(int fd) {
  std::string out;
  char buf[64];
  pollfd p{fd, POLLIN, 0};
  while (poll(&p, 1, 10000) > 0) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

std::string AnswerOf(int port) {
  const int fd = Connect(port);
  return fd < 0 ? "refused" : Answer(fd);
}

int OnlyRunningPid(const ApiDaemon& d) {
  const auto pids = RunningPids(d.Process("php-fpm"));
  return pids.size() == 1 ? pids[0] : 0;
}

TEST(Listen, ConnectionsDuringARestartWaitForTheNextRun) {
  FpmStandIn fpm;
  const int port = FreePort();
  ApiDaemon d("", Processes(port), fpm.Env());
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  int first = 0;
  ASSERT_TRUE(WaitUntil([&] { return (first = OnlyRunningPid(d)) > 0; })) << d.daemon().Log();
  EXPECT_EQ(AnswerOf(port), std::to_string(first) + "\n");
  // The socket is the run's descriptor 3, named as php-fpm names it; nothing else is inherited.
  EXPECT_NE(fpm.Calls().find(std::to_string(first) + " 127.0.0.1:" + std::to_string(port) + "=3"),
            std::string::npos)
      << fpm.Calls();
  EXPECT_EQ(FdsSettlingTo(first, {0, 1, 2, 3}), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_TRUE(d.daemon().LogContains("holding listening sockets process=php-fpm listen=127.0.0.1:" +
                                     std::to_string(port)));

  // The old run finishes slowly and the next one starts slowly: what arrives meanwhile waits.
  fpm.Hold();
  fpm.Close();
  ASSERT_EQ(d.Call("POST", "/api/v1/processes/php-fpm/restart").status, 202);
  ASSERT_TRUE(WaitUntil([&] { return fpm.Logged(first, "quit"); })) << fpm.Calls();
  const int during_stop = Connect(port);  // queued: the old run no longer accepts
  ASSERT_GE(during_stop, 0) << "refused while the old run finished";
  fpm.Release();
  int second = 0;
  ASSERT_TRUE(WaitUntil([&] {
    second = OnlyRunningPid(d);
    return second > 0 && second != first && !ProcessExists(first) && fpm.Logged(second, "127.");
  })) << d.daemon().Log();
  const int between = Connect(port);  // the old run is gone, the new one does not accept yet
  ASSERT_GE(between, 0) << "refused between runs";
  fpm.Open();
  EXPECT_EQ(Answer(during_stop), std::to_string(second) + "\n");
  EXPECT_EQ(Answer(between), std::to_string(second) + "\n");
  EXPECT_FALSE(d.daemon().LogContains("listening sockets closed"));
}

// The sockets are the instances' only: an exec check (started from the instance's request) gets
// none, also for an instance added by a scale-up after the first run was spawned.
TEST(Listen, ExecChecksGetNoSocket) {
  FpmStandIn fpm;
  const int port = FreePort();
  ApiDaemon d(
      "",
      Processes(port,
                "    max_scale: 2\n"
                "    health_check:\n"
                "      type: exec\n"
                "      command: [\"sh\", \"-c\", \"! test -e /proc/$$$$/fd/3\"]\n"  // $$: a $
                "      initial_delay: 0s\n"
                "      period: 200ms\n"
                "      mode: readiness\n"),
      fpm.Env());
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  ASSERT_TRUE(d.daemon().WaitForLog("process healthy process=php-fpm instance=php-fpm-0"))
      << d.daemon().Log();
  ASSERT_EQ(d.Call("POST", "/api/v1/processes/php-fpm/scale", "{\"scale\":2}").status, 202);
  ASSERT_TRUE(d.daemon().WaitForLog("process healthy process=php-fpm instance=php-fpm-1"))
      << d.daemon().Log();
  EXPECT_FALSE(d.daemon().LogContains("unhealthy")) << d.daemon().Log();
  // Both instances share the one socket.
  EXPECT_EQ(RunningPids(d.Process("php-fpm")).size(), 2u);
}

TEST(Listen, StopClosesTheSocketAndStartOpensItAgain) {
  FpmStandIn fpm;
  const int port = FreePort();
  ApiDaemon d("", Processes(port), fpm.Env());
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  ASSERT_TRUE(WaitUntil([&] { return OnlyRunningPid(d) > 0; })) << d.daemon().Log();
  ASSERT_EQ(d.Call("POST", "/api/v1/processes/php-fpm/stop").status, 202);
  ASSERT_TRUE(d.daemon().WaitForLog("listening sockets closed process=php-fpm"));
  EXPECT_EQ(AnswerOf(port), "refused");  // at once, not a wait for a run that is not coming
  ASSERT_EQ(d.Call("POST", "/api/v1/processes/php-fpm/start").status, 202);
  int pid = 0;
  ASSERT_TRUE(WaitUntil([&] { return (pid = OnlyRunningPid(d)) > 0; })) << d.daemon().Log();
  EXPECT_EQ(AnswerOf(port), std::to_string(pid) + "\n");
}

TEST(Listen, ATakenPortFailsTheStartWithTheAddressAndWhy) {
  FpmStandIn fpm;
  const int taken = FreePort();
  // Someone else listens there.
  const int other = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(taken));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(other, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(other, 4), 0);
  ApiDaemon d("",
              Processes(taken, "    restart: never\n") +
                  "  idle:\n    command: [\"sleep\", \"600\"]\n",  // keeps the daemon up
              fpm.Env());
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  const std::string why = "listen 127.0.0.1:" + std::to_string(taken) + ": Address already in use";
  ASSERT_TRUE(d.daemon().WaitForLog("cannot start process process=php-fpm")) << d.daemon().Log();
  EXPECT_TRUE(d.daemon().LogContains(why)) << d.daemon().Log();
  std::string reason;
  ASSERT_TRUE(WaitUntil([&] {
    const auto p = d.Process("php-fpm");
    if (!p) return false;
    const auto inst = p->getArray("instances")->getObject(0);
    reason = inst->optValue<std::string>("reason", "");
    return !reason.empty();
  }));
  EXPECT_EQ(reason, "cannot start: " + why);
  EXPECT_EQ(fpm.Calls(), "");  // never ran
  close(other);
}

}  // namespace
}  // namespace phpeek::testing
