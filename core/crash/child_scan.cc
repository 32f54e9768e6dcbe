#include "core/crash/child_scan.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>

namespace phpeek::crash {
namespace {

int g_proc_fd = -1;
int g_spare_fd = -1;

struct LinuxDirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[1];
};

// "pid" of a /proc entry, or 0 for the entries that are not processes.
pid_t PidOf(const char* name) {
  pid_t pid = 0;
  for (const char* c = name; *c != '\0'; ++c) {
    if (*c < '0' || *c > '9' || pid > 100000000) return 0;
    pid = pid * 10 + (*c - '0');
  }
  return pid;
}

// The parent in /proc/<pid>/stat ("pid (comm) S ppid ..."; comm may hold spaces and parentheses,
// so the fields start after the last ')'), or -1 when gone or a zombie.
pid_t LiveParentOf(const char* pid_name) {
  char path[64] = "";
  size_t n = 0;
  for (const char* c = pid_name; *c != '\0' && n < 40; ++c) path[n++] = *c;
  for (const char* c = "/stat"; *c != '\0'; ++c) path[n++] = *c;
  path[n] = '\0';
  if (g_spare_fd >= 0) {
    close(g_spare_fd);  // from here on the stat file below may take its number
    g_spare_fd = -1;
  }
  const int fd = openat(g_proc_fd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  char text[512];
  const ssize_t got = read(fd, text, sizeof text - 1);
  close(fd);
  if (got <= 0) return -1;
  ssize_t paren = got - 1;
  while (paren >= 0 && text[paren] != ')') --paren;
  if (paren < 0 || paren + 4 >= got || text[paren + 2] == 'Z') return -1;
  pid_t ppid = 0;
  for (ssize_t i = paren + 4; i < got && text[i] >= '0' && text[i] <= '9'; ++i) {
    ppid = ppid * 10 + (text[i] - '0');
  }
  return ppid;
}

}  // namespace

void PrepareChildScan() {
  if (g_proc_fd < 0) g_proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (g_spare_fd < 0) g_spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

void ForEachChild(pid_t parent, void (*fn)(pid_t pid, void* ctx), void* ctx) {
  if (g_proc_fd < 0) return;
  lseek(g_proc_fd, 0, SEEK_SET);
  alignas(8) char buf[4096];
  for (;;) {
    const long got = syscall(SYS_getdents64, g_proc_fd, buf, sizeof buf);
    if (got <= 0) return;
    for (long at = 0; at < got;) {
      const auto* e = reinterpret_cast<const LinuxDirent64*>(buf + at);
      at += e->d_reclen;
      const pid_t pid = PidOf(e->d_name);
      if (pid > 0 && LiveParentOf(e->d_name) == parent) fn(pid, ctx);
    }
  }
}

}  // namespace phpeek::crash
