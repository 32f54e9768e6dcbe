#include "core/config/run_as.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <optional>

namespace phpeek::config {
namespace {

static_assert(sizeof(uid_t) == sizeof(uint32_t) && sizeof(gid_t) == sizeof(uint32_t),
              "uid_t and gid_t are 32-bit unsigned on Linux");
constexpr uint64_t kReservedId = std::numeric_limits<uint32_t>::max();  // (uid_t)-1
// Lookup buffers grow on ERANGE (a group with thousands of members) up to this.
constexpr size_t kMaxLookupBuffer = size_t{1} << 20;
// NGROUPS_MAX on Linux: no user is in more groups than this.
constexpr int kMaxGroups = 65536;

bool AllDigits(const std::string& text, size_t from) {
  return from < text.size() && std::all_of(text.begin() + static_cast<long>(from), text.end(),
                                           [](char c) { return c >= '0' && c <= '9'; });
}

struct UserEntry {
  uid_t uid;
  gid_t gid;
  std::string name;
};

// getpwuid_r (kind kId) or getpwnam_r with a buffer that grows while it is too small. Returns
// the lookup's error code; `out` is set when the user exists.
int FindUser(const std::string& user, IdText kind, uint32_t id, std::optional<UserEntry>* out) {
  std::vector<char> buffer(4096);
  for (;;) {
    passwd pw{};
    passwd* found = nullptr;
    const int rc = kind == IdText::kId
                       ? getpwuid_r(id, &pw, buffer.data(), buffer.size(), &found)
                       : getpwnam_r(user.c_str(), &pw, buffer.data(), buffer.size(), &found);
    if (rc == ERANGE && buffer.size() < kMaxLookupBuffer) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    if (rc == 0 && found != nullptr) *out = UserEntry{pw.pw_uid, pw.pw_gid, pw.pw_name};
    return rc;
  }
}

int FindGroup(const std::string& name, std::optional<gid_t>* out) {
  std::vector<char> buffer(4096);
  for (;;) {
    group gr{};
    group* found = nullptr;
    const int rc = getgrnam_r(name.c_str(), &gr, buffer.data(), buffer.size(), &found);
    if (rc == ERANGE && buffer.size() < kMaxLookupBuffer) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    if (rc == 0 && found != nullptr) *out = gr.gr_gid;
    return rc;
  }
}

std::string Reason(int rc) { return rc != 0 ? std::string(" (") + std::strerror(rc) + ")" : ""; }

// Sets uid and gid (the user's primary group); `name` is the passwd name, empty for a uid
// without an entry.
void ResolveUser(const std::string& user, RunAs* out, std::string* name, std::string* err) {
  uint32_t id = 0;
  const IdText kind = ParseId(user, "user", &id, err);
  if (kind == IdText::kBadId) return;
  std::optional<UserEntry> entry;
  const int rc = FindUser(user, kind, id, &entry);
  if (entry) {
    out->uid = entry->uid;
    out->gid = entry->gid;
    *name = entry->name;
  } else if (kind == IdText::kId) {
    out->uid = id;  // a uid without a passwd entry is still usable
  } else {
    *err = "unknown user '" + user + "'" + Reason(rc);
  }
}

void ResolveGroup(const std::string& group, RunAs* out, std::string* err) {
  uint32_t id = 0;
  const IdText kind = ParseId(group, "group", &id, err);
  if (kind == IdText::kBadId) return;
  if (kind == IdText::kId) {
    out->gid = id;
    return;
  }
  std::optional<gid_t> gid;
  const int rc = FindGroup(group, &gid);
  if (gid) {
    out->gid = *gid;
  } else {
    *err = "unknown group '" + group + "'" + Reason(rc);
  }
}

// The user's groups with `gid` as the primary one, as initgroups would set them.
std::vector<gid_t> GroupList(const std::string& user_name, gid_t gid) {
  int n = 64;
  std::vector<gid_t> groups(static_cast<size_t>(n));
  while (getgrouplist(user_name.c_str(), gid, groups.data(), &n) < 0) {
    if (n <= static_cast<int>(groups.size()) || n > kMaxGroups) return {gid};
    groups.resize(static_cast<size_t>(n));
  }
  groups.resize(static_cast<size_t>(n));
  return groups;
}

}  // namespace

IdText ParseId(const std::string& text, const char* what, uint32_t* id, std::string* why) {
  const bool negative = text.size() > 1 && text[0] == '-' && AllDigits(text, 1);
  if (!negative && !AllDigits(text, 0)) return IdText::kName;
  uint64_t value = 0;
  for (size_t i = negative ? 1 : 0; i < text.size() && value <= kReservedId; ++i) {
    value = value * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  const std::string range = "0 to " + std::to_string(kReservedId - 1);
  if (negative || value > kReservedId) {
    *why = std::string(what) + " id " + text + " is out of range (" + range + ")";
    return IdText::kBadId;
  }
  if (value == kReservedId) {
    const char* type = std::strcmp(what, "group") == 0 ? "gid_t" : "uid_t";
    *why = std::string(what) + " id " + text + " is reserved: (" + type +
           ")-1 means 'leave unchanged' to the system (valid ids: " + range + ")";
    return IdText::kBadId;
  }
  *id = static_cast<uint32_t>(value);
  return IdText::kId;
}

bool ResolveRunAs(const std::string& user, const std::string& group, RunAs* out,
                  RunAsErrors* errors) {
  out->uid = getuid();
  out->gid = getgid();
  std::string user_name;
  if (!user.empty()) ResolveUser(user, out, &user_name, &errors->user);
  if (!group.empty()) ResolveGroup(group, out, &errors->group);
  if (!errors->user.empty() || !errors->group.empty()) return false;
  out->groups = user_name.empty() ? std::vector<gid_t>{out->gid} : GroupList(user_name, out->gid);
  return true;
}

}  // namespace phpeek::config
