// The self-pipe the TUI's event loop polls besides the terminal: the stream threads
// (sse_watch.h) write a byte when they have news, and so do the signal handlers, so the loop
// sleeps in poll(2) until something happened and wakes at once when it did (no timer, no signal
// race: the byte stays in the pipe until the loop drains it).
#pragma once

namespace phpeek::cli::tui {

class WakePipe {
 public:
  WakePipe();  // both ends non-blocking and close-on-exec; aborts the TUI (throws) on failure
  ~WakePipe();
  WakePipe(const WakePipe&) = delete;
  WakePipe& operator=(const WakePipe&) = delete;

  int read_fd() const { return fds_[0]; }
  int write_fd() const { return fds_[1]; }
  // Async-signal-safe; a full pipe already means "wake up", so a failed write is no loss.
  void Notify() const;
  // Empties the pipe (after poll said it is readable).
  void Drain() const;

 private:
  int fds_[2] = {-1, -1};
};

// Installs handlers that notify `pipe` (which must outlive them: RestoreSignals before it goes):
// SIGWINCH sets the resize flag (TakeResize reads and clears it); SIGINT, SIGTERM and SIGHUP set
// the quit flag, so that the loop restores the terminal before the program ends.
void WatchSignals(const WakePipe* pipe);
void RestoreSignals();
bool TakeResize();
bool QuitRequested();

}  // namespace phpeek::cli::tui
