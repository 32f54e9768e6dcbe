// table-writer: keeps a JSON file with the current process table, rewritten on every state change,
// spawn and exit. Other tools (a health probe, a dashboard, a shell script) read the file instead of
// talking to the daemon. Configure it in phpeek-pm.yaml:
//
//   global:
//     plugins: [/usr/lib/phpeek-pm/plugins/table-writer.so]
//     table_writer_file: /run/phpeek-pm/processes.json
//
// The file is replaced atomically (write to a temporary file, then rename), so a reader never sees
// half a table.
#include <phpeek/plugin.hpp>

#include <cstdio>
#include <string>

namespace {

class TableWriter : public phpeek::v1::Plugin {
 public:
  TableWriter(phpeek::v1::Host host, const std::string& /*config_json*/) : Plugin(host) {
    const phpeek::v1::Status s = host.configString("/table_writer_file", &path_);
    if (!s.ok() || path_.empty()) {
      throw phpeek::v1::Error(PHPEEK_E_INVALID_ARGUMENT,
                              "global.table_writer_file must name the file to write");
    }
  }

  phpeek::v1::Status start() override {
    if (!Write()) return phpeek::v1::Status::Error(PHPEEK_E_INVALID_ARGUMENT, "cannot write " + path_);
    host().info("writing the process table to " + path_);
    const uint32_t mask = PHPEEK_EVENT_MASK(PHPEEK_EVENT_STATE_CHANGED) |
                          PHPEEK_EVENT_MASK(PHPEEK_EVENT_SPAWNED) |
                          PHPEEK_EVENT_MASK(PHPEEK_EVENT_EXITED);
    return subscribeEvents(mask);
  }

  // Events arrive on the host's dispatch thread for this plugin, one at a time.
  void onEvent(const phpeek_event& ev) override {
    if (ev.dropped > 0) host().warn("missed events; the table is rewritten from a fresh snapshot");
    if (!Write()) host().error("cannot write " + path_);
  }

 private:
  bool Write() {
    std::string table;
    const phpeek::v1::Status s = host().processList(&table);
    if (!s.ok()) return false;
    const std::string tmp = path_ + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "w");
    if (f == nullptr) return false;
    const bool ok = std::fwrite(table.data(), 1, table.size(), f) == table.size();
    return (std::fclose(f) == 0) && ok && std::rename(tmp.c_str(), path_.c_str()) == 0;
  }

  std::string path_;
};

}  // namespace

PHPEEK_DEFINE_PLUGIN_WITH_KEYS(TableWriter, "table-writer", "1.0.0",
                               "Writes the process table as JSON to a file on every change",
                               "table_writer_file")
