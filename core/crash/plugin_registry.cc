#include "core/crash/plugin_registry.h"

#include <dlfcn.h>
#include <link.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace phpeek::crash {
namespace {

constexpr int kMaxPlugins = 64;
constexpr int kMaxRanges = 8;
// Enough for the frames of a thread's live calls; the scan stops earlier at the stack's end.
constexpr size_t kStackScanBytes = 512 * 1024;

struct Range {
  uintptr_t begin = 0;
  uintptr_t end = 0;
};

struct Plugin {
  char name[65] = {};
  Range ranges[kMaxRanges];
  int range_count = 0;
};

Plugin g_plugins[kMaxPlugins];
std::atomic<int> g_count{0};  // g_plugins[0, count) are complete

thread_local int t_call = -1;
thread_local bool t_host = false;

struct Search {
  uintptr_t base;
  Plugin* plugin;
};

// dl_iterate_phdr callback: the executable PT_LOAD segments of the object loaded at `base`.
int CollectRanges(dl_phdr_info* info, size_t, void* data) {
  auto* s = static_cast<Search*>(data);
  if (info->dlpi_addr != s->base) return 0;
  for (int i = 0; i < info->dlpi_phnum && s->plugin->range_count < kMaxRanges; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || (ph.p_flags & PF_X) == 0) continue;
    Range& r = s->plugin->ranges[s->plugin->range_count++];
    r.begin = info->dlpi_addr + ph.p_vaddr;
    r.end = r.begin + ph.p_memsz;
  }
  return 1;
}

}  // namespace

int RegisterPlugin(const std::string& name, const void* address_in_plugin) {
  const int id = g_count.load();
  if (id >= kMaxPlugins) return -1;
  Plugin& p = g_plugins[id];
  std::strncpy(p.name, name.c_str(), sizeof p.name - 1);
  Dl_info info{};
  if (address_in_plugin != nullptr && dladdr(address_in_plugin, &info) != 0) {
    Search s{reinterpret_cast<uintptr_t>(info.dli_fbase), &p};
    dl_iterate_phdr(&CollectRanges, &s);
  }
  g_count.store(id + 1);
  return id;
}

PluginCall::PluginCall(int id) : previous_(t_call) { t_call = id; }
PluginCall::~PluginCall() { t_call = previous_; }

void MarkHostThread() { t_host = true; }

int CurrentPluginCall() { return t_call; }
bool IsHostThread() { return t_host; }

int PluginAt(uintptr_t pc) {
  const int count = g_count.load();
  for (int id = 0; id < count; ++id) {
    const Plugin& p = g_plugins[id];
    for (int i = 0; i < p.range_count; ++i) {
      if (pc >= p.ranges[i].begin && pc < p.ranges[i].end) return id;
    }
  }
  return -1;
}

int PluginOnStack(uintptr_t sp) {
  uintptr_t words[512];
  const pid_t self = getpid();
  sp &= ~static_cast<uintptr_t>(sizeof(uintptr_t) - 1);
  for (size_t done = 0; done < kStackScanBytes; done += sizeof words) {
    iovec local{words, sizeof words};
    iovec remote{reinterpret_cast<void*>(sp + done), sizeof words};
    const ssize_t got = process_vm_readv(self, &local, 1, &remote, 1, 0);
    if (got <= 0) return -1;
    for (size_t i = 0; i < static_cast<size_t>(got) / sizeof(uintptr_t); ++i) {
      const int id = PluginAt(words[i]);
      if (id >= 0) return id;
    }
    if (static_cast<size_t>(got) < sizeof words) return -1;
  }
  return -1;
}

const char* PluginName(int id) { return id >= 0 && id < g_count.load() ? g_plugins[id].name : ""; }

}  // namespace phpeek::crash
