// The `global:` block that plugins read (config_get_json, config_get_string), in the normal form.
// A reload replaces it while plugin threads read it: readers take the current text as a shared
// pointer, so each lookup sees one whole block, the old or the new.
#pragma once

#include <memory>
#include <mutex>
#include <string>

namespace phpeek::plugin_host {

class GlobalJson {
 public:
  explicit GlobalJson(std::string text = "{}")
      : text_(std::make_shared<const std::string>(std::move(text))) {}

  std::shared_ptr<const std::string> Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return text_;
  }
  void Set(std::string text) {
    auto next = std::make_shared<const std::string>(std::move(text));
    std::lock_guard<std::mutex> lock(mu_);
    text_ = std::move(next);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const std::string> text_;  // guarded by mu_
};

}  // namespace phpeek::plugin_host
