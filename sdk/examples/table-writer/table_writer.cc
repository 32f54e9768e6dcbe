// table-writer: keeps a JSON file with the current process table, rewritten on every state change,
// spawn and exit. Other tools (a health probe, a dashboard, a shell script) read the file instead
// of talking to the daemon. Configure it in phpeek-pm.yaml:
//
//   global:
//     plugins: [/usr/lib/phpeek-pm/plugins/table-writer.so]
//     table_writer_file: /run/phpeek-pm/processes.json
//
// The file is replaced atomically (write to a temporary file, then rename), so a reader never sees
// half a table. The key is declared with a type (ABI 1.1), so `phpeek-pm check-config` checks it
// like the daemon's own keys, and a relative path arrives absolute (from the configuration file's
// folder).
#include <cstdio>
#include <phpeek/plugin.hpp>
#include <string>

namespace {

class TableWriter : public phpeek::v1::Plugin {
 public:
  TableWriter(phpeek::v1::Host host, const std::string& /*config_json*/) : Plugin(host) {
    // validateConfig made sure it is set.
    const phpeek::v1::Status s = host.configString("/table_writer_file", &path_);
    if (!s.ok()) throw phpeek::v1::Error(s.code, "global.table_writer_file: " + s.message);
  }

  // Runs before init, and in check-config: a key no type can make required.
  static void validateConfig(const phpeek::v1::ConfigCheck& config) {
    std::string path;
    if (!config.text("table_writer_file", &path)) {
      config.error("table_writer_file", "is required: the file table-writer writes the table to",
                   "table_writer_file: /run/phpeek-pm/processes.json");
    }
  }

  phpeek::v1::Status start() override {
    if (!Write())
      return phpeek::v1::Status::Error(PHPEEK_E_INVALID_ARGUMENT, "cannot write " + path_);
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

const phpeek_config_key kKeys[] = {
    {"table_writer_file", "File the process table is written to (JSON, replaced atomically)",
     PHPEEK_KEY_PATH, 0, 0, 0, nullptr, nullptr},
};

}  // namespace

// min_host_minor 1: typed keys need a 1.1 host.
PHPEEK_DEFINE_PLUGIN_WITH_SCHEMA(TableWriter, "table-writer", "1.0.0",
                                 "Writes the process table as JSON to a file on every change",
                                 kKeys, 1)
