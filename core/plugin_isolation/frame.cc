#include "core/plugin_isolation/frame.h"

#include <cstring>

namespace phpeek::plugin_isolation {
namespace {

void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t GetLE(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

constexpr size_t kHeader = 4 + 8;  // kind, id

}  // namespace

Frame& Frame::Str(std::string_view value) {
  fields.emplace_back(value);
  return *this;
}

Frame& Frame::Int(int64_t value) {
  std::string bytes;
  PutU64(&bytes, static_cast<uint64_t>(value));
  fields.push_back(std::move(bytes));
  return *this;
}

std::string FieldReader::Str() {
  if (next_ >= frame_.fields.size()) {
    ok_ = false;
    return {};
  }
  return frame_.fields[next_++];
}

int64_t FieldReader::Int() {
  if (next_ >= frame_.fields.size() || frame_.fields[next_].size() != 8) {
    ok_ = false;
    return 0;
  }
  return static_cast<int64_t>(GetLE(frame_.fields[next_++].data(), 8));
}

std::string EncodeFrame(const Frame& frame) {
  size_t body = kHeader;
  for (const auto& f : frame.fields) body += 4 + f.size();
  const bool fits = body <= kMaxFrameBytes;
  std::string out;
  out.reserve(4 + (fits ? body : kHeader));
  PutU32(&out, static_cast<uint32_t>(fits ? body : kHeader));
  PutU32(&out, frame.kind);
  PutU64(&out, frame.id);
  if (!fits) return out;
  for (const auto& f : frame.fields) {
    PutU32(&out, static_cast<uint32_t>(f.size()));
    out += f;
  }
  return out;
}

FrameDecoder::Result FrameDecoder::Next(Frame* out, std::string* err) {
  const size_t avail = buffer_.size() - start_;
  if (avail < 4) return Result::kNeedMore;
  const char* p = buffer_.data() + start_;
  const uint64_t body = GetLE(p, 4);
  if (body < kHeader || body > kMaxFrameBytes) {
    *err = "frame of " + std::to_string(body) + " bytes (allowed: " + std::to_string(kHeader) +
           " to " + std::to_string(kMaxFrameBytes) + ")";
    return Result::kError;
  }
  if (avail < 4 + body) return Result::kNeedMore;
  Frame frame(static_cast<uint32_t>(GetLE(p + 4, 4)), GetLE(p + 8, 8));
  size_t at = 4 + kHeader;
  while (at < 4 + body) {
    if (4 + body - at < 4) {
      *err = "field length cut short in a frame of kind " + std::to_string(frame.kind);
      return Result::kError;
    }
    const uint64_t len = GetLE(p + at, 4);
    at += 4;
    if (len > 4 + body - at) {
      *err = "field of " + std::to_string(len) + " bytes overruns a frame of kind " +
             std::to_string(frame.kind);
      return Result::kError;
    }
    frame.fields.emplace_back(p + at, len);
    at += len;
  }
  start_ += 4 + body;
  // Compact once the consumed part dominates, so a long-lived stream does not grow the buffer.
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  } else if (start_ > 65536 && start_ * 2 > buffer_.size()) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  *out = std::move(frame);
  return Result::kFrame;
}

}  // namespace phpeek::plugin_isolation
