// The process-log JSON of the host services (plugin_abi.h, "process logs"): an entry
// {"seq","time","process","instance","stream","level","message","fields"}, log_read's page,
// log_next's batch and daemon_status's "log_history".
#pragma once

#include <string>

#include "core/json/json_writer.h"
#include "core/process_logs/follower.h"
#include "core/process_logs/history.h"

namespace phpeek::plugin_host {

void WriteLogEntry(json::Writer* w, const process_logs::Record& record);
// {"schema":1,"entries":[...],"more":B,"newest_seq":N}
std::string LogPageJson(const process_logs::HistoryPage& page);
// {"schema":1,"entries":[...],"dropped":N,"closed":B}
std::string LogBatchJson(const process_logs::FollowQueue::Batch& batch);
// {"bytes","lines","instances","evicted","followers"}
void WriteLogHistoryStats(json::Writer* w, const process_logs::HistoryStats& stats);

}  // namespace phpeek::plugin_host
