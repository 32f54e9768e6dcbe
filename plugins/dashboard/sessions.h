// Signed-in browsers. With api_auth set, the page sends the token once (POST /login) and gets a
// session: a random id in an HttpOnly, SameSite=Strict cookie, and a CSRF token the page sends
// back in X-CSRF-Token with every action. Without api_auth every page gets a session at once
// (GET /session), so actions still need the CSRF token another site cannot read.
//
// A session ends `ttl` after it began (the cookie's Max-Age says the same), on logout, or when the
// token changes (a reload with a new api_auth signs everybody out). At most `capacity` are kept:
// a new one beyond that replaces the oldest. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace phpeek::dashboard {

// `bytes` random bytes (getrandom) as lower-case hex.
std::string RandomHex(size_t bytes);

class SessionStore {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;

  struct Session {
    std::string id;
    std::string csrf;
  };

  SessionStore(std::chrono::milliseconds ttl, size_t capacity, Now now = Clock::now);

  Session Create();
  // The live session with this id; an expired one is forgotten.
  std::optional<Session> Find(std::string_view id);
  void Remove(std::string_view id);
  void Clear();
  std::chrono::milliseconds ttl() const { return ttl_; }

 private:
  struct Kept {
    Session session;
    Clock::time_point expires;
  };

  const std::chrono::milliseconds ttl_;
  const size_t capacity_;
  const Now now_;
  std::mutex mu_;
  std::map<std::string, Kept, std::less<>> sessions_;  // guarded by mu_
};

}  // namespace phpeek::dashboard
