#include "core/cli/tui/tui_app.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "core/cli/client/api_client.h"
#include "core/cli/client/log_text.h"
#include "core/cli/client/process_table.h"
#include "core/cli/tui/screen.h"
#include "core/cli/tui/sse_watch.h"
#include "core/cli/tui/wake_pipe.h"

namespace phpeek::cli::tui {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kRetryEvery = std::chrono::seconds(2);
constexpr int kLogBacklog = 200;  // lines the log view starts with
// How long a closed stream may keep its connection (sse_watch.h): the event stream is closed only
// when the connection is lost or at the end; the log stream at every change of view.
constexpr auto kEventsLinger = std::chrono::minutes(10);
constexpr auto kLogLinger = std::chrono::seconds(1);

class TuiApp {
 public:
  TuiApp(const client::ApiEndpoint& endpoint, std::shared_ptr<WakePipe> wake)
      : endpoint_(endpoint), wake_(std::move(wake)) {
    state_.api_url = endpoint.url;
  }

  int Run(const std::string& first_list);

 private:
  int PollTimeout() const;
  bool HandleStreams();
  bool HandleEventNews(const std::vector<StreamNews>& news);
  bool HandleLogNews(const std::vector<StreamNews>& news);
  bool Fetch();
  void Apply(const std::string& list_json);
  void Lost(const std::string& why);
  void Retry();
  void StartEvents();
  void OpenLog(const std::string& process);

  bool HandleKey(int key);  // false: quit
  void HandleFilterKey(int key);
  void HandleConfirmKey(int key);
  bool HandleCommand(Command command);
  void HandleActionCommand(Command command);
  void Move(long delta);
  const TableRow* Selected() const;
  void Refilter();

