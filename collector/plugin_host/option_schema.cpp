// Declared option tables and their validation; see option_schema.h.
#include "plugin_host/option_schema.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "base/suggest.h"
#include "runtime/units.h"

namespace nightjar::plugins {
namespace {

std::string Quote(std::string_view s) {
  std::string out = "\"";
  out.append(s.substr(0, 80));
  if (s.size() > 80) out += "...";
  return out + "\"";
}

std::string FormatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.15g", v);
  return buf;
}

std::string_view Expected(uint32_t type) {
  switch (type) {
    case NJ_OPTION_STRING:
      return "a string";
    case NJ_OPTION_INT:
      return "an integer";
    case NJ_OPTION_DOUBLE:
      return "a number";
    case NJ_OPTION_BOOL:
      return "true or false";
    case NJ_OPTION_DURATION:
      return "a duration like \"30s\", \"250ms\" or \"1h30m\"";
    case NJ_OPTION_STRING_LIST:
      return "a string or a list of strings";
    case NJ_OPTION_STRING_MAP:
      return "a mapping of keys to strings";
    default:
      return "a value";
  }
}

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > 64 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> SplitChoices(const char* choices) {
  std::vector<std::string> out;
  if (choices == nullptr) return out;
  std::string_view rest(choices);
  while (true) {
    size_t bar = rest.find('|');
    out.emplace_back(rest.substr(0, bar));
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 1);
  }
  return out;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// A parsed value before it is laid out for the plugin.
struct Parsed {
  bool is_set = false;
  int64_t int_value = 0;
  double double_value = 0;
  std::string string_value;
  std::vector<std::string> list;
  std::vector<std::pair<std::string, std::string>> map;
  std::string display;
};

Status CheckRange(const OptionDecl& decl, double value, std::string_view shown) {
  if ((decl.flags & NJ_OPTION_RANGE) == 0) return Status::Ok();
  if (value >= decl.min_value && value <= decl.max_value) return Status::Ok();
  auto bound = [&](double v) {
    return decl.type == NJ_OPTION_DURATION ? FormatDuration(Duration(static_cast<int64_t>(v)))
                                           : FormatNumber(v);
  };
  return InvalidArgument("must be between " + bound(decl.min_value) + " and " +
                         bound(decl.max_value) + ", got " + std::string(shown));
}

// Parses the text of a scalar option (a user value or a declared default).
Status ParseScalar(const OptionDecl& decl, const std::string& text, Parsed* out) {
  auto mistyped = [&] {
    return InvalidArgument("expected " + std::string(Expected(decl.type)) + ", got " + Quote(text));
  };
  out->is_set = true;
  out->display = text;
  switch (decl.type) {
    case NJ_OPTION_STRING:
      if (!decl.choices.empty() &&
          std::find(decl.choices.begin(), decl.choices.end(), text) == decl.choices.end()) {
        return InvalidArgument("expected one of " + JoinNames(decl.choices) + ", got " +
                               Quote(text));
      }
      out->string_value = text;
      return Status::Ok();
    case NJ_OPTION_INT: {
      char* end = nullptr;
      errno = 0;
      long long v = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || errno != 0) return mistyped();
      out->int_value = v;
      return CheckRange(decl, static_cast<double>(v), text);
    }
    case NJ_OPTION_DOUBLE: {
      char* end = nullptr;
      double v = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || !std::isfinite(v)) return mistyped();
      out->double_value = v;
      return CheckRange(decl, v, text);
    }
    case NJ_OPTION_BOOL:
      for (const char* yes : {"true", "yes", "on"}) {
        if (EqualsIgnoreCase(text, yes)) {
          out->int_value = 1;
          return Status::Ok();
        }
      }
      for (const char* no : {"false", "no", "off"}) {
        if (EqualsIgnoreCase(text, no)) {
          out->int_value = 0;
          return Status::Ok();
        }
      }
      return mistyped();
    case NJ_OPTION_DURATION: {
      std::optional<Duration> d = ParseDuration(text);
      if (!d) return mistyped();
      out->int_value = d->count();
      return CheckRange(decl, static_cast<double>(d->count()), text);
    }
    case NJ_OPTION_STRING_LIST:
      out->list = {text};
      return Status::Ok();
    default:
      return mistyped();
  }
}

