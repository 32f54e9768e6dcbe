#include "tests/support/test_certificates.h"

#include <vector>

namespace phpeek::testing {
namespace {

// Runs openssl; false with the command's stderr in `error`.
bool Openssl(const std::vector<std::string>& args, std::string* error) {
  std::vector<std::string> argv = {"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  const RunResult r = RunCommand(argv);
  if (r.exit_code == 0) return true;
  *error = "openssl " + args.front() + " failed: " + r.err;
  return false;
}

bool SelfSignedCa(const std::string& cert, const std::string& key, const std::string& name,
                  std::string* error) {
  return Openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                  "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=" + name},
                 error);
}

bool Signed(const TempDir& dir, const std::string& name, const std::string& ca_cert,
            const std::string& ca_key, const std::string& extensions, const std::string& cert,
            const std::string& key, std::string* error) {
  const std::string csr = dir.Join(name + ".csr");
  const std::string ext = dir.Write(name + ".ext", extensions);
  return Openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                  "-keyout", key, "-out", csr, "-subj", "/CN=" + name},
                 error) &&
         Openssl({"x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial",
                  "-out", cert, "-days", "2", "-extfile", ext},
                 error);
}

}  // namespace

TestCertificates MakeTestCertificates(const TempDir& dir) {
  TestCertificates c;
  c.ca_cert = dir.Join("ca.crt");
  c.ca_key = dir.Join("ca.key");
  c.server_cert = dir.Join("server.crt");
  c.server_key = dir.Join("server.key");
  c.client_cert = dir.Join("client.crt");
  c.client_key = dir.Join("client.key");
  c.other_ca_cert = dir.Join("other-ca.crt");
  c.other_ca_key = dir.Join("other-ca.key");
  c.other_client_cert = dir.Join("other-client.crt");
  c.other_client_key = dir.Join("other-client.key");
  const std::string server_ext =
      "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nextendedKeyUsage=serverAuth\n";
  const std::string client_ext = "extendedKeyUsage=clientAuth\n";
  (void)(SelfSignedCa(c.ca_cert, c.ca_key, "phpeek-test-ca", &c.error) &&
         SelfSignedCa(c.other_ca_cert, c.other_ca_key, "phpeek-other-ca", &c.error) &&
         Signed(dir, "server", c.ca_cert, c.ca_key, server_ext, c.server_cert, c.server_key,
                &c.error) &&
         Signed(dir, "client", c.ca_cert, c.ca_key, client_ext, c.client_cert, c.client_key,
                &c.error) &&
         Signed(dir, "other-client", c.other_ca_cert, c.other_ca_key, client_ext,
                c.other_client_cert, c.other_client_key, &c.error));
  return c;
}

}  // namespace phpeek::testing
