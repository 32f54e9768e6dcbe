// The real daemon with its stdout on a pipe that the test reads only when it chooses to: what a
// stalled `docker logs` driver or a full journald looks like from inside. stderr goes to a file.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

#include "tests/support/test_support.h"

namespace phpeek::testing {

class PipedDaemon {
 public:
  // Starts `phpeek-pm serve -c <file with yaml>`.
  explicit PipedDaemon(const std::string& yaml);
  // SIGTERM, then SIGKILL by pid after a deadline, reading the pipe meanwhile.
  ~PipedDaemon();
  PipedDaemon(const PipedDaemon&) = delete;
  PipedDaemon& operator=(const PipedDaemon&) = delete;

  pid_t pid() const { return pid_; }
  // The pipe holds as much as it can: the daemon's writes to stdout would block. (Checked with
  // poll() on a copy of the write end: the byte count alone cannot tell, as a pipe fills by pages.)
  bool PipeFull() const;
  // Reads what the pipe holds now and appends it to output().
  void ReadAvailable();
  // Reads until output() contains `text` (or the deadline passes).
  bool ReadUntil(const std::string& text, std::chrono::milliseconds deadline);
  const std::string& output() const { return output_; }
  std::string Stderr() const { return ReadFile(dir_.Join("stderr")); }

  void Signal(int sig) const;
  // Waits for the exit; with `drain`, reads the pipe meanwhile. Exit code (128+N for signal N).
  std::optional<int> WaitExit(std::chrono::milliseconds deadline, bool drain);
  // The pid of instance `id` among the daemon's children (by PHPEEK_PM_INSTANCE_ID), or 0.
  pid_t PidOf(const std::string& id) const;

 private:
  TempDir dir_;
  int read_fd_ = -1;
  int write_probe_fd_ = -1;  // never written to
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string output_;
};

}  // namespace phpeek::testing