std::string_view ShapeName(OptionInput::Shape shape) {
  switch (shape) {
    case OptionInput::Shape::kScalar:
      return "a single value";
    case OptionInput::Shape::kList:
      return "a list";
    case OptionInput::Shape::kMap:
      return "a mapping";
    case OptionInput::Shape::kInvalid:
      break;
  }
  return "an unusable value";
}

Status ParseInput(const OptionDecl& decl, const OptionInput& input, Parsed* out) {
  if (input.shape == OptionInput::Shape::kInvalid) {
    return InvalidArgument(input.problem.empty() ? "unusable value" : input.problem);
  }
  if (decl.type == NJ_OPTION_STRING_LIST && input.shape == OptionInput::Shape::kList) {
    out->is_set = true;
    out->list = input.list;
    for (const std::string& item : input.list)
      out->display += (out->display.empty() ? "" : ",") + item;
    return Status::Ok();
  }
  if (decl.type == NJ_OPTION_STRING_MAP && input.shape == OptionInput::Shape::kMap) {
    out->is_set = true;
    out->map = input.map;
    for (const auto& [k, v] : input.map) {
      out->display += (out->display.empty() ? "" : ",") + k + "=" + v;
    }
    return Status::Ok();
  }
  if (decl.type != NJ_OPTION_STRING_MAP && input.shape == OptionInput::Shape::kScalar) {
    return ParseScalar(decl, input.scalar, out);
  }
  return InvalidArgument("expected " + std::string(Expected(decl.type)) + ", got " +
                         std::string(ShapeName(input.shape)));
}

// Formats an error about one option: "<where>: <message>" when the value's place is known
// (the place ends with the option's name), else "<context>: option "x": <message>".
Status OptionError(std::string_view where, std::string_view context, std::string_view name,
                   const Status& st) {
  if (!where.empty()) return InvalidArgument(std::string(where) + ": " + st.message());
  std::string message = context.empty() ? "" : std::string(context) + ": ";
  return InvalidArgument(message + "option \"" + std::string(name) + "\": " + st.message());
}

Status CheckDecl(const OptionDecl& decl) {
  const uint32_t known_flags = NJ_OPTION_REQUIRED | NJ_OPTION_SECRET | NJ_OPTION_RANGE;
  if ((decl.flags & ~known_flags) != 0) return InvalidArgument("has unknown flags");
  if (decl.type < NJ_OPTION_STRING || decl.type > NJ_OPTION_STRING_MAP) {
    return InvalidArgument("has unknown type " + std::to_string(decl.type));
  }
  bool numeric = decl.type == NJ_OPTION_INT || decl.type == NJ_OPTION_DOUBLE ||
                 decl.type == NJ_OPTION_DURATION;
  if ((decl.flags & NJ_OPTION_RANGE) != 0) {
    if (!numeric) return InvalidArgument("has a range but is not a number or a duration");
    if (!(decl.min_value <= decl.max_value)) return InvalidArgument("has a range with min > max");
  }
  if (!decl.choices.empty() && decl.type != NJ_OPTION_STRING) {
    return InvalidArgument("has choices but is not a string");
  }
  if (decl.default_value) {
    if (decl.required()) return InvalidArgument("is required and also has a default");
    if (decl.type == NJ_OPTION_STRING_LIST || decl.type == NJ_OPTION_STRING_MAP) {
      return InvalidArgument("is a list or mapping and cannot have a default");
    }
    Parsed ignored;
    Status st = ParseScalar(decl, *decl.default_value, &ignored);
    if (!st.ok()) return InvalidArgument("has an invalid default: " + st.message());
  }
  return Status::Ok();
}

}  // namespace

