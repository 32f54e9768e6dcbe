// Remembers the last rendering of a host snapshot, keyed on the snapshot's exact bytes. The
// process list is asked for far more often than it changes (a dashboard polls it, a load test
// hammers it), and parsing the host's JSON into a tree and writing it again was about half of the
// daemon's CPU per request; comparing ~9 KB against the previous input costs a memcmp.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace phpeek::rest {

class RenderCache {
 public:
  using RenderFn = bool (*)(std::string_view input, std::string* out, std::string* err);

  explicit RenderCache(RenderFn render) : render_(render) {}

  // Sets *body to render(input): the previous body, shared, when `input` is byte-identical to the
  // input it was rendered from; otherwise a new rendering, which then replaces the remembered
  // one. Failed renderings are not remembered. Thread-safe: concurrent callers share one body.
  bool Render(std::string_view input, std::shared_ptr<const std::string>* body,
              std::string* err) const;

 private:
  struct Entry {
    std::string input;
    std::string body;
  };

  RenderFn render_;
  mutable std::mutex mu_;                      // held only to copy or swap `last_`, never to render
  mutable std::shared_ptr<const Entry> last_;  // guarded by mu_
};

}  // namespace phpeek::rest