  client::ApiEndpoint endpoint_;
  std::shared_ptr<WakePipe> wake_;
  std::unique_ptr<Screen> screen_;
  TuiState state_;
  std::unique_ptr<SseWatch> events_;
  std::unique_ptr<SseWatch> log_;
  std::string log_last_id_;
  Clock::time_point next_retry_{};
};

// No timeout while connected: only the terminal, a stream or a resize wakes the loop.
int TuiApp::PollTimeout() const {
  if (state_.connected) return -1;
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(next_retry_ - Clock::now()).count();
  return static_cast<int>(std::max<long long>(left, 0) + 1);
}

const TableRow* TuiApp::Selected() const {
  if (state_.selected >= state_.visible.size()) return nullptr;
  return &state_.visible[state_.selected];
}

// Filters and sorts again, keeping the same row selected while it is still shown.
void TuiApp::Refilter() {
  const TableRow* was = Selected();
  const std::string key = was ? was->process + "\n" + was->instance : "";
  state_.visible = VisibleRows(state_.rows, state_.filter, state_.sort);
  for (size_t i = 0; i < state_.visible.size(); ++i) {
    if (state_.visible[i].process + "\n" + state_.visible[i].instance == key) {
      state_.selected = i;
      return;
    }
  }
}

void TuiApp::Apply(const std::string& list_json) {
  std::vector<client::ProcessRow> processes;
  std::string err;
  if (!client::ParseProcessList(list_json, &processes, &err) ||
      !client::ParseJobs(list_json, &state_.jobs, &err)) {
    state_.message = err;
    return;
  }
  state_.rows = RowsOf(processes, state_.jobs);
  state_.fetched_at = static_cast<int64_t>(std::time(nullptr));
  Refilter();
}

void TuiApp::Lost(const std::string& why) {
  if (state_.connected) {
    state_.connected = false;
    next_retry_ = Clock::now() + kRetryEvery;
  }
  state_.connection_error = "connection lost (retrying every 2 s; q quits): " + why;
  events_.reset();
  log_.reset();
}

// The process list again; false (and the connection lost) when the daemon does not answer.
bool TuiApp::Fetch() {
  const client::ApiReply reply = client::CallApi(endpoint_, "GET", "/api/v1/processes");
  std::string err;
  if (!client::CheckReply(reply, 200, endpoint_, "", &err)) {
    if (!reply.reached) {
      Lost(err);
      return false;
    }
    state_.message = err;  // answered, but refused: say why, keep going
    return true;
  }
  Apply(reply.body);
  return true;
}

void TuiApp::StartEvents() {
  // limit=0: no backlog, only what happens from now on; the list fetched covers the rest.
  events_ =
      std::make_unique<SseWatch>(endpoint_, "/api/v1/events?limit=0", "", "", kEventsLinger, wake_);
}

void TuiApp::OpenLog(const std::string& process) {
  const std::string path = "/api/v1/processes/" + client::EncodePathSegment(process) +
                           "/logs?limit=" + std::to_string(kLogBacklog) + "&follow=1";
  log_ = std::make_unique<SseWatch>(endpoint_, path, process, log_last_id_, kLogLinger, wake_);
  state_.log_streaming = false;
}

// Every retry_every while the daemon is away: the list; when it answers, the streams again.
void TuiApp::Retry() {
  next_retry_ = Clock::now() + kRetryEvery;
  state_.connected = true;
  if (!Fetch()) return;
  state_.message = "connection to the daemon restored";
  state_.connection_error.clear();
  StartEvents();
  if (state_.view == View::kLogs) OpenLog(state_.log_process);
}

bool TuiApp::HandleEventNews(const std::vector<StreamNews>& news) {
  bool changed = false;
  for (const StreamNews& n : news) {
    if (n.kind == StreamNews::Kind::kClosed) {
      if (n.refused) {
        state_.message = "the event stream was refused: " + n.why + " (the table will not update)";
        events_.reset();
      } else {
        Lost(n.why);
      }
      return true;
    }
    changed = true;  // opened (the list may have changed meanwhile) or an event
  }
  if (changed) Fetch();  // a failure is a change too: the connection-lost line
  return changed;
}

bool TuiApp::HandleLogNews(const std::vector<StreamNews>& news) {
  for (const StreamNews& n : news) {
    switch (n.kind) {
      case StreamNews::Kind::kOpened:
        state_.log_streaming = true;
        break;
      case StreamNews::Kind::kEvent: {
        std::string line, err;
        if (!client::FormatLogEntry(n.data, &line, &err)) line = "(unreadable: " + err + ")";
        state_.log.Add(std::move(line));
        log_last_id_ = n.id;
        break;
      }
      case StreamNews::Kind::kClosed:
        state_.log_streaming = false;
        log_.reset();
        if (n.refused) {
          state_.message = "log: " + n.why;
        } else if (Fetch()) {
          OpenLog(state_.log_process);  // the daemon answers: resume after the last line
        }
        return true;
    }
  }
  return !news.empty();
}

bool TuiApp::HandleStreams() {
  bool changed = false;
  if (log_) changed = HandleLogNews(log_->Take()) || changed;
  if (events_) changed = HandleEventNews(events_->Take()) || changed;
  return changed;
}

void TuiApp::Move(long delta) {
  const int page = screen_->BodyHeight();
  if (state_.view == View::kLogs) {
    state_.log.Scroll(delta, static_cast<size_t>(page));
    return;
  }
  size_t* selected = state_.view == View::kJobs ? &state_.job_selected : &state_.selected;
  const size_t count = state_.view == View::kJobs ? state_.jobs.size() : state_.visible.size();
  if (count == 0) return;
  const long target =
      std::clamp(static_cast<long>(*selected) + delta, 0L, static_cast<long>(count) - 1);
  *selected = static_cast<size_t>(target);
}

void TuiApp::HandleFilterKey(int key) {
  if (IsEnterKey(key)) {
    state_.editing_filter = false;
  } else if (IsEscapeKey(key)) {
    state_.editing_filter = false;
    state_.filter.clear();
  } else if (IsBackspaceKey(key)) {
    if (!state_.filter.empty()) state_.filter.pop_back();
  } else if (key >= 32 && key < 127) {
    state_.filter.push_back(static_cast<char>(key));
  }
  state_.selected = 0;
  Refilter();
}

void TuiApp::HandleConfirmKey(int key) {
  const Action action = *state_.confirm;
  state_.confirm.reset();
  if (key != 'y' && key != 'Y') {
    state_.message = "cancelled";
    return;
  }
  state_.message = Perform(endpoint_, action);
}

// r, s, x, +, -, t: each asks first.
void TuiApp::HandleActionCommand(Command command) {
  if (command == Command::kTrigger) {
    std::string job;
    if (state_.view == View::kJobs && state_.job_selected < state_.jobs.size()) {
      job = state_.jobs[state_.job_selected].name;
    } else if (state_.view == View::kProcesses && Selected()) {
      if (Selected()->type != "scheduled") {
        state_.message = Selected()->process + " is not a scheduled job";
        return;
      }
      job = Selected()->process;
    }
    if (!job.empty()) state_.confirm = TriggerAction(job);
    return;
  }
  const TableRow* row = Selected();
  if (!row) return;
  int instances = 0;
  for (const TableRow& r : state_.rows) instances += r.process == row->process && r.pid > 0;
  switch (command) {
    case Command::kRestart:
      state_.confirm = ProcessAction("restart", row->process, instances);
      break;
    case Command::kStart:
      state_.confirm = ProcessAction("start", row->process, instances);
      break;
    case Command::kStop:
      state_.confirm = ProcessAction("stop", row->process, instances);
      break;
    case Command::kScaleUp:
      state_.confirm = ScaleAction(row->process, row->scale, row->scale + 1);
      break;
    case Command::kScaleDown:
      if (row->scale > 0) state_.confirm = ScaleAction(row->process, row->scale, row->scale - 1);
      break;
    default:
      break;
  }
}

bool TuiApp::HandleCommand(Command command) {
  const long page = screen_->BodyHeight();
  switch (command) {
    case Command::kQuit:
      return false;
    case Command::kUp:
      Move(-1);
      break;
    case Command::kDown:
      Move(1);
      break;
    case Command::kPageUp:
      Move(-page);
      break;
    case Command::kPageDown:
      Move(page);
      break;
    case Command::kHome:
      Move(-1000000000L);
      break;
    case Command::kEnd:
      if (state_.view == View::kLogs) {
        state_.log.FollowEnd();
      } else {
        Move(1000000000L);
      }
      break;
    case Command::kLogs: {
      std::string process;
      if (state_.view == View::kJobs && state_.job_selected < state_.jobs.size()) {
        process = state_.jobs[state_.job_selected].name;
      } else if (Selected()) {
        process = Selected()->process;
      }
      if (process.empty()) break;
      state_.view = View::kLogs;
      state_.log_process = process;
      state_.log.Clear();
      log_last_id_.clear();
      if (state_.connected) OpenLog(process);
      break;
    }
    case Command::kJobs:
      log_.reset();
      state_.view = View::kJobs;
      break;
    case Command::kBack:
      log_.reset();
      state_.view = View::kProcesses;
      break;
    case Command::kHelp:
      state_.help = true;
      break;
    case Command::kSort:
      state_.sort.key = NextSortKey(state_.sort.key);
      Refilter();
      break;
    case Command::kReverse:
      state_.sort.descending = !state_.sort.descending;
      Refilter();
      break;
    case Command::kFilter:
      state_.editing_filter = true;
      break;
    case Command::kNone:
      break;
    default:
      HandleActionCommand(command);
  }
  return true;
}

bool TuiApp::HandleKey(int key) {
  if (IsResizeKey(key)) return true;  // the self-pipe brought the resize already
  if (state_.help) {
    state_.help = false;
    return true;
  }
  if (state_.confirm) {
    HandleConfirmKey(key);
    return true;
  }
  if (state_.editing_filter) {
    HandleFilterKey(key);
    return true;
  }
  return HandleCommand(CommandFor(key, state_.view));
}

int TuiApp::Run(const std::string& first_list) {
  Apply(first_list);
  StartEvents();
  screen_ = std::make_unique<Screen>();
  bool dirty = true;
  for (;;) {
    if (dirty) screen_->Draw(&state_);
    dirty = false;
    pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {wake_->read_fd(), POLLIN, 0}};
    const int n = ::poll(fds, 2, PollTimeout());
    if (n < 0 && errno != EINTR) return 1;
    if (n > 0 && fds[1].revents != 0) wake_->Drain();
    if (QuitRequested()) return 0;  // SIGINT, SIGTERM, SIGHUP: the terminal restored all the same
    if (TakeResize()) {
      screen_->Resize();
      dirty = true;
    }
    dirty = HandleStreams() || dirty;
    if (n > 0 && fds[0].revents != 0) {
      bool any = false;
      for (int key; (key = screen_->ReadKey()) != -1;) {
        any = true;
        if (!HandleKey(key)) return 0;
      }
      // Readable (or hung up) without a key: the terminal is gone.
      if (!any && (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) != 0) return 1;
      dirty = dirty || any;
    }
    if (!state_.connected && Clock::now() >= next_retry_) {
      Retry();
      dirty = true;
    }
  }
}

}  // namespace

int RunTuiLoop(const client::ApiEndpoint& endpoint, const std::string& first_process_list) {
  auto wake = std::make_shared<WakePipe>();
  WatchSignals(wake.get());
  int status = 1;
  {
    TuiApp app(endpoint, wake);
    status = app.Run(first_process_list);
  }  // the screen restored before the handlers go
  RestoreSignals();
  return status;
}

}  // namespace phpeek::cli::tui
