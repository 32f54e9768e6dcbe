#include "core/plugin_host/sink.h"

namespace phpeek::plugin_host {
namespace {

void AppendToString(void* ctx, const char* data, size_t len) {
  if (data != nullptr) static_cast<std::string*>(ctx)->append(data, len);
}

}  // namespace

void Emit(phpeek_sink* sink, std::string_view text) {
  if (sink != nullptr && sink->write != nullptr) sink->write(sink->ctx, text.data(), text.size());
}

phpeek_sink StringSink(std::string* out) { return phpeek_sink{out, &AppendToString}; }

}  // namespace phpeek::plugin_host