bool SameOptionInputs(const OptionInputs& a, const OptionInputs& b) {
  auto same = [](const std::pair<std::string, OptionInput>& x,
                 const std::pair<std::string, OptionInput>& y) {
    return x.first == y.first && x.second.shape == y.second.shape &&
           x.second.scalar == y.second.scalar && x.second.list == y.second.list &&
           x.second.map == y.second.map && x.second.problem == y.second.problem;
  };
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), same);
}

OptionInput OptionInput::Scalar(std::string value) {
  OptionInput in;
  in.shape = Shape::kScalar;
  in.scalar = std::move(value);
  return in;
}

OptionInput OptionInput::List(std::vector<std::string> items) {
  OptionInput in;
  in.shape = Shape::kList;
  in.list = std::move(items);
  return in;
}

OptionInput OptionInput::Map(std::vector<std::pair<std::string, std::string>> entries) {
  OptionInput in;
  in.shape = Shape::kMap;
  in.map = std::move(entries);
  return in;
}

std::string_view OptionTypeName(uint32_t type) {
  switch (type) {
    case NJ_OPTION_STRING:
      return "string";
    case NJ_OPTION_INT:
      return "int";
    case NJ_OPTION_DOUBLE:
      return "double";
    case NJ_OPTION_BOOL:
      return "bool";
    case NJ_OPTION_DURATION:
      return "duration";
    case NJ_OPTION_STRING_LIST:
      return "string_list";
    case NJ_OPTION_STRING_MAP:
      return "string_map";
    default:
      return "unknown";
  }
}

Result<std::vector<OptionDecl>> ReadOptionTable(const nj_option_decl* table, size_t count,
                                                size_t stride) {
  std::vector<OptionDecl> out;
  if (count == 0) return out;
  if (table == nullptr) return InvalidArgument("declares options but the table is NULL");
  if (count > 1000) return InvalidArgument("declares " + std::to_string(count) + " options");
  for (size_t i = 0; i < count; ++i) {
    const auto* raw =
        reinterpret_cast<const nj_option_decl*>(reinterpret_cast<const char*>(table) + i * stride);
    if (raw->name == nullptr) {
      return InvalidArgument("option #" + std::to_string(i + 1) + " has no name");
    }
    OptionDecl decl;
    decl.name = raw->name;
    decl.type = raw->type;
    decl.flags = raw->flags;
    if (raw->default_value != nullptr) decl.default_value = std::string(raw->default_value);
    decl.description = raw->description != nullptr ? raw->description : "";
    decl.min_value = raw->min_value;
    decl.max_value = raw->max_value;
    decl.choices = SplitChoices(raw->choices);
    if (!ValidName(decl.name)) {
      return InvalidArgument("option " + Quote(decl.name) +
                             " has an invalid name (use lower-case letters, digits and '_')");
    }
    for (const OptionDecl& earlier : out) {
      if (earlier.name == decl.name) {
        return InvalidArgument("option \"" + decl.name + "\" is declared twice");
      }
    }
    Status st = CheckDecl(decl);
    if (!st.ok()) return InvalidArgument("option \"" + decl.name + "\" " + st.message());
    out.push_back(std::move(decl));
  }
  return out;
}

struct OptionValues::Storage {
  std::vector<OptionDecl> decls;
  std::vector<Parsed> parsed;
  std::vector<std::vector<nj_str>> list_views;
  std::vector<std::vector<nj_str_pair>> map_views;
  std::vector<nj_option_value> values;
  nj_options options{};
};

OptionValues::OptionValues(std::unique_ptr<Storage> storage) : storage_(std::move(storage)) {}
OptionValues::OptionValues(OptionValues&&) noexcept = default;
OptionValues& OptionValues::operator=(OptionValues&&) noexcept = default;
OptionValues::~OptionValues() = default;

