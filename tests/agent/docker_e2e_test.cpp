// The Docker input against a real Docker engine: the agent binary reads real containers'
// json-file logs and ships them to a test receiver.
//
// The engine is started once for this test binary by ../shared/tools/docker-sandbox.sh (no
// network bridge; containers run with --network none; image nightjar-test/busybox:latest) and
// stopped at the end. Without an engine every test fails with the reason.
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "agent_process.h"
#include "temp_dir.h"
#include "test_receiver.h"

namespace nightjar::agent::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto kWait = std::chrono::seconds(90);
constexpr char kImage[] = "nightjar-test/busybox:latest";

struct CommandResult {
  int code = -1;
  std::string output;
};

// Runs `command` with sh, stdout and stderr together.
CommandResult Shell(const std::string& command) {
  CommandResult r;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  while (!r.output.empty() && (r.output.back() == '\n' || r.output.back() == ' ')) {
    r.output.pop_back();
  }
  return r;
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The Docker engine of this test binary.
struct Sandbox {
  std::string script;
  std::string dir;
  std::string socket;
  std::string data_root;
  std::string error;  // why there is no engine
};

Sandbox& Engine() {
  static Sandbox sandbox;
  return sandbox;
}

std::string SandboxScript() {
  if (const char* s = std::getenv("NIGHTJAR_DOCKER_SANDBOX")) return s;
  return NJ_DOCKER_SANDBOX;
}

class DockerEngineEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    Sandbox& e = Engine();
    e.script = SandboxScript();
    if (!std::filesystem::exists(e.script)) {
      e.error = "the Docker sandbox script is missing: " + e.script;
      return;
    }
    // Short: the socket path must fit a sockaddr_un.
    char pattern[] = "/tmp/nj-dock-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) {
      e.error = "cannot create a directory for the Docker engine";
      return;
    }
    e.dir = pattern;
    CommandResult r = Shell(Quote(e.script) + " start " + Quote(e.dir));
    if (r.code != 0) {
      e.error = "could not start a Docker engine with " + e.script + ": " + r.output;
      return;
    }
    e.socket = e.dir + "/docker.sock";
    e.data_root = e.dir + "/root";
    std::istringstream lines(r.output);
    for (std::string line; std::getline(lines, line);) {
      const std::string root = "export NIGHTJAR_DOCKER_ROOT=";
      if (line.rfind(root, 0) == 0) e.data_root = line.substr(root.size());
    }
  }
  void TearDown() override {
    Sandbox& e = Engine();
    if (!e.dir.empty()) Shell(Quote(e.script) + " stop " + Quote(e.dir));
  }
};

// Runs the docker CLI against the test engine.
CommandResult Docker(const std::string& args) {
  return Shell("DOCKER_HOST=unix://" + Engine().socket + " docker " + args);
}

