#include "core/cli/tui/process_rows.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

namespace phpeek::cli::tui {
namespace {

std::vector<client::ProcessRow> Sample() {
  std::string err;
  std::vector<client::ProcessRow> processes;
  EXPECT_TRUE(client::ParseProcessList(
      R"({"processes":[
        {"name":"web","type":"longrun","state":"running","scale":2,"instances":[
          {"id":"web-0","state":"running","pid":300,"started_at":1000,"restart_count":4,"ready":true},
          {"id":"web-1","state":"running","pid":100,"started_at":3000,"restart_count":0}]},
        {"name":"Queue","type":"longrun","state":"failed","scale":1,"instances":[
          {"id":"Queue-0","state":"failed","pid":0,"started_at":2000,"restart_count":9,
           "reason":"exit 3"}]},
        {"name":"cron","type":"scheduled","state":"stopped","scale":0,"schedule":"0 3 * * *",
         "schedule_state":"idle","next_run":1796612400,"run_count":7}]})",
      &processes, &err))
      << err;
  return processes;
}

std::vector<TableRow> SampleRows() {
  const std::vector<client::ProcessRow> processes = Sample();
  std::vector<client::JobRow> jobs;
  std::string err;
  EXPECT_TRUE(client::ParseJobs(R"({"processes":[{"name":"cron","type":"scheduled",
      "schedule":"0 3 * * *","schedule_state":"idle","next_run":1796612400,"run_count":7}]})",
                                &jobs, &err))
      << err;
  return RowsOf(processes, jobs);
}

std::vector<std::string> Instances(const std::vector<TableRow>& rows) {
  std::vector<std::string> out;
  for (const TableRow& r : rows) out.push_back(r.instance == "-" ? r.process : r.instance);
  return out;
}

TEST(TuiProcessRows, OneRowPerInstanceAndOnePerProcessWithout) {
  const std::vector<TableRow> rows = SampleRows();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].process, "web");
  EXPECT_EQ(rows[0].pid, 300);
  EXPECT_EQ(rows[0].scale, 2);
  EXPECT_TRUE(rows[0].ready);
  EXPECT_EQ(rows[2].started_at, 0) << "a failed instance has no start time to show";
  EXPECT_EQ(rows[2].note, "exit 3");
  EXPECT_EQ(rows[3].instance, "-");
  EXPECT_EQ(rows[3].type, "scheduled");
  EXPECT_EQ(rows[3].state, "idle") << "a job's row: its schedule state";
  EXPECT_EQ(rows[3].note.rfind("7 runs, next 2026-12-0", 0), 0u) << rows[3].note;
}

TEST(TuiProcessRows, SortsByEachColumnBothWays) {
  const std::vector<TableRow> rows = SampleRows();
  EXPECT_EQ(Instances(VisibleRows(rows, "", {SortKey::kName, false})),
            (std::vector<std::string>{"Queue-0", "cron", "web-0", "web-1"}));
  EXPECT_EQ(Instances(VisibleRows(rows, "", {SortKey::kPid, false})),
            (std::vector<std::string>{"Queue-0", "cron", "web-1", "web-0"}))
      << "ties (no pid) by name";
  EXPECT_EQ(Instances(VisibleRows(rows, "", {SortKey::kRestarts, true})),
            (std::vector<std::string>{"Queue-0", "web-0", "cron", "web-1"}));
  EXPECT_EQ(Instances(VisibleRows(rows, "", {SortKey::kStarted, true})),
            (std::vector<std::string>{"web-1", "web-0", "Queue-0", "cron"}));
  EXPECT_EQ(Instances(VisibleRows(rows, "", {SortKey::kState, false})),
            (std::vector<std::string>{"Queue-0", "cron", "web-0", "web-1"}));
}

TEST(TuiProcessRows, FiltersOnNameInstanceAndStateIgnoringCase) {
  const std::vector<TableRow> rows = SampleRows();
  EXPECT_EQ(Instances(VisibleRows(rows, "queue", {})), (std::vector<std::string>{"Queue-0"}));
  EXPECT_EQ(Instances(VisibleRows(rows, "WEB-1", {})), (std::vector<std::string>{"web-1"}));
  EXPECT_EQ(Instances(VisibleRows(rows, "idle", {})), (std::vector<std::string>{"cron"}));
  EXPECT_TRUE(VisibleRows(rows, "nothing", {}).empty());
}

TEST(TuiProcessRows, SortKeysCycle) {
  SortKey key = SortKey::kName;
  std::string names;
  for (int i = 0; i < 5; ++i, key = NextSortKey(key)) names += std::string(SortKeyName(key)) + " ";
  EXPECT_EQ(names, "name state pid started restarts ");
  EXPECT_EQ(key, SortKey::kName);
}

TEST(TuiProcessRows, StartedCellIsATimeOfDayTodayAndADateBefore) {
  setenv("TZ", "UTC", 1);
  tzset();
  const int64_t now = 1796601600 + 15 * 3600;  // 2026-12-07 15:00:00 UTC
  EXPECT_EQ(StartedCell(now - 3600 - 61, now), "13:58:59");
  EXPECT_EQ(StartedCell(now - 86400, now), "12-06 15:00");
  EXPECT_EQ(StartedCell(0, now), "-");
}

}  // namespace
}  // namespace phpeek::cli::tui
