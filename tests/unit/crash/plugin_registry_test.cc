// Which plugin a crash is put down to: a call into it, its code, or its code on a thread's stack.
#include "core/crash/plugin_registry.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "tests/support/fixture_plugin.h"

namespace phpeek::crash {
namespace {

uintptr_t EntryOf(const char* fixture) {
  const std::string path = phpeek::testing::FixturePlugin(fixture);
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);  // never closed, as in the host
  EXPECT_NE(handle, nullptr) << dlerror();
  return handle ? reinterpret_cast<uintptr_t>(dlsym(handle, "phpeek_plugin_entry_v1")) : 0;
}

TEST(PluginRegistry, CodeOfARegisteredPluginIsFoundAndNothingElse) {
  const uintptr_t entry = EntryOf("good-fixture");
  ASSERT_NE(entry, 0u);
  const int id = RegisterPlugin("good-fixture", reinterpret_cast<const void*>(entry));
  ASSERT_GE(id, 0);
  EXPECT_STREQ(PluginName(id), "good-fixture");
  EXPECT_EQ(PluginAt(entry), id);
  EXPECT_EQ(PluginAt(reinterpret_cast<uintptr_t>(&RegisterPlugin)), -1);  // the core's code
  EXPECT_EQ(PluginAt(reinterpret_cast<uintptr_t>(&id)), -1);              // a stack address
  EXPECT_STREQ(PluginName(-1), "");
}

TEST(PluginRegistry, CallsNestAndEndWithTheirScope) {
  EXPECT_EQ(CurrentPluginCall(), -1);
  {
    PluginCall outer(3);
    EXPECT_EQ(CurrentPluginCall(), 3);
    {
      PluginCall inner(5);
      EXPECT_EQ(CurrentPluginCall(), 5);
    }
    EXPECT_EQ(CurrentPluginCall(), 3);
    std::thread([] { EXPECT_EQ(CurrentPluginCall(), -1); }).join();  // per thread
  }
  EXPECT_EQ(CurrentPluginCall(), -1);
}

TEST(PluginRegistry, HostThreadsAreMarkedOneByOne) {
  bool other = true;
  std::thread([&] { other = IsHostThread(); }).join();
  EXPECT_FALSE(other);
  std::thread([&] {
    MarkHostThread();
    other = IsHostThread();
  }).join();
  EXPECT_TRUE(other);
}

TEST(PluginRegistry, TheStackScanFindsAPluginReturnAddressAndStopsAtUnmappedMemory) {
  const uintptr_t entry = EntryOf("slow-stop");
  const int id = RegisterPlugin("slow-stop", reinterpret_cast<const void*>(entry));
  ASSERT_GE(id, 0);
  // A "stack" of two pages, the second unmapped: the scan reads the first and stops there.
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  auto* mem = static_cast<uintptr_t*>(
      mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(mem, MAP_FAILED);
  ASSERT_EQ(munmap(reinterpret_cast<char*>(mem) + page, page), 0);
  const auto base = reinterpret_cast<uintptr_t>(mem);
  EXPECT_EQ(PluginOnStack(base), -1);
  mem[page / sizeof(uintptr_t) - 3] = entry + 1;  // a return address inside its code
  EXPECT_EQ(PluginOnStack(base), id);
  EXPECT_EQ(PluginOnStack(base + page - 2 * sizeof(uintptr_t)), -1);  // above it: not seen
  munmap(mem, page);
}

}  // namespace
}  // namespace phpeek::crash
