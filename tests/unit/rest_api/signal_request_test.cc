#include "plugins/rest-api/signal_request.h"

#include <gtest/gtest.h>

#include <csignal>

namespace phpeek::rest {
namespace {

TEST(SignalRequest, NamesWithOrWithoutSigAnyCaseAndTheTarget) {
  SignalRequest r;
  std::string err;
  ASSERT_TRUE(ParseSignalRequest(R"({"signal":"USR1"})", &r, &err)) << err;
  EXPECT_EQ(r.number, SIGUSR1);
  EXPECT_STREQ(r.name, "SIGUSR1");
  EXPECT_FALSE(r.group);
  ASSERT_TRUE(ParseSignalRequest(R"({"target":"group","signal":"sigwinch"})", &r, &err)) << err;
  EXPECT_EQ(r.number, SIGWINCH);
  EXPECT_TRUE(r.group);
  ASSERT_TRUE(ParseSignalRequest(R"({"signal":"SIGHUP","target":"leader"})", &r, &err)) << err;
  EXPECT_FALSE(r.group);
}

TEST(SignalRequest, BadBodiesSayWhatIsWrong) {
  SignalRequest r;
  std::string err;
  const auto bad = [&](std::string_view body) {
    err.clear();
    EXPECT_FALSE(ParseSignalRequest(body, &r, &err)) << body;
    return err;
  };
  EXPECT_EQ(bad(""),
            "request body is empty: expected a JSON object such as {\"signal\": \"USR1\"}");
  EXPECT_EQ(bad("[]"),
            "request body is a JSON array, expected a JSON object such as {\"signal\": \"USR1\"}");
  EXPECT_EQ(bad("{}"),
            "missing field \"signal\": expected a JSON object such as {\"signal\": "
            "\"USR1\"}");
  EXPECT_EQ(bad(R"({"signal":15})"), "field \"signal\" must be a string, got number");
  EXPECT_EQ(bad(R"({"signal":"USR1","pid":1})"),
            "unknown field \"pid\": expected \"signal\" and \"target\"");
  EXPECT_EQ(bad(R"({"signal":"USR1","target":"all"})"),
            "field \"target\" must be \"leader\" or \"group\", got \"all\"");
  EXPECT_EQ(bad(R"({"signal":"SIGFOO"})").substr(0, 40),
            "unknown signal \"SIGFOO\": use one of SIGH");
  EXPECT_EQ(bad(R"({"signal":"15"})").substr(0, 20), "unknown signal \"15\":");
  EXPECT_EQ(bad(R"({"signal":"USR1","signal":"USR2"})").find("invalid JSON"), 0u) << err;
}

}  // namespace
}  // namespace phpeek::rest
