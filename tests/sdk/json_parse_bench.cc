// Parse speed of phpeek/json.hpp on the host's typical answer, the process_list JSON of 500
// instances (written by the core's own ProcessListJson), next to Poco::JSON (what the metrics
// plugin used) and nlohmann::json when its header is installed. Run by hand, never by ctest:
//   build/bin/sdk_json_parse_bench [processes] [instances_per_process] [rounds]
// Each figure: the fastest of `rounds` batches (the round least disturbed by other load on the
// machine), as mean time per document; "walk" also reads every field of every instance, as a
// plugin rendering the list does.
#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "core/plugin_host/process_json.h"
#include "phpeek/json.hpp"

#if __has_include(<nlohmann/json.hpp>)
#include <nlohmann/json.hpp>
#define PHPEEK_BENCH_NLOHMANN 1
#endif

namespace {

std::string ProcessList(int processes, int per_process) {
  std::vector<phpeek::ProcessStatus> list;
  for (int p = 0; p < processes; ++p) {
    phpeek::ProcessStatus ps;
    ps.name = "queue-worker-" + std::to_string(p);
    ps.state = "running";
    ps.scale = per_process;
    for (int i = 0; i < per_process; ++i) {
      phpeek::InstanceStatus is;
      is.id = ps.name + "-" + std::to_string(i);
      is.state = i % 7 == 0 ? "backoff" : "running";
      is.pid = 10000 + p * per_process + i;
      is.started_at = 1764990000 + i;
      is.restart_count = static_cast<uint32_t>(i % 3);
      is.last_exit_code = i % 7 == 0 ? 1 : -1;
      ps.instances.push_back(is);
    }
    list.push_back(ps);
  }
  return phpeek::plugin_host::ProcessListJson(list);
}

// The fastest round's mean microseconds per call, over rounds of `batch` calls.
double Measure(const std::function<int64_t()>& f, int rounds, int batch) {
  std::vector<double> us;
  int64_t sink = 0;
  for (int r = 0; r < rounds; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < batch; ++i) sink += f();
    const auto t1 = std::chrono::steady_clock::now();
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count() / batch);
  }
  if (sink == 42) std::puts("");  // keeps the work observable
  return *std::min_element(us.begin(), us.end());
}

int64_t SdkWalk(const std::string& text, bool walk) {
  phpeek::json::Document doc;
  if (!doc.Parse(text)) std::abort();
  if (!walk) return static_cast<int64_t>(doc.root().size());
  int64_t sum = 0;
  for (const phpeek::json::Value p : doc.root()["processes"].items()) {
    sum += static_cast<int64_t>(p["name"].AsString().value.size());
    for (const phpeek::json::Value i : p["instances"].items()) {
      sum += static_cast<int64_t>(i["id"].AsString().value.size() +
                                  i["state"].AsString().value.size());
      sum += i["pid"].AsInt64().value + i["started_at"].AsInt64().value +
             i["restart_count"].AsInt64().value + i["last_exit_code"].AsInt64().value +
             i["last_signal"].AsInt64().value;
    }
  }
  return sum;
}

int64_t PocoWalk(const std::string& text, bool walk) {
  Poco::JSON::Parser parser;
  const Poco::Dynamic::Var root = parser.parse(text);
  if (!walk) return 1;
  const auto obj = root.extract<Poco::JSON::Object::Ptr>();
  int64_t sum = 0;
  const auto processes = obj->getArray("processes");
  for (size_t p = 0; p < processes->size(); ++p) {
    const auto proc = processes->getObject(static_cast<unsigned>(p));
    sum += static_cast<int64_t>(proc->getValue<std::string>("name").size());
    const auto instances = proc->getArray("instances");
    for (size_t k = 0; k < instances->size(); ++k) {
      const auto i = instances->getObject(static_cast<unsigned>(k));
      sum += static_cast<int64_t>(i->getValue<std::string>("id").size() +
                                  i->getValue<std::string>("state").size());
      sum += i->getValue<int64_t>("pid") + i->getValue<int64_t>("started_at") +
             i->getValue<int64_t>("restart_count") + i->getValue<int64_t>("last_exit_code") +
             i->getValue<int64_t>("last_signal");
    }
  }
  return sum;
}

#ifdef PHPEEK_BENCH_NLOHMANN
int64_t NlohmannWalk(const std::string& text, bool walk) {
  const nlohmann::json doc = nlohmann::json::parse(text);
  if (!walk) return static_cast<int64_t>(doc.size());
  int64_t sum = 0;
  for (const auto& p : doc["processes"]) {
    sum += static_cast<int64_t>(p["name"].get_ref<const std::string&>().size());
    for (const auto& i : p["instances"]) {
      sum += static_cast<int64_t>(i["id"].get_ref<const std::string&>().size() +
                                  i["state"].get_ref<const std::string&>().size());
      sum += i["pid"].get<int64_t>() + i["started_at"].get<int64_t>() +
             i["restart_count"].get<int64_t>() + i["last_exit_code"].get<int64_t>() +
             i["last_signal"].get<int64_t>();
    }
  }
  return sum;
}
#endif

void Row(const char* name, const std::string& text, int rounds, int batch,
         int64_t (*f)(const std::string&, bool)) {
  const double parse = Measure([&] { return f(text, false); }, rounds, batch);
  const double walk = Measure([&] { return f(text, true); }, rounds, batch);
  std::printf("| %-22s | %10.1f | %10.1f | %8.0f |\n", name, parse, walk,
              static_cast<double>(text.size()) / parse);
}

}  // namespace

int main(int argc, char** argv) {
  const int processes = argc > 1 ? std::atoi(argv[1]) : 50;
  const int per = argc > 2 ? std::atoi(argv[2]) : 10;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 15;
  const std::string text = ProcessList(processes, per);
  const int batch = std::max(1, static_cast<int>(20'000'000 / (text.size() + 1)));
  std::printf(
      "process_list: %d processes x %d instances, %zu bytes; fastest of %d rounds of %d\n\n",
      processes, per, text.size(), rounds, batch);
  std::printf("| %-22s | %10s | %10s | %8s |\n|---|---:|---:|---:|\n", "parser", "parse us",
              "+ walk us", "MB/s");
  Row("phpeek/json.hpp", text, rounds, batch, &SdkWalk);
#ifdef PHPEEK_BENCH_NLOHMANN
  Row("nlohmann::json 3.11", text, rounds, batch, &NlohmannWalk);
#endif
  Row("Poco::JSON 1.11", text, rounds, batch, &PocoWalk);
  return 0;
}
