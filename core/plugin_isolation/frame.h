// One message between the daemon and a plugin-host helper (plugin_host_main.h): a kind, a request
// id and a list of fields, each bytes or a 64-bit integer. On the wire (one byte stream, the
// socket pair): u32 body length, then the body: u32 kind, u64 id, then per field u32 length and
// its bytes; integers are fields of 8 bytes, little-endian. Every length is checked against
// kMaxFrameBytes, so a peer that writes garbage gets an error, never an allocation of its choice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace phpeek::plugin_isolation {

// A process list of a large deployment fits many times over; anything longer is a broken peer.
inline constexpr size_t kMaxFrameBytes = 64u << 20;

struct Frame {
  uint32_t kind = 0;
  uint64_t id = 0;  // pairs a reply with its request; 0 for messages that get no reply
  std::vector<std::string> fields;

  Frame() = default;
  Frame(uint32_t k, uint64_t i) : kind(k), id(i) {}
  Frame& Str(std::string_view value);
  Frame& Int(int64_t value);
};

// Reads the fields of a frame in order; any read past the end or of the wrong size makes ok()
// false (and returns an empty or zero value), so a handler checks once at the end.
class FieldReader {
 public:
  explicit FieldReader(const Frame& frame) : frame_(frame) {}
  std::string Str();
  int64_t Int();
  bool ok() const { return ok_; }

 private:
  const Frame& frame_;
  size_t next_ = 0;
  bool ok_ = true;
};

// The frame's bytes on the wire. A frame over kMaxFrameBytes is a bug of the sender: it is
// replaced by the same kind and id with no fields (the receiver then sees a malformed message).
std::string EncodeFrame(const Frame& frame);

// Takes bytes as they come and hands out whole frames.
class FrameDecoder {
 public:
  void Feed(const char* data, size_t len) { buffer_.append(data, len); }
  enum class Result { kFrame, kNeedMore, kError };
  // kError: the stream is corrupt (the reason in *err); nothing more can be read from it.
  Result Next(Frame* out, std::string* err);

 private:
  std::string buffer_;
  size_t start_ = 0;  // the first unread byte of buffer_
};

}  // namespace phpeek::plugin_isolation