// Stops the engine and starts it again on the same directories (containers stop with it).
bool RestartDaemon(std::string* error) {
  Sandbox& e = Engine();
  std::ifstream pid_file(e.dir + "/dockerd.pid");
  pid_t pid = 0;
  pid_file >> pid;
  if (pid <= 0) {
    *error = "no dockerd pid";
    return false;
  }
  ::kill(pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (::kill(pid, 0) == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  if (::kill(pid, 0) == 0) {
    *error = "dockerd did not stop";
    return false;
  }
  CommandResult r =
      Shell("dockerd --bridge=none --iptables=false --ip6tables=false --data-root " +
            Quote(e.dir + "/root") + " --exec-root " + Quote(e.dir + "/exec") + " -H unix://" +
            e.socket + " --pidfile " + Quote(e.dir + "/dockerd.pid") + " >>" +
            Quote(e.dir + "/dockerd.log") + " 2>&1 </dev/null & echo started");
  deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (Docker("info --format '{{.ID}}'").code == 0) return true;
    std::this_thread::sleep_for(200ms);
  }
  *error =
      "dockerd did not come back: " + Shell("tail -20 " + Quote(e.dir + "/dockerd.log")).output;
  return false;
}

std::string Attribute(const otlp::Attributes& attributes, std::string_view key) {
  const otlp::AnyValue* v = otlp::FindAttribute(attributes, key);
  return v != nullptr && v->kind() == otlp::ValueKind::kString ? v->string_value() : "";
}

class DockerInput : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Engine().error.empty())
        << "these tests need a Docker engine and could not start one: " << Engine().error;
    ASSERT_TRUE(receiver_.Start().ok());
    std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char c : test) prefix_ += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    prefix_ += "-";
  }

  void TearDown() override {
    if (agent_ && agent_->running()) agent_->Terminate();
    Docker("rm -f $(DOCKER_HOST=unix://" + Engine().socket +
           " docker ps -aq --filter name=" + prefix_ + ") >/dev/null");
  }

  void WriteConfig(const std::string& queue_max_bytes = "64MiB") {
    std::ofstream out(dir_ / "agent.yaml");
    out << "state_dir: " << dir_.path() << "/state\n"
        << "resource: {deployment.environment: test}\n"
        << "inputs:\n"
        << "  - name: containers\n"
        << "    type: docker\n"
        << "    socket: " << Engine().socket << "\n"
        << "    data_root: " << Engine().data_root << "\n"
        << "    include: {names: [\"" << prefix_ << "*\"]}\n"
        << "tail: {poll_interval: 200ms, rotate_wait: 2s}\n"
        << "batch: {max_records: 500, max_bytes: 64KiB, timeout: 20ms}\n"
        << "queue: {max_bytes: " << queue_max_bytes << "}\n"
        << "exporter:\n"
        << "  endpoint: " << receiver_.endpoint() << "\n"
        << "  timeout: 5s\n"
        << "  retry: {initial_interval: 50ms, max_interval: 300ms}\n"
        << "metrics: {listen: \"127.0.0.1:0\"}\n"
        << "shutdown: {grace_period: 10s}\n";
  }

  AgentProcess& StartAgent() {
    if (!agent_) agent_ = std::make_unique<AgentProcess>(dir_ / "agent.yaml", dir_ / "agent.log");
    EXPECT_TRUE(agent_->Start()) << agent_->Log();
    return *agent_;
  }

  // Starts a container named prefix_ + `name` running `script` with sh; returns its id.
  std::string Run(const std::string& name, const std::string& script,
                  const std::string& options = "") {
    CommandResult r = Docker("run -d --network none --name " + prefix_ + name + " " + options +
                             " " + kImage + " sh -c " + Quote(script));
    EXPECT_EQ(r.code, 0) << r.output;
    return r.output.size() >= 64 ? r.output.substr(r.output.size() - 64) : r.output;
  }

  void WaitForExit(const std::string& id) {
    CommandResult r = Docker("wait " + id);
    EXPECT_EQ(r.code, 0) << r.output;
  }

  // Returns how many records carry each body.
  std::map<std::string, int> Bodies() const {
    std::map<std::string, int> out;
    for (const ReceivedRecord& r : receiver_.Records()) ++out[r.body];
    return out;
  }

  // Waits until every line "<tag> 1" .. "<tag> n" has arrived, then until the agent is settled
  // (everything read and delivered), and checks that each arrived exactly once.
  void ExpectNumbered(const std::string& tag, int n) {
    auto complete = [&] {
      std::map<std::string, int> bodies = Bodies();
      for (int i = 1; i <= n; ++i) {
        if (bodies.count(tag + " " + std::to_string(i)) == 0) return false;
      }
      return true;
    };
    bool done = receiver_.WaitUntil(complete, kWait);
    if (agent_ && agent_->running()) {
      EXPECT_TRUE(agent_->WaitForMetric(
          "nightjar_agent_queue_batches", [](double v) { return v == 0; }, kWait));
      EXPECT_TRUE(agent_->WaitForMetric(
          "nightjar_agent_files_unread_bytes", [](double v) { return v == 0; }, kWait));
    }
    std::map<std::string, int> bodies = Bodies();
    int missing = 0, duplicated = 0;
    std::string first_missing;
    for (int i = 1; i <= n; ++i) {
      auto it = bodies.find(tag + " " + std::to_string(i));
      if (it == bodies.end()) {
        if (missing++ == 0) first_missing = tag + " " + std::to_string(i);
      } else if (it->second > 1) {
        ++duplicated;
      }
    }
    EXPECT_TRUE(done) << "lines still missing after the wait";
    EXPECT_EQ(missing, 0) << "first missing: \"" << first_missing << "\"\n"
                          << (agent_ ? agent_->Log() : "");
    EXPECT_EQ(duplicated, 0);
  }

  TempDir dir_;
  TestReceiver receiver_;
  std::unique_ptr<AgentProcess> agent_;
  std::string prefix_;
};

