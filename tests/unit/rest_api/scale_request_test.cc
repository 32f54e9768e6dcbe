#include "plugins/rest-api/scale_request.h"

#include <gtest/gtest.h>

namespace phpeek::rest {
namespace {

TEST(ScaleRequest, AcceptsTheThreeForms) {
  ScaleRequest r;
  std::string err;
  ASSERT_TRUE(ParseScaleRequest(R"({"scale": 5})", &r, &err)) << err;
  EXPECT_FALSE(r.relative);
  EXPECT_EQ(r.value, 5);
  ASSERT_TRUE(ParseScaleRequest(R"({"desired":0})", &r, &err)) << err;
  EXPECT_EQ(r.value, 0);
  ASSERT_TRUE(ParseScaleRequest(" {\"delta\": -1}\n", &r, &err)) << err;
  EXPECT_TRUE(r.relative);
  EXPECT_EQ(r.value, -1);
}

TEST(ScaleRequest, ResolvesAgainstCurrentAndLimit) {
  int target = -1;
  std::string err;
  EXPECT_TRUE(ResolveScale({false, 4}, 2, 4, &target, &err));
  EXPECT_EQ(target, 4);
  EXPECT_TRUE(ResolveScale({true, 2}, 2, 4, &target, &err));
  EXPECT_EQ(target, 4);
  EXPECT_FALSE(ResolveScale({true, 3}, 2, 4, &target, &err));
  EXPECT_EQ(err, "scale 5 exceeds max_process_scale 4 (current 2, delta 3)");
  EXPECT_FALSE(ResolveScale({false, -1}, 2, 4, &target, &err));
  EXPECT_EQ(err, "scale -1 is negative");
  EXPECT_FALSE(ResolveScale({true, INT64_MIN}, 2, 4, &target, &err));
  EXPECT_FALSE(ResolveScale({false, INT64_MAX}, 2, 4, &target, &err));
  EXPECT_EQ(err, "scale 9223372036854775807 exceeds max_process_scale 4");
}

TEST(ScaleRequest, EchoesOnlyPrintableBoundedText) {
  ScaleRequest r;
  std::string err;
  EXPECT_FALSE(ParseScaleRequest("{\"" + std::string(500, 'k') + "\":1}", &r, &err));
  EXPECT_LT(err.size(), 200u);
  EXPECT_FALSE(ParseScaleRequest("{\"\xC3\xA9\":1}", &r, &err));
  EXPECT_NE(err.find("unknown field \"??\""), std::string::npos) << err;
}

}  // namespace
}  // namespace phpeek::rest
