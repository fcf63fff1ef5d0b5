// Test certificates; see test_certificates.h.
#include "test_certificates.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

extern char** environ;

namespace nightjar::testing {
namespace {

// Runs /usr/bin/openssl with `args`, output to <dir>/openssl.log; returns "" or what went wrong.
std::string OpenSsl(const std::string& dir, const std::vector<std::string>& args) {
  const std::string program = "/usr/bin/openssl";
  const std::string log_path = dir + "/openssl.log";
  int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) return "cannot open " + log_path + ": " + std::strerror(errno);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, log_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, log_fd, STDERR_FILENO);
  std::vector<char*> argv = {const_cast<char*>(program.c_str())};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(log_fd);
  if (rc != 0) return "cannot start " + program + " (install openssl): " + std::strerror(rc);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  std::ifstream log(log_path);
  std::stringstream text;
  text << log.rdbuf();
  return "openssl " + args.front() + " failed: " + text.str();
}

void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// A self-signed CA: its certificate and key.
std::string MakeCa(const std::string& dir, const std::string& cert, const std::string& key,
                   const std::string& name) {
  return OpenSsl(
      dir, {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=" + name});
}

// A key and a certificate for `subject` signed by the CA, with the extensions in `ext_file`.
std::string MakeLeaf(const std::string& dir, const std::string& stem, const std::string& subject,
                     const std::string& ca_cert, const std::string& ca_key,
                     const std::string& ext_file, const std::string& cert, const std::string& key) {
  std::string csr = dir + "/" + stem + ".csr";
  std::string error =
      OpenSsl(dir, {"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", csr, "-subj", subject});
  if (!error.empty()) return error;
  return OpenSsl(dir, {"x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key,
                       "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext_file});
}

}  // namespace

TestCertificates MakeTestCertificates(const std::string& dir) {
  TestCertificates c;
  c.ca_file = dir + "/ca.pem";
  c.cert_file = dir + "/server.pem";
  c.key_file = dir + "/server-key.pem";
  c.client_cert_file = dir + "/client.pem";
  c.client_key_file = dir + "/client-key.pem";
  c.other_ca_file = dir + "/other-ca.pem";
  c.other_client_cert_file = dir + "/other-client.pem";
  c.other_client_key_file = dir + "/other-client-key.pem";
  std::string ca_key = dir + "/ca-key.pem";
  std::string other_ca_key = dir + "/other-ca-key.pem";
  std::string server_ext = dir + "/server.ext";
  std::string client_ext = dir + "/client.ext";
  WriteFile(server_ext, "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  WriteFile(client_ext, "extendedKeyUsage=clientAuth\n");
  c.error = MakeCa(dir, c.ca_file, ca_key, "Nightjar Test CA");
  if (c.error.empty()) {
    c.error = MakeLeaf(dir, "server", "/CN=localhost", c.ca_file, ca_key, server_ext, c.cert_file,
                       c.key_file);
  }
  if (c.error.empty()) {
    c.error = MakeLeaf(dir, "client", "/CN=nightjar-agent", c.ca_file, ca_key, client_ext,
                       c.client_cert_file, c.client_key_file);
  }
  if (c.error.empty()) c.error = MakeCa(dir, c.other_ca_file, other_ca_key, "Other Test CA");
  if (c.error.empty()) {
    c.error = MakeLeaf(dir, "other-client", "/CN=intruder", c.other_ca_file, other_ca_key,
                       client_ext, c.other_client_cert_file, c.other_client_key_file);
  }
  return c;
}

}  // namespace nightjar::testing
