// Certificates for the TLS tests, made by the openssl CLI into a test's temporary folder: a CA, a
// server certificate for 127.0.0.1, ::1 and localhost signed by it, a client certificate signed
// by it, and a second ("wrong") CA with a client certificate of its own. EC P-256 keys, valid for
// two days: the whole set takes a few tens of milliseconds.
#pragma once

#include <string>

#include "tests/support/test_support.h"

namespace phpeek::testing {

struct TestCertificates {
  std::string ca_cert, ca_key;
  std::string server_cert, server_key;
  std::string client_cert, client_key;
  std::string other_ca_cert, other_ca_key;
  std::string other_client_cert, other_client_key;  // signed by the other CA
  std::string error;                                // non-empty: making them failed (says why)
};

TestCertificates MakeTestCertificates(const TempDir& dir);

}  // namespace phpeek::testing
