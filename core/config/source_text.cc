#include "core/config/source_text.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "core/text/utf8.h"

namespace phpeek::config {
namespace {

void AddError(const std::string& file, SourcePos pos, const std::string& message,
              const std::string& hint, Diagnostics* diagnostics) {
  diagnostics->push_back({Severity::kError, file, pos, "", message, hint});
}

bool IsBlank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

void TooLarge(const std::string& file, size_t size, Diagnostics* diagnostics) {
  AddError(file, {},
           "file is too large (" + std::to_string(size) + " bytes, limit " +
               std::to_string(kMaxConfigBytes) + ")",
           "is this really a configuration file?", diagnostics);
}

}  // namespace

bool ReadSourceFile(const std::string& path, std::string* text, Diagnostics* diagnostics) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    AddError(path, {}, "cannot read configuration file " + path + ": " + std::strerror(errno),
             "pass an existing file with -c FILE", diagnostics);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    AddError(path, {}, path + " is a directory, not a configuration file",
             "pass the YAML file itself, e.g. " + path + "/phpeek-pm.yaml", diagnostics);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {  // a FIFO or a device could block or never end
    AddError(path, {}, path + " is not a regular file", "pass the YAML file itself", diagnostics);
    return false;
  }
  if (static_cast<size_t>(st.st_size) > kMaxConfigBytes) {
    TooLarge(path, static_cast<size_t>(st.st_size), diagnostics);
    return false;
  }
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) {
    AddError(path, {}, "cannot open configuration file " + path + ": " + std::strerror(errno),
             "check the file's permissions", diagnostics);
    return false;
  }
  text->clear();
  char buf[65536];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) {
    text->append(buf, n);
    if (text->size() > kMaxConfigBytes) {  // the file grew while we read it
      AddError(path, {}, "file is too large (limit " + std::to_string(kMaxConfigBytes) + " bytes)",
               "", diagnostics);
      return false;
    }
  }
  if (std::ferror(f.get())) {
    AddError(path, {}, "cannot read configuration file " + path + ": " + std::strerror(errno), "",
             diagnostics);
    return false;
  }
  return true;
}

bool CheckSourceText(const std::string& text, const std::string& file, Diagnostics* diagnostics) {
  if (text.size() > kMaxConfigBytes) {
    TooLarge(file, text.size(), diagnostics);
    return false;
  }
  if (IsBlank(text)) {
    AddError(file, {}, "file is empty", "a configuration needs at least a 'processes:' map",
             diagnostics);
    return false;
  }
  int line = 1;
  int column = 1;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '\0') {
      AddError(file, {line, column}, "file contains a NUL byte: this is a binary file, not YAML",
               "", diagnostics);
      return false;
    }
    const size_t len = text::Utf8SequenceLength(text, i);
    if (len == 0) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[i]));
      AddError(file, {line, column}, std::string("invalid UTF-8 byte ") + hex,
               "save the file as UTF-8", diagnostics);
      return false;
    }
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += len;
  }
  return true;
}

}  // namespace phpeek::config