TEST_F(DockerInput, ShipsStdoutAndStderrLinesWithContainerAttributes) {
  std::string id = Run("app",
                       "i=1; while [ $i -le 300 ]; do echo \"out $i\"; echo \"err $i\" >&2; "
                       "i=$((i+1)); done",
                       "--label com.docker.compose.service=shop --label tier=front");
  WaitForExit(id);
  WriteConfig();
  StartAgent();
  ExpectNumbered("out", 300);
  ExpectNumbered("err", 300);
  for (const ReceivedRecord& r : receiver_.Records()) {
    bool out = r.body.rfind("out ", 0) == 0;
    EXPECT_EQ(Attribute(r.attributes, "log.iostream"), out ? "stdout" : "stderr") << r.body;
    EXPECT_EQ(Attribute(r.resource, "container.id"), id);
    EXPECT_EQ(Attribute(r.resource, "container.name"), prefix_ + "app");
    EXPECT_EQ(Attribute(r.resource, "container.image.name"), "nightjar-test/busybox");
    EXPECT_EQ(Attribute(r.resource, "container.image.tag"), "latest");
    EXPECT_EQ(Attribute(r.resource, "service.name"), "shop");
    EXPECT_EQ(Attribute(r.resource, "deployment.environment"), "test");
    EXPECT_FALSE(Attribute(r.resource, "host.name").empty());
    // The container's time: written before the agent even started, so before it observed it.
    EXPECT_GT(r.time_unix_nano, 0u);
    EXPECT_LT(r.time_unix_nano, r.observed_time_unix_nano);
  }
}

TEST_F(DockerInput, ReadsAContainerStartedWhileTheAgentRuns) {
  WriteConfig();
  StartAgent();
  Run("late", "sleep 0.5; i=1; while [ $i -le 500 ]; do echo \"late $i\"; i=$((i+1)); done");
  ExpectNumbered("late", 500);
}

TEST_F(DockerInput, EveryLineOfAShortLivedContainerArrives) {
  WriteConfig();
  StartAgent();
  for (int k = 0; k < 3; ++k) {
    CommandResult r = Docker("run --network none --name " + prefix_ + "brief" + std::to_string(k) +
                             " " + kImage + " sh -c " +
                             Quote("i=1; while [ $i -le 200 ]; do echo \"brief" +
                                   std::to_string(k) + " $i\"; i=$((i+1)); done"));
    ASSERT_EQ(r.code, 0) << r.output;
  }
  for (int k = 0; k < 3; ++k) ExpectNumbered("brief" + std::to_string(k), 200);
}

TEST_F(DockerInput, MergesALineDockerSplitIntoPartialEntries) {
  WriteConfig();
  StartAgent();
  std::string id = Run("long",
                       "echo before; yes 0123456789 | head -n 4096 | busybox tr -d '\\n'; echo; "
                       "echo after");
  WaitForExit(id);
  ASSERT_TRUE(receiver_.WaitUntil([&] { return Bodies().count("after") == 1; }, kWait))
      << agent_->Log();
  std::string expected;
  for (int i = 0; i < 4096; ++i) expected += "0123456789";
  std::map<std::string, int> bodies = Bodies();
  EXPECT_EQ(bodies.size(), 3u);
  EXPECT_EQ(bodies["before"], 1);
  EXPECT_EQ(bodies[expected], 1) << "the 40 KB line did not arrive as one record";
  // Docker really did split it (entries of at most 16 KiB).
  std::ifstream log(Engine().data_root + "/containers/" + id + "/" + id + "-json.log");
  int entries = 0;
  for (std::string line; std::getline(log, line);) ++entries;
  EXPECT_GE(entries, 5);
}