Result<OptionValues> OptionValues::Build(const std::vector<OptionDecl>& decls,
                                         const OptionInputs& inputs, std::string_view context) {
  std::vector<std::string> names;
  for (const OptionDecl& d : decls) names.push_back(d.name);

  // Unknown keys first: a typo in a key usually explains a "missing" option too.
  for (const auto& [key, input] : inputs) {
    if (std::find(names.begin(), names.end(), key) != names.end()) continue;
    std::string message = "unknown option";
    std::string best = ClosestName(key, names);
    if (!best.empty()) message += " (did you mean \"" + best + "\"?)";
    message +=
        names.empty() ? "; this plugin takes no options" : "; known options: " + JoinNames(names);
    return OptionError(input.where, context, key, InvalidArgument(message));
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (inputs[i].first == inputs[j].first) {
        return OptionError(inputs[i].second.where, context, inputs[i].first,
                           InvalidArgument("is set twice"));
      }
    }
  }

  auto storage = std::make_unique<Storage>();
  storage->decls = decls;
  storage->parsed.resize(decls.size());
  for (size_t i = 0; i < decls.size(); ++i) {
    const OptionDecl& decl = decls[i];
    Parsed& parsed = storage->parsed[i];
    auto it = std::find_if(inputs.begin(), inputs.end(),
                           [&](const auto& kv) { return kv.first == decl.name; });
    if (it != inputs.end()) {
      Status st = ParseInput(decl, it->second, &parsed);
      if (!st.ok()) return OptionError(it->second.where, context, decl.name, st);
    } else if (decl.required()) {
      std::string what = decl.description.empty() ? "" : " (" + decl.description + ")";
      return OptionError("", context, decl.name, InvalidArgument("is required" + what));
    } else if (decl.default_value) {
      Status st = ParseScalar(decl, *decl.default_value, &parsed);
      if (!st.ok()) return OptionError("", context, decl.name, st);  // checked at load already
    }
  }

  // Lay out the views only now: nothing below reallocates the storage they point into.
  storage->list_views.resize(decls.size());
  storage->map_views.resize(decls.size());
  storage->values.resize(decls.size());
  for (size_t i = 0; i < decls.size(); ++i) {
    const Parsed& p = storage->parsed[i];
    auto& list_view = storage->list_views[i];
    auto& map_view = storage->map_views[i];
    for (const std::string& item : p.list) list_view.push_back({item.c_str(), item.size()});
    for (const auto& [k, v] : p.map) {
      map_view.push_back({{k.c_str(), k.size()}, {v.c_str(), v.size()}});
    }
    nj_option_value& v = storage->values[i];
    v.name = {storage->decls[i].name.c_str(), storage->decls[i].name.size()};
    v.type = decls[i].type;
    v.is_set = p.is_set ? 1 : 0;
    v.int_value = p.int_value;
    v.double_value = p.double_value;
    v.string_value = {p.string_value.c_str(), p.string_value.size()};
    v.list = list_view.empty() ? nullptr : list_view.data();
    v.list_size = list_view.size();
    v.map = map_view.empty() ? nullptr : map_view.data();
    v.map_size = map_view.size();
  }
  storage->options.struct_size = sizeof(nj_options);
  storage->options.value_size = sizeof(nj_option_value);
  storage->options.values = storage->values.empty() ? nullptr : storage->values.data();
  storage->options.count = storage->values.size();
  return OptionValues(std::move(storage));
}

const nj_options* OptionValues::view() const { return &storage_->options; }

std::vector<std::pair<std::string, std::string>> OptionValues::Display() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < storage_->decls.size(); ++i) {
    const Parsed& p = storage_->parsed[i];
    if (!p.is_set) continue;
    out.emplace_back(storage_->decls[i].name,
                     storage_->decls[i].secret() ? std::string("(secret)") : p.display);
  }
  return out;
}

}  // namespace nightjar::plugins
