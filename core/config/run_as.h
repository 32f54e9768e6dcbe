// `user:` and `group:` of a process, resolved to ids when the file is loaded. The spawner uses
// these ids and never looks a name up or parses a number again: a number that did not fit uid_t
// once wrapped to 0 at spawn time and ran the child as root.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace phpeek::config {

struct RunAs {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups: the user's (group database), else {gid}
};

// How `user:` or `group:` text reads: a name, a usable id, or a number that is no usable id.
enum class IdText { kName, kId, kBadId };

// Digits (or '-' and digits) are an id: it must be below the reserved (uid_t)-1 / (gid_t)-1,
// which setuid/setgid read as "leave unchanged". `what` ("user", "group") is for the message in
// `why` when the result is kBadId.
IdText ParseId(const std::string& text, const char* what, uint32_t* id, std::string* why);

struct RunAsErrors {
  std::string user;   // what is wrong with `user`, empty when it is fine
  std::string group;  // the same for `group`
};

// Resolves `user` and `group` (names through getpwnam_r/getgrnam_r, or numbers). An empty user
// keeps the daemon's uid; an empty group takes the user's primary group (the daemon's gid for a
// uid without a passwd entry, as docker does). False when either is wrong; both are checked.
bool ResolveRunAs(const std::string& user, const std::string& group, RunAs* out,
                  RunAsErrors* errors);

}  // namespace phpeek::config
