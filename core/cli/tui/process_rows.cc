#include "core/cli/tui/process_rows.h"

#include <algorithm>
#include <ctime>
#include <tuple>

namespace phpeek::cli::tui {
namespace {

std::string Lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

bool Matches(const TableRow& row, const std::string& needle) {
  if (needle.empty()) return true;
  for (const std::string* field : {&row.process, &row.instance, &row.state}) {
    if (Lower(*field).find(needle) != std::string::npos) return true;
  }
  return false;
}

// -1, 0, 1 by `key` alone.
int CompareBy(SortKey key, const TableRow& a, const TableRow& b) {
  auto three_way = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
  switch (key) {
    case SortKey::kName:
      return three_way(std::tie(a.process, a.instance), std::tie(b.process, b.instance));
    case SortKey::kState:
      return three_way(a.state, b.state);
    case SortKey::kPid:
      return three_way(a.pid, b.pid);
    case SortKey::kStarted:
      return three_way(a.started_at, b.started_at);
    case SortKey::kRestarts:
      return three_way(a.restarts, b.restarts);
  }
  return 0;
}

std::tm LocalTime(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  return tm;
}

}  // namespace

std::vector<TableRow> RowsOf(const std::vector<client::ProcessRow>& processes,
                             const std::vector<client::JobRow>& jobs) {
  std::vector<TableRow> rows;
  for (const client::ProcessRow& p : processes) {
    std::string note = p.reason;
    if (note.empty() && !p.waiting_for.empty()) {
      note = "waiting for " + p.waiting_for.front();
      for (size_t i = 1; i < p.waiting_for.size(); ++i) note += ", " + p.waiting_for[i];
    }
    if (p.instances.empty()) {
      rows.push_back({p.name, "-", p.type, p.state, p.scale, 0, 0, 0, p.ready, note});
      for (const client::JobRow& job : jobs) {
        if (job.name != p.name) continue;
        rows.back().state = job.state;
        rows.back().note = std::to_string(job.run_count) + (job.run_count == 1 ? " run" : " runs");
        if (job.next_run) rows.back().note += ", next " + client::FormatLocalTime(*job.next_run);
      }
      continue;
    }
    for (const client::InstanceRow& i : p.instances) {
      const bool up = i.pid > 0 && (i.state == "running" || i.state == "starting");
      rows.push_back({p.name, i.id, p.type, i.state, p.scale, i.pid, up ? i.started_at : 0,
                      i.restart_count, i.ready, i.reason.empty() ? note : i.reason});
    }
  }
  return rows;
}

std::vector<TableRow> VisibleRows(const std::vector<TableRow>& rows, const std::string& filter,
                                  SortOrder order) {
  const std::string needle = Lower(filter);
  std::vector<TableRow> out;
  for (const TableRow& row : rows) {
    if (Matches(row, needle)) out.push_back(row);
  }
  std::stable_sort(out.begin(), out.end(), [&](const TableRow& a, const TableRow& b) {
    int c = CompareBy(order.key, a, b);
    if (order.descending) c = -c;
    return c != 0 ? c < 0 : CompareBy(SortKey::kName, a, b) < 0;
  });
  return out;
}

const char* SortKeyName(SortKey key) {
  switch (key) {
    case SortKey::kName:
      return "name";
    case SortKey::kState:
      return "state";
    case SortKey::kPid:
      return "pid";
    case SortKey::kStarted:
      return "started";
    case SortKey::kRestarts:
      return "restarts";
  }
  return "name";
}

SortKey NextSortKey(SortKey key) {
  switch (key) {
    case SortKey::kName:
      return SortKey::kState;
    case SortKey::kState:
      return SortKey::kPid;
    case SortKey::kPid:
      return SortKey::kStarted;
    case SortKey::kStarted:
      return SortKey::kRestarts;
    case SortKey::kRestarts:
      return SortKey::kName;
  }
  return SortKey::kName;
}

std::string StartedCell(int64_t started_at, int64_t now) {
  if (started_at <= 0) return "-";
  const std::tm at = LocalTime(started_at);
  const std::tm today = LocalTime(now);
  char buf[32];
  if (at.tm_year == today.tm_year && at.tm_yday == today.tm_yday) {
    std::strftime(buf, sizeof buf, "%H:%M:%S", &at);
  } else {
    std::strftime(buf, sizeof buf, "%m-%d %H:%M", &at);
  }
  return buf;
}

}  // namespace phpeek::cli::tui
