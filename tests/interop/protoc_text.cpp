// Runs protoc --decode; see protoc_text.h.
#include "protoc_text.h"

#include <atomic>
#include <chrono>
#include <vector>

#include "child_process.h"
#include "test_env.h"

namespace nightjar::interop {
namespace {

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return lines;
}

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

// True when `line` opens a message of one of `fields` and `next` closes it at the same indent.
bool IsEmptyMessage(std::string_view line, std::string_view next,
                    std::initializer_list<std::string_view> fields) {
  std::string_view opening = TrimLeft(line);
  size_t indent = line.size() - opening.size();
  if (TrimLeft(next) != "}" || next.size() != indent + 1) return false;
  for (std::string_view field : fields) {
    if (opening.size() == field.size() + 2 && opening.starts_with(field) &&
        opening.ends_with(" {")) {
      return true;
    }
  }
  return false;
}

}  // namespace

Result<std::string> ProtocDecode(std::string_view message_type, std::string_view proto_file,
                                 std::string_view bytes, const std::filesystem::path& scratch) {
  NJ_ASSIGN_OR_RETURN(std::string protoc, ProtocPath());
  static std::atomic<int> counter{0};
  std::filesystem::path input = scratch / ("protoc-input-" + std::to_string(++counter) + ".bin");
  NJ_RETURN_IF_ERROR(WriteFile(input, bytes));
  ProcessResult run = RunProcess({protoc, "--decode=" + std::string(message_type),
                                  "--proto_path=" + ProtoDir().string(), std::string(proto_file)},
                                 MinimalEnvironment(), std::chrono::seconds(60), input.string());
  if (!run.Succeeded()) return Internal("protoc --decode " + run.Describe());
  return run.stdout_text;
}

std::string DropEmptyMessages(std::string_view text,
                              std::initializer_list<std::string_view> fields) {
  std::vector<std::string_view> lines = Lines(text);
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i + 1 < lines.size() && IsEmptyMessage(lines[i], lines[i + 1], fields)) {
      ++i;  // skips the closing line too
      continue;
    }
    out.append(lines[i]);
    out.push_back('\n');
  }
  return out;
}

std::string FirstDifference(std::string_view a, std::string_view b) {
  std::vector<std::string_view> la = Lines(a);
  std::vector<std::string_view> lb = Lines(b);
  size_t i = 0;
  while (i < la.size() && i < lb.size() && la[i] == lb[i]) ++i;
  if (i == la.size() && i == lb.size()) return {};
  std::string out = "first difference at line " + std::to_string(i + 1) + "\n";
  auto context = [&](const char* name, const std::vector<std::string_view>& lines) {
    out += std::string("--- ") + name + " ---\n";
    size_t from = i >= 6 ? i - 6 : 0;
    for (size_t k = from; k < std::min(lines.size(), i + 4); ++k) {
      out += (k == i ? "> " : "  ");
      out.append(lines[k]);
      out += "\n";
    }
    if (i >= lines.size()) out += "> <end of text>\n";
  };
  context("first", la);
  context("second", lb);
  return out;
}

}  // namespace nightjar::interop
