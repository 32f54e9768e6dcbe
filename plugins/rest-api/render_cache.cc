#include "plugins/rest-api/render_cache.h"

#include <utility>

namespace phpeek::rest {

bool RenderCache::Render(std::string_view input, std::shared_ptr<const std::string>* body,
                         std::string* err) const {
  std::shared_ptr<const Entry> last;
  {
    std::lock_guard<std::mutex> lock(mu_);
    last = last_;
  }
  if (last == nullptr || last->input != input) {
    // Rendered outside the lock: concurrent misses render in parallel and the last one to finish
    // is remembered; every one of them answers with its own, correct, body.
    auto fresh = std::make_shared<Entry>();
    if (!render_(input, &fresh->body, err)) return false;
    fresh->input.assign(input);
    last = std::move(fresh);
    std::lock_guard<std::mutex> lock(mu_);
    last_ = last;
  }
  // Aliasing: the body keeps its whole entry alive, however often the cache moves on meanwhile.
  *body = std::shared_ptr<const std::string>(last, &last->body);
  return true;
}

}  // namespace phpeek::rest
