#include "core/plugin_host/log_json.h"

#include <vector>

#include "core/text/timestamp.h"

namespace phpeek::plugin_host {
namespace {

void WriteEntries(json::Writer* w, const std::vector<process_logs::Record>& records) {
  w->Key("entries").BeginArray();
  for (const auto& r : records) WriteLogEntry(w, r);
  w->EndArray();
}

int64_t Int(uint64_t n) { return static_cast<int64_t>(n); }

}  // namespace

void WriteLogEntry(json::Writer* w, const process_logs::Record& r) {
  w->BeginObject();
  w->Key("seq").Int(Int(r.seq));
  w->Key("time").String(text::UtcMillis(r.time));
  w->Key("process").String(r.process);
  w->Key("instance").String(r.instance);
  w->Key("stream").String(process_logs::StreamName(r.stream));
  w->Key("level").String(process_logs::LevelName(r.level));
  w->Key("message").String(r.message);
  w->Key("fields").BeginObject();
  for (const auto& f : r.fields) {
    w->Key(f.key);
    if (f.json) {
      w->Raw(f.value);  // serialized by the pipeline's JSON extraction
    } else {
      w->String(f.value);
    }
  }
  w->EndObject().EndObject();
}

std::string LogPageJson(const process_logs::HistoryPage& page) {
  json::Writer w;
  w.BeginObject().Key("schema").Int(1);
  WriteEntries(&w, page.records);
  w.Key("more").Bool(page.more).Key("newest_seq").Int(Int(page.newest_seq));
  w.EndObject();
  return w.Take();
}

std::string LogBatchJson(const process_logs::FollowQueue::Batch& batch) {
  json::Writer w;
  w.BeginObject().Key("schema").Int(1);
  WriteEntries(&w, batch.records);
  w.Key("dropped").Int(Int(batch.dropped)).Key("closed").Bool(batch.closed);
  w.EndObject();
  return w.Take();
}

void WriteLogHistoryStats(json::Writer* w, const process_logs::HistoryStats& s) {
  w->BeginObject();
  w->Key("bytes").Int(Int(s.memory_bytes)).Key("lines").Int(Int(s.lines));
  w->Key("instances").Int(Int(s.instances)).Key("evicted").Int(Int(s.budget_evicted));
  w->Key("followers").Int(Int(s.followers));
  w->EndObject();
}

}  // namespace phpeek::plugin_host
