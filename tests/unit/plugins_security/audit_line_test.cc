#include "plugins/common/security/audit_line.h"

#include <gtest/gtest.h>

namespace phpeek::security {
namespace {

TEST(AuditLine, IsOneJsonObjectWithActorActionTargetAndResult) {
  AuditRecord r;
  r.listener = "api";
  r.actor = "10.0.0.7";
  r.peer = "127.0.0.1";
  r.method = "POST";
  r.target = "/api/v1/processes/web/stop?token=should-not-appear";
  r.object = "web";
  r.status = 202;
  EXPECT_EQ(AuditLine(r),
            R"({"audit":"api","actor":"10.0.0.7","peer":"127.0.0.1",)"
            R"("action":"POST /api/v1/processes/web/stop","target":"web","status":202,)"
            R"("result":"ok"})");
}

TEST(AuditLine, NamesTheResultAndEscapesWhatTheClientSent) {
  AuditRecord r;
  r.listener = "api";
  r.actor = "::1";
  r.peer = "::1";  // the same: not repeated
  r.method = "GET";
  r.target = "/api/v1/\"x\"\n";
  r.status = 401;
  EXPECT_EQ(AuditLine(r), R"({"audit":"api","actor":"::1","action":"GET /api/v1/\"x\"\n",)"
                          R"("target":"","status":401,"result":"unauthorized"})");
  EXPECT_STREQ(AuditResult(403), "denied");
  EXPECT_STREQ(AuditResult(404), "failed");
  EXPECT_STREQ(AuditResult(200), "ok");
}

}  // namespace
}  // namespace phpeek::security
