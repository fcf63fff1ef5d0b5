// Splitting a file's bytes into lines, across reads of any size, with a bound on line length.
//
// Lines are found with memchr in the chunk as read; only a line that spans two reads is copied
// (into the partial buffer). A line longer than max_line_size is either split into parts of at
// most that size (kSplit: nothing is lost) or cut to that size with the rest discarded up to the
// next newline (kTruncate); cuts fall on UTF-8 character boundaries. "\r\n" endings lose their
// "\r". Every line is reported with its byte range in the file, so that the caller can
// checkpoint exactly after the last line it shipped.
//
// Thread-safety: one assembler per file, used by the tail thread only.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace nightjar::agent {

enum class LongLines : uint8_t { kSplit, kTruncate };

class LineAssembler {
 public:
  LineAssembler(size_t max_line_size, LongLines mode) : max_(max_line_size), mode_(mode) {}

  // Feeds `chunk`, which starts at file offset `offset`, calling
  //   bool on_line(std::string_view line, uint64_t start, uint64_t end)
  // for each complete line (or part of a long line); [start, end) is its range in the file,
  // newline included. When on_line returns false, Feed stops after that line and returns how
  // many bytes of the chunk it consumed; otherwise it consumes the whole chunk, keeping an
  // unfinished last line as the partial line.
  template <typename OnLine>
  size_t Feed(std::string_view chunk, uint64_t offset, OnLine&& on_line);

  // Reports the partial line, if any, as a line: for a file that will not grow any more.
  template <typename OnLine>
  bool FlushPartial(OnLine&& on_line);

  // Forgets all state; the next byte fed is at `offset`. `discarding` resumes inside an
  // over-long line that is being cut (kTruncate).
  void Reset(uint64_t offset, bool discarding = false) {
    partial_.clear();
    if (partial_.capacity() > kKeepCapacity) partial_.shrink_to_fit();
    partial_start_ = offset;
    discarding_ = discarding;
    discard_start_ = offset;
    in_split_ = false;
  }

  bool discarding() const { return discarding_; }
  // Returns where the over-long line being cut was cut (valid while discarding()).
  uint64_t discard_start() const { return discard_start_; }
  size_t partial_size() const { return partial_.size(); }
  // How many over-long lines were split or truncated so far.
  uint64_t lines_split() const { return lines_split_; }
  uint64_t lines_truncated() const { return lines_truncated_; }

 private:
  // A partial buffer larger than this is released after use, so that one long line does not
  // keep memory for the life of the file.
  static constexpr size_t kKeepCapacity = 64 * 1024;

  static std::string_view StripCr(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }

  // Returns where to cut `s` to keep at most `room` bytes without splitting a UTF-8 sequence.
  static size_t Cut(std::string_view s, size_t room) {
    if (room >= s.size()) return s.size();
    size_t cut = room;
    for (int back = 0; back < 3 && cut > 0 && (static_cast<uint8_t>(s[cut]) & 0xC0) == 0x80;
         ++back) {
      --cut;
    }
    return cut > 0 ? cut : room;
  }

  template <typename OnLine>
  bool EmitPartial(uint64_t end, OnLine& on_line) {
    bool go_on = on_line(std::string_view(partial_), partial_start_, end);
    partial_.clear();
    if (partial_.capacity() > kKeepCapacity) partial_.shrink_to_fit();
    partial_start_ = end;
    return go_on;
  }

  size_t max_;
  LongLines mode_;
  std::string partial_;
  uint64_t partial_start_ = 0;
  bool discarding_ = false;
  uint64_t discard_start_ = 0;
  bool in_split_ = false;
  uint64_t lines_split_ = 0;
  uint64_t lines_truncated_ = 0;
};

template <typename OnLine>
size_t LineAssembler::Feed(std::string_view chunk, uint64_t offset, OnLine&& on_line) {
  const char* data = chunk.data();
  const size_t n = chunk.size();
  size_t pos = 0;
  while (pos < n) {
    const char* nl = static_cast<const char*>(std::memchr(data + pos, '\n', n - pos));
    size_t line_end = nl != nullptr ? static_cast<size_t>(nl - data) : n;
    std::string_view segment(data + pos, line_end - pos);
    if (discarding_) {
      if (nl == nullptr) return n;
      discarding_ = false;
      pos = line_end + 1;
      partial_start_ = offset + pos;
      continue;
    }
    if (partial_.empty() && nl != nullptr && segment.size() <= max_) {
      // The common case: a whole line inside the chunk, reported without a copy.
      uint64_t start = offset + pos;
      pos = line_end + 1;
      in_split_ = false;
      partial_start_ = offset + pos;
      if (!on_line(StripCr(segment), start, offset + pos)) return pos;
      continue;
    }
    if (partial_.empty()) partial_start_ = offset + pos;
    if (partial_.size() + segment.size() > max_) {
      size_t cut = Cut(segment, max_ - partial_.size());
      partial_.append(segment.substr(0, cut));
      pos += cut;
      uint64_t end = offset + pos;
      if (mode_ == LongLines::kSplit) {
        if (!in_split_) ++lines_split_;
        in_split_ = true;
      } else {
        ++lines_truncated_;
        discarding_ = true;
        discard_start_ = end;
      }
      if (!EmitPartial(end, on_line)) return pos;
      continue;
    }
    partial_.append(segment);
    if (nl == nullptr) return n;
    pos = line_end + 1;
    in_split_ = false;
    // The partial buffer now holds the whole line; report it without its "\r".
    if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
    if (!EmitPartial(offset + pos, on_line)) return pos;
  }
  return n;
}

template <typename OnLine>
bool LineAssembler::FlushPartial(OnLine&& on_line) {
  if (partial_.empty()) return false;
  EmitPartial(partial_start_ + partial_.size(), on_line);
  return true;
}

}  // namespace nightjar::agent
