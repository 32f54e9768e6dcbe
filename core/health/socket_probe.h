// The tcp and http probes: a non-blocking connect watched by the loop. tcp passes once the
// connection is established (then it is reset, so that thousands of probes leave no TIME_WAIT
// behind). http then sends `GET <path>` and passes when the status line carries exactly the
// expected status; redirects are not followed and the body is not read.
#pragma once

#include <string>

#include "core/config/probe_target.h"
#include "core/health/probe.h"
#include "core/health/resolver.h"
#include "core/supervisor/loop.h"

namespace phpeek::health {

class SocketProbe : public Probe {
 public:
  // `expected_status` 0: a tcp probe. `endpoint_error` non-empty: the address did not parse, and
  // every attempt fails with it.
  SocketProbe(supervisor::Loop& loop, Resolver& resolver, config::ProbeEndpoint endpoint,
              int expected_status, std::string endpoint_error);
  ~SocketProbe() override;

  void Start(Done done) override;
  void Cancel() override;

  // Bytes of the response read at most while looking for the status line.
  static constexpr size_t kMaxStatusLine = 4096;

 private:
  void Connect(const SocketAddress& address);
  void OnReady(uint32_t events);
  void OnConnected();
  void SendRequest();
  void ReadStatus();
  void Finish(bool passed, std::string detail);
  void Close();

  supervisor::Loop& loop_;
  Resolver& resolver_;
  const config::ProbeEndpoint endpoint_;
  const int expected_status_;
  const std::string endpoint_error_;
  const std::string request_;  // http: the whole request

  enum class Phase { kIdle, kResolving, kConnecting, kSending, kReading };
  Phase phase_ = Phase::kIdle;
  uint64_t lookup_ = 0;
  int fd_ = -1;
  size_t sent_ = 0;
  std::string received_;
  Done done_;
};

}  // namespace phpeek::health
