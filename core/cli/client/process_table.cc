#include "core/cli/client/process_table.h"

#include <algorithm>
#include <cstdio>

#include "Poco/Exception.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"

namespace phpeek::cli::client {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

InstanceRow ToInstance(const Object::Ptr& o) {
  InstanceRow row;
  row.id = o->optValue<std::string>("id", "");
  row.state = o->optValue<std::string>("state", "");
  row.pid = o->optValue<int>("pid", 0);
  row.started_at = o->optValue<Poco::Int64>("started_at", 0);
  row.restart_count = o->optValue<Poco::Int64>("restart_count", 0);
  return row;
}

ProcessRow ToProcess(const Object::Ptr& o) {
  ProcessRow row;
  row.name = o->optValue<std::string>("name", "");
  row.state = o->optValue<std::string>("state", "");
  row.scale = o->optValue<int>("scale", 0);
  if (Array::Ptr instances = o->getArray("instances")) {
    for (size_t i = 0; i < instances->size(); ++i) {
      if (Object::Ptr inst = instances->getObject(static_cast<unsigned>(i))) {
        row.instances.push_back(ToInstance(inst));
      }
    }
  }
  return row;
}

Object::Ptr ParseObject(const std::string& json, std::string* err) {
  try {
    Poco::JSON::Parser parser;
    Object::Ptr object = parser.parse(json).extract<Object::Ptr>();
    if (!object) *err = "the daemon's answer is not a JSON object";
    return object;
  } catch (const Poco::Exception& e) {
    *err = "cannot read the daemon's answer: " + e.displayText();
  }
  return nullptr;
}

}  // namespace

bool ParseProcessList(const std::string& json, std::vector<ProcessRow>* out, std::string* err) {
  Object::Ptr doc = ParseObject(json, err);
  if (!doc) return false;
  Array::Ptr processes = doc->getArray("processes");
  if (!processes) {
    *err = "the daemon's answer has no \"processes\" list";
    return false;
  }
  out->clear();
  for (size_t i = 0; i < processes->size(); ++i) {
    if (Object::Ptr p = processes->getObject(static_cast<unsigned>(i))) {
      out->push_back(ToProcess(p));
    }
  }
  return true;
}

bool ParseProcess(const std::string& json, ProcessRow* out, std::string* err) {
  Object::Ptr doc = ParseObject(json, err);
  if (!doc) return false;
  *out = ToProcess(doc);
  return true;
}

std::string FormatUptime(int64_t seconds) {
  if (seconds < 0) seconds = 0;
  char buf[64];
  const int64_t days = seconds / 86400;
  const int64_t h = seconds / 3600 % 24;
  const int64_t m = seconds / 60 % 60;
  const int64_t s = seconds % 60;
  if (days > 0) {
    std::snprintf(buf, sizeof(buf), "%lldd %02lld:%02lld:%02lld", static_cast<long long>(days),
                  static_cast<long long>(h), static_cast<long long>(m), static_cast<long long>(s));
  } else {
    std::snprintf(buf, sizeof(buf), "%02lld:%02lld:%02lld", static_cast<long long>(h),
                  static_cast<long long>(m), static_cast<long long>(s));
  }
  return buf;
}

std::string RenderTable(const std::vector<ProcessRow>& processes, int64_t now) {
  std::vector<std::vector<std::string>> rows = {
      {"PROCESS", "INSTANCE", "STATE", "PID", "UPTIME", "RESTARTS"}};
  for (const ProcessRow& p : processes) {
    if (p.instances.empty()) rows.push_back({p.name, "-", p.state, "-", "-", "-"});
    for (const InstanceRow& i : p.instances) {
      const bool up = i.pid > 0 && (i.state == "running" || i.state == "starting");
      rows.push_back({p.name, i.id, i.state, i.pid > 0 ? std::to_string(i.pid) : "-",
                      up && i.started_at > 0 ? FormatUptime(now - i.started_at) : "-",
                      std::to_string(i.restart_count)});
    }
  }
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& r : rows) {
    for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
  }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (size_t c = 0; c < r.size(); ++c) {
      line += r[c];
      if (c + 1 < r.size()) line += std::string(width[c] - r[c].size() + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace phpeek::cli::client