TEST_F(DockerInput, ShipsTheRestOfAContainerRemovedWhileBeingRead) {
  WriteConfig(/*queue_max_bytes=*/"128KiB");
  StartAgent();
  receiver_.Stop();  // the queue fills and reading pauses: the log is not read to its end
  std::string id = Run("gone",
                       "i=1; while [ $i -le 20000 ]; do echo \"gone $i padding-padding\"; "
                       "i=$((i+1)); done");
  WaitForExit(id);
  ASSERT_TRUE(agent_->WaitForMetric(
      "nightjar_agent_inputs_paused", [](double v) { return v == 1; }, kWait))
      << agent_->Log();
  CommandResult rm = Docker("rm -f " + id);
  ASSERT_EQ(rm.code, 0) << rm.output;
  ASSERT_FALSE(std::filesystem::exists(Engine().data_root + "/containers/" + id));
  ASSERT_TRUE(receiver_.Start().ok());
  std::map<std::string, int> got;
  auto complete = [&] {
    size_t n = 0;
    for (const ReceivedRecord& r : receiver_.Records()) n += r.body.rfind("gone ", 0) == 0;
    return n >= 20000;
  };
  EXPECT_TRUE(receiver_.WaitUntil(complete, kWait)) << agent_->Log();
  std::map<std::string, int> bodies = Bodies();
  for (int i = 1; i <= 20000; ++i) {
    ASSERT_EQ(bodies["gone " + std::to_string(i) + " padding-padding"], 1) << i;
  }
}

TEST_F(DockerInput, AgentRestartLosesAndRepeatsNothing) {
  WriteConfig();
  StartAgent();
  std::string id = Run("steady",
                       "i=1; while [ $i -le 3000 ]; do echo \"steady $i\"; "
                       "[ $((i % 50)) -eq 0 ] && sleep 0.05; i=$((i+1)); done");
  ASSERT_TRUE(receiver_.WaitUntil([&] { return receiver_.record_count() >= 200; }, kWait));
  EXPECT_EQ(agent_->Terminate(), 0);
  // The container keeps writing while the agent is down.
  std::string path = Engine().data_root + "/containers/" + id + "/" + id + "-json.log";
  uintmax_t size_at_stop = std::filesystem::file_size(path);
  auto deadline = std::chrono::steady_clock::now() + kWait;
  while (std::filesystem::file_size(path) < size_at_stop + 20000 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_GE(std::filesystem::file_size(path), size_at_stop + 20000);
  StartAgent();
  WaitForExit(id);
  ExpectNumbered("steady", 3000);
}

TEST_F(DockerInput, FollowsMaxSizeRotationUnderLoad) {
  WriteConfig();
  StartAgent();
  std::string id = Run("rot",
                       "i=1; while [ $i -le 150 ]; do seq $((i*100-99)) $((i*100)) | "
                       "while read n; do echo \"rot $n\"; done; sleep 0.02; i=$((i+1)); done",
                       "--log-opt max-size=50k --log-opt max-file=3");
  WaitForExit(id);
  ExpectNumbered("rot", 15000);
  // Docker did rotate: far more was written than the files it keeps can hold.
  std::optional<double> rotations =
      agent_->Metric("nightjar_agent_file_rotations_total{input=\"containers\",kind=\"rename\"}");
  ASSERT_TRUE(rotations.has_value());
  EXPECT_GE(*rotations, 5);
}

// Last: it restarts the engine.
TEST_F(DockerInput, SurvivesTheDaemonRestarting) {
  WriteConfig();
  StartAgent();
  std::string before = Run("before",
                           "i=1; while [ $i -le 100 ]; do echo \"before $i\"; "
                           "i=$((i+1)); done");
  WaitForExit(before);
  ExpectNumbered("before", 100);
  std::string error;
  ASSERT_TRUE(RestartDaemon(&error)) << error;
  ASSERT_TRUE(agent_->WaitForLog("reconnect", kWait)) << agent_->Log();
  ASSERT_TRUE(agent_->WaitForMetric(
      "nightjar_agent_docker_reconnects_total{input=\"containers\"}",
      [](double v) { return v >= 1; }, kWait))
      << agent_->Log();
  Run("after", "i=1; while [ $i -le 100 ]; do echo \"after $i\"; i=$((i+1)); done");
  ExpectNumbered("after", 100);
  ExpectNumbered("before", 100);  // nothing read twice after the reconnection
}

}  // namespace
}  // namespace nightjar::agent::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new nightjar::agent::testing::DockerEngineEnvironment);
  return RUN_ALL_TESTS();
}
