// The process-log host services (plugin_abi.h, "process logs"): log_read pages the history,
// log_follow starts a follow kept in the plugin's LogFollows, log_next waits on it, log_unfollow
// ends it. The history is Control::ProcessLogs(); these never wait for the supervisor loop.
#pragma once

#include <cstddef>
#include <cstdint>

#include "phpeek/plugin_abi.h"

namespace phpeek::plugin_host {

inline constexpr uint32_t kMaxLogLimit = 10000;
inline constexpr uint32_t kDefaultLogLimit = 100;
inline constexpr uint32_t kDefaultQueueLines = 10000;
inline constexpr uint32_t kMaxQueueLines = 100000;
// A follow's queue holds ~1 KiB a line on average, within these bounds.
inline constexpr size_t kQueueBytesPerLine = 1024;
inline constexpr size_t kMinQueueBytes = 4u << 20;
inline constexpr size_t kMaxQueueBytes = 64u << 20;
// What one log_next hands out at most (the rest comes at the next call).
inline constexpr size_t kMaxBatchBytes = 4u << 20;

int32_t LogRead(phpeek_host* h, const char* process, const char* instance, uint64_t since,
                uint32_t limit, phpeek_sink* out, phpeek_sink* err) noexcept;
int32_t LogFollow(phpeek_host* h, const char* process, const char* instance, uint64_t since,
                  uint32_t limit, uint32_t queue_lines, uint64_t* out_id, phpeek_sink* backlog,
                  phpeek_sink* err) noexcept;
int32_t LogNext(phpeek_host* h, uint64_t id, uint32_t timeout_ms, phpeek_sink* out,
                phpeek_sink* err) noexcept;
int32_t LogUnfollow(phpeek_host* h, uint64_t id) noexcept;

}  // namespace phpeek::plugin_host
