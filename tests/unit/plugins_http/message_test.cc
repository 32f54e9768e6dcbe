// The request's helpers: header lookup and the path of a request-target.
#include "plugins/common/http/message.h"

#include <gtest/gtest.h>

namespace phpeek::http {
namespace {

TEST(Message, FieldsAreFoundWhateverTheirCase) {
  HttpRequest r;
  r.fields = {{"Host", "x"}, {"X-Forwarded-For", "10.0.0.1"}, {"x-forwarded-for", "10.0.0.2"}};
  ASSERT_NE(r.Field("x-FORWARDED-for"), nullptr);
  EXPECT_EQ(*r.Field("x-forwarded-for"), "10.0.0.1") << "the first one";
  EXPECT_EQ(r.Field("Authorization"), nullptr);
}

TEST(Message, TargetPath) {
  EXPECT_EQ(TargetPath("/metrics"), "/metrics");
  EXPECT_EQ(TargetPath("/metrics?name[]=x"), "/metrics");
  EXPECT_EQ(TargetPath("/a/b#frag"), "/a/b");
  EXPECT_EQ(TargetPath("/%6Detrics"), "/%6Detrics") << "not decoded";
  // RFC 9112 section 3.2.2: a server must accept the absolute-form.
  EXPECT_EQ(TargetPath("http://t/custom/metrics"), "/custom/metrics");
  EXPECT_EQ(TargetPath("HTTPS://t:9090/x?y=1"), "/x");
  EXPECT_EQ(TargetPath("http://t"), "/");
  EXPECT_EQ(TargetPath("http://t?x"), "/");
  EXPECT_EQ(TargetPath("*"), "");
  EXPECT_EQ(TargetPath("example.com:443"), "");
  EXPECT_EQ(TargetPath("metrics"), "");
  EXPECT_EQ(TargetPath("ftp://t/x"), "");
}

}  // namespace
}  // namespace phpeek::http
