// The body of a streaming answer (Server-Sent Events): a handler answers with HttpResponse::stream
// set, the server sends the head (no Content-Length, "Connection: close": the body ends with the
// connection), then whatever is written to the stream, as the socket takes it. No thread waits on
// a stream: writers append from any thread, the server's I/O thread sends.
//
// Bounded: what waits for the socket never exceeds max_queued_bytes (beyond one batch the I/O
// thread has taken and is sending), save for a single write into an empty queue, which is always
// taken; a write that would pass it is refused whole (kFull) and the writer decides (an SSE feed
// ends the stream with a last message, see Finish). The stream ends
// when the client goes away (it closed, or a send failed), when it does not take what is queued
// within the server's write timeout, at the server's Stop, or at Finish once the rest is sent;
// writers then see closed() and kClosed, and drop their reference whenever they like.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace phpeek::http {

class ResponseStream {
 public:
  enum class WriteResult {
    kQueued,  // appended; the server sends it
    kFull,    // nothing appended: it would pass max_queued_bytes
    kClosed,  // nothing appended: the stream has ended
  };

  explicit ResponseStream(size_t max_queued_bytes) : max_queued_(max_queued_bytes) {}
  ResponseStream(const ResponseStream&) = delete;
  ResponseStream& operator=(const ResponseStream&) = delete;

  // --- writers (any thread) ---
  WriteResult Write(std::string_view bytes);
  // Appends `last` whatever the bound (a final message) and ends the stream: the server sends
  // what is queued, then closes the connection. Later writes answer kClosed. Idempotent.
  void Finish(std::string_view last = {});
  // Finish was called, or the connection is over: nothing written now will be sent.
  bool closed() const;
  // Bytes written and not yet taken by the server.
  size_t queued_bytes() const;
  size_t max_queued_bytes() const { return max_queued_; }

  // --- the server (its I/O thread) ---
  // The connection now carries this stream; `wake` is called (under the stream's lock, so it must
  // only queue a notice) when bytes arrive in an empty queue, and at Finish.
  void Attach(std::function<void()> wake);
  // Takes everything queued; *finished: Finish was called and nothing is left after this.
  std::string Take(bool* finished);
  // The connection is over: closed() from now on, `wake` is never called again.
  void Detach();

 private:
  const size_t max_queued_;
  mutable std::mutex mu_;
  std::string queue_;           // guarded by mu_
  bool finished_ = false;       // guarded by mu_: Finish was called
  bool detached_ = false;       // guarded by mu_
  bool wake_pending_ = false;   // guarded by mu_: woken, not taken since
  std::function<void()> wake_;  // guarded by mu_
};

}  // namespace phpeek::http
