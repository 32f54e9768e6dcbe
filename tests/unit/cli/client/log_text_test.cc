// The lines `phpeek-pm logs` and `phpeek-pm events` print for the API's JSON.
#include "core/cli/client/log_text.h"

#include <gtest/gtest.h>

#include <string>

namespace phpeek::cli::client {
namespace {

std::string Entry(const std::string& json) {
  std::string line, err;
  EXPECT_TRUE(FormatLogEntry(json, &line, &err)) << err;
  return line;
}

std::string Event(const std::string& json) {
  std::string line, err;
  EXPECT_TRUE(FormatEvent(json, &line, &err)) << err;
  return line;
}

TEST(LogText, AnEntryIsTimeInstanceLevelMessageAndItsFields) {
  EXPECT_EQ(Entry(R"({"seq":1,"time":"2026-12-06T15:04:05.123Z","process":"php-fpm",)"
                  R"("instance":"php-fpm-0","stream":"stderr","level":"error",)"
                  R"("message":"ERROR: unable to bind","fields":{}})"),
            "2026-12-06T15:04:05.123Z php-fpm-0 ERROR ERROR: unable to bind");
  EXPECT_EQ(Entry(R"({"time":"T","instance":"w-0","level":"info","message":"m",)"
                  R"("fields":{"user":"ann","team":"ops"}})"),
            R"(T w-0 INFO  m {"user":"ann","team":"ops"})");
  std::string line, err;
  EXPECT_FALSE(FormatLogEntry("[1]", &line, &err));
  EXPECT_FALSE(FormatLogEntry("{", &line, &err));
}

TEST(LogText, EventsSayWhatHappenedToWhat) {
  EXPECT_EQ(Event(R"({"time":"T","type":"exited","process":"web","instance":"web-0",)"
                  R"("pid":42,"exit_code":-1,"signal":9})"),
            "T web-0 exited: signal 9");
  EXPECT_EQ(Event(R"({"time":"T","type":"exited","process":"web","instance":"web-0",)"
                  R"("exit_code":3,"signal":0,"ended_by":"health_check"})"),
            "T web-0 exited: exit code 3 (health_check)");
  EXPECT_EQ(Event(R"({"time":"T","type":"state_changed","process":"web","instance":"",)"
                  R"("old_state":"running","new_state":"degraded"})"),
            "T web running -> degraded");
  EXPECT_EQ(Event(R"({"time":"T","type":"spawned","process":"web","instance":"web-1","pid":7})"),
            "T web-1 spawned (pid 7)");
  EXPECT_EQ(Event(R"({"time":"T","type":"shutting_down","process":"","instance":"",)"
                  R"("dropped":2})"),
            "T daemon shutting down [2 earlier event(s) lost]");
  EXPECT_EQ(Event(R"({"time":"T","type":"config_reloaded","process":"","instance":"",)"
                  R"("reload":{"added":["a","b"],"removed":[],"updated":["c"]}})"),
            "T daemon configuration reloaded, added: a, b, updated: c");
  EXPECT_EQ(Event(R"({"time":"T","type":"job_run_finished","process":"backup","instance":"",)"
                  R"("run_id":3,"result":"failure","exit_code":2,"signal":0,"duration_ms":1500})"),
            "T backup run 3 finished: failure (exit code 2, 1.5 s)");
}

}  // namespace
}  // namespace phpeek::cli::client
