// ScenarioDocument: the scenario file as a Protobuf message, with where each field was written (for errors),
// `--set` overrides through reflection, and the translation to config/scenario.hpp's plain structs.
#include <algorithm>
#include "proto/scenario_document.hpp"
#include "proto/first_error.hpp"
#include "proto/scenario_defaults.hpp"
#include "proto/scenario_faults.hpp"

#include "scenario.pb.h"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>
#include <limits>
#include <regex>
#include <set>
#include <sstream>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace v2x {

namespace gp = google::protobuf;

namespace {

// ---- field paths: "infrastructure.rsu[2].x_m" ----

struct PathStep {
  std::string name;
  int index = -1; // -1: no [i] given
};

/// Splits a dotted path with optional [i] indices; nullopt-like empty vector plus `error` when malformed.
std::vector<PathStep> split_path(const std::string& path, std::string& error)
{
  std::vector<PathStep> steps;
  if (path.empty()) {
    error = "empty field path";
    return {};
  }
  std::size_t pos = 0;
  while (pos <= path.size()) {
    std::size_t end = path.find('.', pos);
    if (end == std::string::npos)
      end = path.size();
    std::string_view part(path.data() + pos, end - pos);
    PathStep step;
    const std::size_t open = part.find('[');
    if (open == std::string_view::npos) {
      step.name = std::string(part);
    } else {
      step.name = std::string(part.substr(0, open));
      if (part.back() != ']' || part.size() - open < 3) {
        error = "malformed index in '" + std::string(part) + "' (expected name[i])";
        return {};
      }
      const std::string_view digits = part.substr(open + 1, part.size() - open - 2);
      int index = 0;
      const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
      if (ec != std::errc() || ptr != digits.data() + digits.size() || index < 0) {
        error = "malformed index in '" + std::string(part) + "' (expected a non-negative integer in [])";
        return {};
      }
      step.index = index;
    }
    if (step.name.empty()) {
      error = "empty component in field path";
      return {};
    }
    steps.push_back(std::move(step));
    pos = end + 1;
  }
  return steps;
}

std::string join_path(const std::vector<PathStep>& steps)
{
  std::string s;
  for (const auto& step : steps) {
    if (!s.empty())
      s += '.';
    s += step.name;
    if (step.index >= 0)
      s += "[" + std::to_string(step.index) + "]";
  }
  return s;
}

std::string field_names(const gp::Descriptor* desc)
{
  std::string s;
  for (int i = 0; i < desc->field_count(); ++i) {
    if (i > 0)
      s += ", ";
    s += desc->field(i)->name();
  }
  return s;
}

std::string enum_names(const gp::EnumDescriptor* desc)
{
  std::string s;
  for (int i = 0; i < desc->value_count(); ++i) {
    if (i > 0)
      s += ", ";
    s += desc->value(i)->name();
  }
  return s;
}

/// First enum-typed field named `name` in the messages reachable from Scenario (the schema's enum field names
/// -- kind, format, model -- are unique), for listing valid values in the parser's error messages.
const gp::FieldDescriptor* find_enum_field(const gp::Descriptor* root, const std::string& name)
{
  std::vector<const gp::Descriptor*> todo{root};
  std::set<const gp::Descriptor*> seen{root};
  while (!todo.empty()) {
    const gp::Descriptor* d = todo.back();
    todo.pop_back();
    for (int i = 0; i < d->field_count(); ++i) {
      const gp::FieldDescriptor* f = d->field(i);
      if (f->name() == name && f->cpp_type() == gp::FieldDescriptor::CPPTYPE_ENUM)
        return f;
      if (f->message_type() != nullptr && seen.insert(f->message_type()).second)
        todo.push_back(f->message_type());
    }
  }
  return nullptr;
}

// ---- parse errors ----


/// The parser's message explained: valid names appended for unknown fields and enum values, and the name the
/// parser complains about (it reports those errors at the token after the name; the caller moves back to it).
struct ParseProblem {
  std::string what;
  std::string name; // unknown field or enum value name, else empty
};

ParseProblem explain_parse_error(const std::string& message)
{
  static const std::regex unknown_field(R"re(Message type "([\w.]+)" has no field named "(\w+)")re");
  static const std::regex unknown_enum(R"re(Unknown enumeration value of "(\w+)" for field "(\w+)")re");
  std::smatch m;
  if (std::regex_search(message, m, unknown_field)) {
    const gp::Descriptor* d = gp::DescriptorPool::generated_pool()->FindMessageTypeByName(m[1].str());
    if (d != nullptr)
      return {"unknown field: " + message + " Valid fields of " + d->name() + ": " + field_names(d) + ".", m[2].str()};
  } else if (std::regex_search(message, m, unknown_enum)) {
    const gp::FieldDescriptor* f = find_enum_field(pb::Scenario::descriptor(), m[2].str());
    if (f != nullptr)
      return {"unknown value: " + message + " Valid values: " + enum_names(f->enum_type()) + ".", m[1].str()};
  }
  return {"syntax error: " + message, ""};
}

// ---- scalar values for --set ----

template <typename Int> bool parse_integer(const std::string& text, Int& out)
{
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (first != last && *first == '+')
    ++first;
  const auto [ptr, ec] = std::from_chars(first, last, out);
  return first != last && ec == std::errc() && ptr == last;
}

/// A parsed --set value, of the C++ type of the field it goes to.
using Scalar = std::variant<double, float, std::int32_t, std::int64_t, std::uint32_t, std::uint64_t, bool,
                            const gp::EnumValueDescriptor*, std::string>;

/// How --set handles one Protobuf C++ type: parse the text (an error message, empty when it parsed), and the
/// three ways of storing it (singular field, element of a repeated field, appended element).
struct ScalarType {
  std::string (*parse)(const std::string& text, const gp::FieldDescriptor* field, Scalar& out);
  void (*set)(const gp::Reflection& refl, gp::Message* msg, const gp::FieldDescriptor* field, const Scalar& v);
  void (*set_repeated)(const gp::Reflection& refl, gp::Message* msg, const gp::FieldDescriptor* field, int index,
                       const Scalar& v);
  void (*add)(const gp::Reflection& refl, gp::Message* msg, const gp::FieldDescriptor* field, const Scalar& v);
};

std::string parse_floating(const std::string& value, const gp::FieldDescriptor* field, Scalar& out)
{
  double v = 0;
  const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (value.empty() || ec != std::errc() || ptr != value.data() + value.size() || !std::isfinite(v))
    return "not a finite number (field type " + std::string(field->type_name()) + ")";
  if (field->cpp_type() == gp::FieldDescriptor::CPPTYPE_FLOAT) {
    if (std::fabs(v) > std::numeric_limits<float>::max())
      return "out of range for a float";
    out = static_cast<float>(v);
  } else {
    out = v;
  }
  return {};
}

std::string parse_signed(const std::string& value, const gp::FieldDescriptor* field, Scalar& out)
{
  const bool is32 = field->cpp_type() == gp::FieldDescriptor::CPPTYPE_INT32;
  const std::string range = is32 ? "-2147483648..2147483647" : "-9223372036854775808..9223372036854775807";
  std::int64_t v = 0;
  if (!parse_integer(value, v)) {
    std::int64_t probe = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), probe);
    if (ec == std::errc::result_out_of_range && ptr == value.data() + value.size())
      return "integer out of range for " + std::string(field->type_name()) + " (" + range + ")";
    return "not an integer (field type " + std::string(field->type_name()) + ")";
  }
  if (is32 && (v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max()))
    return "integer out of range for " + std::string(field->type_name()) + " (" + range + ")";
  if (is32)
    out = static_cast<std::int32_t>(v);
  else
    out = v;
  return {};
}

std::string parse_unsigned(const std::string& value, const gp::FieldDescriptor* field, Scalar& out)
{
  const bool is32 = field->cpp_type() == gp::FieldDescriptor::CPPTYPE_UINT32;
  const std::string range = is32 ? "0..4294967295" : "0..18446744073709551615";
  const std::string type = field->type_name();
  if (!value.empty() && value[0] == '-') {
    std::int64_t probe = 0;
    if (parse_integer(value, probe))
      return "integer out of range for " + type + " (" + range + "): negative";
    return "not a non-negative integer (field type " + type + ")";
  }
  std::uint64_t v = 0;
  if (!parse_integer(value, v)) {
    std::uint64_t probe = 0;
    const char* first = value.data() + (!value.empty() && value[0] == '+' ? 1 : 0);
    const auto [ptr, ec] = std::from_chars(first, value.data() + value.size(), probe);
    if (ec == std::errc::result_out_of_range && ptr == value.data() + value.size())
      return "integer out of range for " + type + " (" + range + ")";
    return "not a non-negative integer (field type " + type + ")";
  }
  if (is32 && v > std::numeric_limits<std::uint32_t>::max())
    return "integer out of range for " + type + " (" + range + ")";
  if (is32)
    out = static_cast<std::uint32_t>(v);
  else
    out = v;
  return {};
}

std::string parse_bool(const std::string& value, const gp::FieldDescriptor*, Scalar& out)
{
  if (value == "true" || value == "1")
    out = true;
  else if (value == "false" || value == "0")
    out = false;
  else
    return "not a boolean: use true, false, 1 or 0";
  return {};
}

std::string parse_enum(const std::string& value, const gp::FieldDescriptor* field, Scalar& out)
{
  const gp::EnumValueDescriptor* v = field->enum_type()->FindValueByName(value);
  if (v == nullptr)
    return "unknown value for " + field->enum_type()->name() + "; valid values: " + enum_names(field->enum_type());
  out = v;
  return {};
}

std::string parse_string(const std::string& value, const gp::FieldDescriptor*, Scalar& out)
{
  out = value;
  return {};
}

// The reflection calls of one C++ type T: Set<Name>, SetRepeated<Name>, Add<Name>.
#define V2X_SCALAR_STORE(T, Name)                                                                                 \
  [](const gp::Reflection& r, gp::Message* m, const gp::FieldDescriptor* f, const Scalar& v) {                    \
    r.Set##Name(m, f, std::get<T>(v));                                                                            \
  },                                                                                                              \
      [](const gp::Reflection& r, gp::Message* m, const gp::FieldDescriptor* f, int i, const Scalar& v) {         \
        r.SetRepeated##Name(m, f, i, std::get<T>(v));                                                             \
      },                                                                                                          \
      [](const gp::Reflection& r, gp::Message* m, const gp::FieldDescriptor* f, const Scalar& v) {                \
        r.Add##Name(m, f, std::get<T>(v));                                                                        \
      }

const std::pair<gp::FieldDescriptor::CppType, ScalarType> scalar_types[] = {
    {gp::FieldDescriptor::CPPTYPE_DOUBLE, {parse_floating, V2X_SCALAR_STORE(double, Double)}},
    {gp::FieldDescriptor::CPPTYPE_FLOAT, {parse_floating, V2X_SCALAR_STORE(float, Float)}},
    {gp::FieldDescriptor::CPPTYPE_INT32, {parse_signed, V2X_SCALAR_STORE(std::int32_t, Int32)}},
    {gp::FieldDescriptor::CPPTYPE_INT64, {parse_signed, V2X_SCALAR_STORE(std::int64_t, Int64)}},
    {gp::FieldDescriptor::CPPTYPE_UINT32, {parse_unsigned, V2X_SCALAR_STORE(std::uint32_t, UInt32)}},
    {gp::FieldDescriptor::CPPTYPE_UINT64, {parse_unsigned, V2X_SCALAR_STORE(std::uint64_t, UInt64)}},
    {gp::FieldDescriptor::CPPTYPE_BOOL, {parse_bool, V2X_SCALAR_STORE(bool, Bool)}},
    {gp::FieldDescriptor::CPPTYPE_ENUM, {parse_enum, V2X_SCALAR_STORE(const gp::EnumValueDescriptor*, Enum)}},
    {gp::FieldDescriptor::CPPTYPE_STRING, {parse_string, V2X_SCALAR_STORE(std::string, String)}},
};
#undef V2X_SCALAR_STORE

/// The table's entry for a C++ type; nullptr for messages (not a scalar).
const ScalarType* scalar_type(gp::FieldDescriptor::CppType cpp_type)
{
  for (const auto& [t, ops] : scalar_types)
    if (t == cpp_type)
      return &ops;
  return nullptr;
}

} // namespace

// ---- the document ----

struct ScenarioDocument::Impl {
  std::string file;
  std::string source;                   // the text as read
  std::vector<std::size_t> line_starts; // offset of each line in `source`
  pb::Scenario message;
  gp::TextFormat::ParseInfoTree tree;
  std::vector<std::string> overrides; // "path=value" in the order applied
  std::set<std::string> overridden;   // canonical paths set by overrides
  std::size_t unlisted = 0;           // overrides not listed in text()'s header (a command line's layout)

  std::string_view line_text(int line) const
  {
    if (line < 0 || static_cast<std::size_t>(line) >= line_starts.size())
      return {};
    const std::size_t begin = line_starts[line];
    std::size_t end = source.find('\n', begin);
    if (end == std::string::npos)
      end = source.size();
    return std::string_view(source).substr(begin, end - begin);
  }

  /// 1-based character column of the tokenizer's 0-based column (which expands tabs to multiples of 8).
  int char_column(int line, int tokenizer_column) const
  {
    const std::string_view text = line_text(line);
    int column = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (column >= tokenizer_column)
        return static_cast<int>(i) + 1;
      column += text[i] == '\t' ? 8 - column % 8 : 1;
    }
    return static_cast<int>(text.size()) + 1 + (tokenizer_column - column);
  }

  SourceLocation where(int line, int tokenizer_column) const
  {
    if (line < 0)
      return SourceLocation{file, 0, 0};
    return SourceLocation{file, line + 1, tokenizer_column < 0 ? 0 : char_column(line, tokenizer_column)};
  }

  /// The token written at a 0-based line / 1-based character column, for error messages.
  std::string token_at(int line, int column) const
  {
    const std::string_view text = line_text(line);
    if (column < 1 || static_cast<std::size_t>(column) > text.size())
      return {};
    std::size_t begin = column - 1;
    static constexpr std::string_view delimiters = ":{}[]<>,;";
    if (delimiters.find(text[begin]) != std::string_view::npos)
      return std::string(1, text[begin]);
    std::size_t end = begin;
    if (text[begin] == '"') {
      end = text.find('"', begin + 1);
      end = end == std::string_view::npos ? text.size() : end + 1;
    } else {
      while (end < text.size() && text[end] != ' ' && text[end] != '\t' && text[end] != '\r' &&
             delimiters.find(text[end]) == std::string_view::npos)
        ++end;
    }
    return std::string(text.substr(begin, std::min<std::size_t>(end - begin, 60)));
  }
};

ScenarioDocument::ScenarioDocument()
    : impl_(std::make_unique<Impl>())
{
}
ScenarioDocument::ScenarioDocument(ScenarioDocument&&) noexcept = default;
ScenarioDocument& ScenarioDocument::operator=(ScenarioDocument&&) noexcept = default;
ScenarioDocument::~ScenarioDocument() = default;

ScenarioDocument ScenarioDocument::parse(const std::string& text, const std::string& file)
{
  ScenarioDocument doc;
  Impl& d = *doc.impl_;
  d.file = file;
  d.source = text;
  d.line_starts.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n')
      d.line_starts.push_back(i + 1);

  FirstErrorCollector errors;
  gp::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&d.tree);
  const bool ok = parser.ParseFromString(text, &d.message);
  if (!ok || errors.has_error) {
    SourceLocation where = d.where(errors.line, errors.column);
    if (!errors.has_error)
      throw InputError(where, "", "", "cannot parse the scenario");
    const ParseProblem problem = explain_parse_error(errors.message);
    if (!problem.name.empty() && where.column > 0) {
      // Back to the last occurrence of the name before the reported column, on the same line.
      const std::string_view line = d.line_text(errors.line);
      const std::size_t found = line.substr(0, static_cast<std::size_t>(where.column - 1)).rfind(problem.name);
      if (found != std::string_view::npos)
        where.column = static_cast<int>(found) + 1;
    }
    throw InputError(where, "", d.token_at(errors.line, where.column), problem.what);
  }
  return doc;
}

ScenarioDocument ScenarioDocument::load(const std::string& file)
{
  // A run reads its scenario more than once (the file as given, then with the overrides): a FIFO (`<(...)`)
  // would block the second time, and a device has no end.
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status) &&
      !std::filesystem::is_directory(status))
    throw InputError(SourceLocation{file, 0, 0}, "", "",
                     "is not a regular file (a pipe or a device): v2xsim reads a scenario more than once, write it "
                     "to a file first");
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw InputError(SourceLocation{file, 0, 0}, "", "", "cannot open the scenario file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    throw InputError(SourceLocation{file, 0, 0}, "", "", "cannot read the scenario file");
  return parse(text.str(), file);
}

const std::string& ScenarioDocument::file() const
{
  return impl_->file;
}

std::string ScenarioDocument::text() const
{
  if (impl_->overrides.empty() && impl_->unlisted == 0)
    return impl_->source;
  std::string out = "# " + impl_->file + " after --set";
  for (const auto& o : impl_->overrides)
    out += " " + o;
  if (impl_->unlisted > 0)
    out += " and " + std::to_string(impl_->unlisted) + " changes from the command line's layout options";
  out += " (printed by v2xsim: the file's comments are not kept)\n";
  std::string printed;
  gp::TextFormat::PrintToString(impl_->message, &printed);
  return out + printed;
}

void ScenarioDocument::clear(const std::string& path, bool listed)
{
  const auto fail = [&](const std::string& what) { throw InputError(SourceLocation{}, path, "", what); };
  std::string error;
  const std::vector<PathStep> steps = split_path(path, error);
  if (steps.empty())
    fail("bad field path: " + error);
  gp::Message* msg = &impl_->message;
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const gp::FieldDescriptor* field = msg->GetDescriptor()->FindFieldByName(steps[k].name);
    if (field == nullptr)
      fail("unknown field '" + steps[k].name + "'");
    const gp::Reflection* refl = msg->GetReflection();
    if (k + 1 == steps.size()) {
      if (!field->is_repeated() || steps[k].index >= 0)
        fail("only a whole repeated field can be cleared");
      refl->ClearField(msg, field);
      break;
    }
    if (field->cpp_type() != gp::FieldDescriptor::CPPTYPE_MESSAGE)
      fail("'" + steps[k].name + "' has no fields");
    if (field->is_repeated()) {
      if (steps[k].index < 0 || steps[k].index >= refl->FieldSize(*msg, field))
        fail("index out of range");
      msg = refl->MutableRepeatedMessage(msg, field, steps[k].index);
    } else {
      msg = refl->MutableMessage(msg, field);
    }
  }
  if (listed)
    impl_->overrides.push_back(path + "=[]");
  else
    ++impl_->unlisted;
  impl_->overridden.insert(join_path(steps));
}

void ScenarioDocument::set(const std::string& path, const std::string& value, bool listed)
{
  const auto fail = [&](const std::string& what) { throw InputError(SourceLocation{}, path, value, what); };
  std::string error;
  const std::vector<PathStep> steps = split_path(path, error);
  if (steps.empty())
    fail("bad field path: " + error);

  // Work on a copy so that a failing override leaves the document as it was (no half-appended messages).
  pb::Scenario copy = impl_->message;
  gp::Message* msg = &copy;
  std::string where = "Scenario";
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const PathStep& step = steps[k];
    const gp::Descriptor* desc = msg->GetDescriptor();
    const gp::Reflection* refl = msg->GetReflection();
    const gp::FieldDescriptor* field = desc->FindFieldByName(step.name);
    if (field == nullptr)
      fail("unknown field '" + step.name + "' in " + where + " (message " + desc->name() +
           "); valid fields: " + field_names(desc));
    const bool last = k + 1 == steps.size();
    int size = 0;
    if (field->is_repeated()) {
      size = refl->FieldSize(*msg, field);
      if (step.index < 0)
        fail("'" + step.name + "' is repeated: give an index, " + step.name +
             "[i] with 0 <= i <= " + std::to_string(size) + " (i = " + std::to_string(size) + " appends one)");
      if (step.index > size)
        fail("index " + std::to_string(step.index) + " out of range: '" + step.name + "' has " + std::to_string(size) +
             " element(s); use 0.." + std::to_string(size) + " (" + std::to_string(size) + " appends one)");
    } else if (step.index >= 0) {
      fail("'" + step.name + "' is not repeated: remove [" + std::to_string(step.index) + "]");
    }
    const bool append = field->is_repeated() && step.index == size;

    if (!last) {
      if (field->cpp_type() != gp::FieldDescriptor::CPPTYPE_MESSAGE)
        fail("'" + step.name + "' is a " + field->type_name() + ", it has no fields");
      if (field->is_repeated())
        msg = append ? refl->AddMessage(msg, field) : refl->MutableRepeatedMessage(msg, field, step.index);
      else
        msg = refl->MutableMessage(msg, field);
      where = join_path(std::vector<PathStep>(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(k) + 1));
      continue;
    }

    const ScalarType* type = scalar_type(field->cpp_type());
    if (type == nullptr)
      fail("'" + step.name + "' is a message (" + field->message_type()->name() +
           "), not a value: set one of its fields: " + field_names(field->message_type()));
    Scalar parsed;
    if (const std::string problem = type->parse(value, field, parsed); !problem.empty())
      fail(problem);
    if (append)
      type->add(*refl, msg, field, parsed);
    else if (field->is_repeated())
      type->set_repeated(*refl, msg, field, step.index, parsed);
    else
      type->set(*refl, msg, field, parsed);
  }
  impl_->message.Swap(&copy);
  if (listed)
    impl_->overrides.push_back(path + "=" + value);
  else
    ++impl_->unlisted;
  impl_->overridden.insert(join_path(steps));
}

SourceLocation ScenarioDocument::locate(const std::string& path) const
{
  SourceLocation best{impl_->file, 0, 0};
  std::string error;
  const std::vector<PathStep> steps = split_path(path, error);
  if (steps.empty() || impl_->overridden.count(join_path(steps)) > 0)
    return best;
  const gp::Descriptor* desc = pb::Scenario::descriptor();
  const gp::TextFormat::ParseInfoTree* tree = &impl_->tree;
  for (const PathStep& step : steps) {
    const gp::FieldDescriptor* field = desc->FindFieldByName(step.name);
    if (field == nullptr)
      break;
    const int index = field->is_repeated() ? std::max(step.index, 0) : -1;
    const gp::TextFormat::ParseLocation loc = tree->GetLocation(field, index);
    if (loc.line < 0)
      break;
    best = impl_->where(loc.line, loc.column);
    if (field->cpp_type() != gp::FieldDescriptor::CPPTYPE_MESSAGE)
      break;
    tree = tree->GetTreeForNested(field, index);
    if (tree == nullptr)
      break;
    desc = field->message_type();
  }
  return best;
}

// ---- translation to plain structs ----

namespace {

Distribution to_distribution(const pb::Distribution& d)
{
  Distribution out;
  switch (d.kind()) {
  case pb::Distribution::CONSTANT:
    out.kind = Distribution::Kind::Constant;
    break;
  case pb::Distribution::UNIFORM:
    out.kind = Distribution::Kind::Uniform;
    break;
  case pb::Distribution::EXPONENTIAL:
    out.kind = Distribution::Kind::Exponential;
    break;
  case pb::Distribution::NORMAL:
    out.kind = Distribution::Kind::Normal;
    break;
  case pb::Distribution::LOGNORMAL:
    out.kind = Distribution::Kind::Lognormal;
    break;
  }
  out.value = d.value_s();
  out.min = d.min_s();
  out.max = d.max_s();
  out.stddev = d.stddev_s();
  out.sigma = d.sigma();
  return out;
}

// The defaults documented in the Orchestrator comment of scenario.proto.
Distribution default_exponential(double mean)
{
  Distribution d;
  d.kind = Distribution::Kind::Exponential;
  d.value = mean;
  return d;
}

Distribution default_lognormal(double median, double sigma, double lo, double hi)
{
  Distribution d;
  d.kind = Distribution::Kind::Lognormal;
  d.value = median;
  d.sigma = sigma;
  d.min = lo;
  d.max = hi;
  return d;
}

RsuConfig to_rsu(const pb::Rsu& r)
{
  RsuConfig c;
  c.id = r.id();
  c.x_m = r.x_m();
  c.y_m = r.y_m();
  c.cell_radius_m = r.cell_radius_m();
  c.cell_capacity_bps = r.cell_capacity_bps();
  c.cell_latency_s = r.cell_latency_s();
  c.mec = r.mec();
  if (r.has_channel())
    c.channel = r.channel();
  return c;
}

MecConfig to_mec(const pb::Mec& e)
{
  MecConfig c;
  c.id = e.id();
  c.x_m = e.x_m();
  c.y_m = e.y_m();
  c.cores = e.cores();
  c.core_speed_flops_per_s = e.core_speed_flops_per_s();
  c.memory_mb = e.memory_mb();
  c.pod_slots = e.pod_slots();
  c.max_concurrent_ops = e.max_concurrent_ops();
  c.idle_w = e.idle_w();
  c.full_w = e.full_w();
  return c;
}

BrokerConfig to_broker(const pb::Broker& b)
{
  return BrokerConfig{b.id(), b.site(), b.service_flops()};
}

LinkConfig to_link(const pb::Link& l)
{
  return LinkConfig{l.from(), l.to(), l.bandwidth_bps(), l.latency_s()};
}

TraceFormat to_format(pb::Mobility::Format f)
{
  switch (f) {
  case pb::Mobility::SUMO_FCD:
    return TraceFormat::SumoFcd;
  case pb::Mobility::CSV:
    return TraceFormat::Csv;
  case pb::Mobility::NS2:
    return TraceFormat::Ns2;
  case pb::Mobility::AUTO:
    break;
  }
  return TraceFormat::Auto;
}

} // namespace

Scenario ScenarioDocument::to_scenario() const
{
  const pb::Scenario& m = impl_->message;
  Scenario s;
  s.name = m.name();
  s.seed = m.seed();
  s.duration_s = m.duration_s();
  s.source_file = impl_->file;
  s.source_text = text();

  const pb::Mobility& mob = m.mobility();
  s.mobility.trace = mob.trace();
  s.mobility.format = to_format(mob.format());
  s.mobility.max_gap_s = mob.max_gap_s();
  s.mobility.start_s = mob.start_s();
  s.mobility.max_vehicles = mob.max_vehicles();
  s.mobility.projection = mob.projection();
  s.engine_args.assign(m.engine_arg().begin(), m.engine_arg().end());
  translate_faults(m, s);

  const pb::Infrastructure& inf = m.infrastructure();
  InfrastructureConfig& is = s.infrastructure;
  for (const pb::Rsu& r : inf.rsu())
    is.rsus.push_back(to_rsu(r));
  for (const pb::Mec& e : inf.mec())
    is.mecs.push_back(to_mec(e));
  const pb::Cloud& cloud = inf.cloud();
  is.cloud.x_m = cloud.x_m();
  is.cloud.y_m = cloud.y_m();
  is.cloud.cores = cloud.cores();
  is.cloud.core_speed_flops_per_s = cloud.core_speed_flops_per_s();
  is.cloud.memory_mb = cloud.memory_mb();
  is.cloud.pod_slots = cloud.pod_slots();
  is.cloud.max_concurrent_ops = cloud.max_concurrent_ops();
  is.cloud.idle_w = cloud.idle_w();
  is.cloud.full_w = cloud.full_w();
  // Site power: a site's own figures, else the per-core defaults x its cores (scenario.proto, Energy).
  s.energy = EnergyConfig{m.energy().idle_w_per_core(), m.energy().full_w_per_core(), m.energy().off_w_per_core(),
                          m.energy().cloud_idle_w_per_core(), m.energy().cloud_full_w_per_core()};
  auto resolve_power = [&](auto& site, double idle_w_per_core, double full_w_per_core) {
    if (site.idle_w == 0)
      site.idle_w = idle_w_per_core * site.cores;
    if (site.full_w == 0)
      site.full_w = full_w_per_core * site.cores;
    site.off_w = s.energy.off_w_per_core * site.cores;
  };
  for (MecConfig& mec : is.mecs)
    resolve_power(mec, s.energy.idle_w_per_core, s.energy.full_w_per_core);
  resolve_power(is.cloud, s.energy.cloud_idle_w_per_core, s.energy.cloud_full_w_per_core);
  is.cloud.link_bandwidth_bps = cloud.link_bandwidth_bps();
  is.cloud.link_latency_s = cloud.link_latency_s();
  for (const pb::Broker& b : inf.broker())
    is.brokers.push_back(to_broker(b));
  for (const pb::Router& r : inf.router())
    is.routers.push_back(r.id());
  for (const pb::Link& l : inf.link())
    is.links.push_back(to_link(l));
  is.rsu_link_bandwidth_bps = inf.rsu_link_bandwidth_bps();
  is.rsu_link_latency_s = inf.rsu_link_latency_s();
  is.mec_link_bandwidth_bps = inf.mec_link_bandwidth_bps();
  is.mec_link_latency_s = inf.mec_link_latency_s();
  is.platform = inf.platform();
  is.image_registry_bandwidth_bps = inf.image_registry_bandwidth_bps();
  is.image_registry_latency_s = inf.image_registry_latency_s();

  const pb::Telemetry& tel = m.telemetry();
  s.telemetry.rate_hz = tel.rate_hz();
  s.telemetry.rsu_rate_hz = tel.rsu_rate_hz();
  s.telemetry.rsu_message_b = tel.rsu_message_b();
  s.telemetry.area_size_m = tel.area_size_m();
  s.telemetry.start_jitter_s = tel.start_jitter_s();
  s.telemetry.poisson = tel.arrivals() == pb::Telemetry::POISSON;
  s.telemetry.payload_b = tel.payload_b();
  const pb::Telemetry::CamSizes& cam = tel.cam_sizes();
  s.telemetry.cam_sizes = CamSizesConfig{cam.header_b(),        cam.basic_container_b(), cam.high_frequency_b(),
                                         cam.low_frequency_b(), cam.path_point_b(),      cam.special_vehicle_b(),
                                         cam.security_b(),      cam.signer_digest_b(),   cam.signer_certificate_b()};
  s.telemetry.path_history_points = tel.path_history_points();
  s.telemetry.triggering = tel.triggering() == pb::Telemetry::ETSI ? CamTriggering::Etsi : CamTriggering::FixedRate;
  const pb::Messaging& msg = m.messaging();
  s.messaging.qos = msg.qos() == pb::Messaging::QOS1 ? 1 : 0;
  s.messaging.session_queue = msg.session_queue();
  s.messaging.exponential_service = msg.broker_service() == pb::Messaging::EXPONENTIAL;

  const pb::TwinSpec& twin = m.twin();
  s.twin.cpu_cores = twin.cpu_cores();
  s.twin.memory_mb = twin.memory_mb();
  s.twin.image_b = twin.image_b();
  s.twin.state_b = twin.state_b();
  s.twin.message_flops = twin.message_flops();
  s.twin.dashboard_period_s = twin.dashboard_period_s();
  s.twin.dashboard_message_b = twin.dashboard_message_b();
  s.twin.dirty_rate_bps = twin.dirty_rate_bps();
  s.twin.restore_bps = twin.restore_bps();
  s.twin.cooperation_areas = twin.cooperation_areas();
  s.twin.cold_start = twin.cold_start();
  s.twin.mode = twin.mode() == pb::TwinSpec::HYBRID ? TwinMode::Hybrid
                : twin.mode() == pb::TwinSpec::CLOUD ? TwinMode::Cloud
                                                     : TwinMode::Edge;
  s.twin.state_window_s = twin.state_window_s();
  const pb::Hybrid& hy = twin.hybrid();
  s.twin.hybrid = HybridConfig{hy.cloud_cpu_cores(), hy.cloud_memory_mb(), hy.sync_period_s(), hy.sync_header_b(),
                               hy.sync_point_b(),    hy.sync_flops(),      hy.cloud_point_flops()};
  const pb::TimeSeriesStore& ts = m.tsdb();
  s.tsdb = TsdbConfig{ts.enabled(), ts.site(), ts.point_period_s(), ts.point_b(), ts.write_flops(), ts.cores()};

  const pb::Orchestrator& orch = m.orchestrator();
  OrchestratorConfig& oc = s.orchestrator;
  oc.request = orch.has_request() ? to_distribution(orch.request()) : Distribution::uniform(0.2, 0.4);
  oc.scheduling = orch.has_scheduling() ? to_distribution(orch.scheduling()) : default_exponential(0.05);
  oc.container_start =
      orch.has_container_start() ? to_distribution(orch.container_start()) : default_lognormal(2.0, 0.35, 0, 30);
  // Absent readiness / container_stop: from the probe and the grace period (the orchestrator samples them).
  oc.readiness = orch.has_readiness() ? to_distribution(orch.readiness()) : Distribution::constant(0);
  oc.readiness_from_probe = !orch.has_readiness();
  oc.readiness_initial_delay_s = orch.readiness_initial_delay_s();
  oc.readiness_period_s = orch.readiness_period_s();
  oc.termination_grace_period_s = orch.termination_grace_period_s();
  oc.termination_shutdown_s = orch.termination_shutdown_s();
  oc.terminate_request =
      orch.has_terminate_request() ? to_distribution(orch.terminate_request()) : Distribution::uniform(0.2, 0.4);
  oc.container_stop = orch.has_container_stop()
                          ? to_distribution(orch.container_stop())
                          : Distribution::constant(oc.termination_shutdown_s < 0
                                                       ? oc.termination_grace_period_s
                                                       : std::min(oc.termination_shutdown_s,
                                                                  oc.termination_grace_period_s));
  oc.cleanup = orch.has_cleanup() ? to_distribution(orch.cleanup()) : Distribution::constant(0.1);
  oc.image_cache = orch.image_cache();
  oc.prepulled.assign(orch.prepulled().begin(), orch.prepulled().end());

  const pb::Migration& mig = m.migration();
  s.migration.policy = mig.policy();
  s.migration.mechanism = mig.mechanism();
  s.migration.decision_interval_s = mig.decision_interval_s();
  for (const pb::ManualMigration& mm : mig.manual())
    s.migration.manual.push_back(ManualMigrationConfig{mm.at_s(), mm.station(), mm.to()});
  s.migration.hysteresis = HysteresisConfig{mig.hysteresis().margin_m(), mig.hysteresis().dwell_s()};
  s.migration.latency =
      LatencyPolicyConfig{mig.latency().threshold_s(), mig.latency().window_s(), mig.latency().threshold_factor()};
  s.migration.predictive = PredictiveConfig{mig.predictive().horizon_s(), mig.predictive().position_error_m()};
  s.migration.load_aware = LoadAwareConfig{mig.load_aware().max_utilisation(), mig.load_aware().slack_m()};
  s.migration.pre_copy = PreCopyConfig{mig.pre_copy().downtime_target_s(), mig.pre_copy().max_rounds()};
  s.migration.post_copy = PostCopyConfig{mig.post_copy().switch_b(), mig.post_copy().fault_b()};
  s.migration.external =
      ExternalPolicyConfig{mig.external().command(), mig.external().endpoint(), mig.external().timeout_s()};

  const pb::Network& net = m.network();
  s.network.model = net.model() == pb::Network::LV08 ? NetworkModel::Lv08 : NetworkModel::Cm02;
  for (const pb::RateStep& step : net.rate_step())
    s.network.rate_steps.push_back(RateStep{step.distance_m(), step.rate_bps()});
  const pb::Network::Radio& radio = net.radio();
  RadioConfig& rc = s.network.radio;
  rc.channel = radio.channel();
  rc.carrier_sense_range_m = radio.carrier_sense_range_m();
  switch (radio.access_category()) {
  case pb::Network::Radio::AC_BK:
    rc.access_category = RadioAccessCategory::Background;
    break;
  case pb::Network::Radio::AC_VI:
    rc.access_category = RadioAccessCategory::Video;
    break;
  case pb::Network::Radio::AC_VO:
    rc.access_category = RadioAccessCategory::Voice;
    break;
  default:
    rc.access_category = RadioAccessCategory::BestEffort;
  }
  rc.retry_limit = radio.retry_limit();
  rc.basic_rate_mbps = radio.basic_rate_mbps();
  const pb::Network::Radio::Loss& loss = radio.loss();
  rc.loss = RadioLossConfig{loss.tx_power_dbm(),         loss.antenna_gains_db(), loss.reference_loss_db(),
                            loss.exponent_near(),        loss.exponent_far(),     loss.breakpoint_m(),
                            loss.nakagami_m_near(),      loss.nakagami_m_far(),   loss.nakagami_distance_m(),
                            loss.sensitivity_offset_db()};
  rc.roaming_margin_db = radio.roaming_margin_db();
  rc.reassociation_s = radio.reassociation_s();

  const pb::Output& out = m.output();
  s.output.path = out.path();
  if (!out.messages() || out.messages_mode() == pb::Output::NONE)
    s.output.messages = MessageRows(MessagesMode::None, out.message_sample_every());
  else if (out.messages_mode() == pb::Output::SAMPLED)
    s.output.messages = MessageRows(MessagesMode::Sampled, out.message_sample_every());
  else
    s.output.messages = MessageRows(MessagesMode::All, out.message_sample_every());
  s.output.sample_period_s = out.sample_period_s();
  s.output.chunk_rows = out.chunk_rows();
  s.output.compression = out.compression();
  s.output.warmup_s = out.warmup_s();
  return s;
}

const Scenario& schema_defaults()
{
  static const Scenario defaults = ScenarioDocument::parse("", "").to_scenario(); // function-local: no init order
  return defaults;
}

const RsuConfig& schema_rsu()
{
  static const RsuConfig defaults = to_rsu(pb::Rsu::default_instance());
  return defaults;
}

const MecConfig& schema_mec()
{
  static const MecConfig defaults = to_mec(pb::Mec::default_instance());
  return defaults;
}

const BrokerConfig& schema_broker()
{
  static const BrokerConfig defaults = to_broker(pb::Broker::default_instance());
  return defaults;
}

const LinkConfig& schema_link()
{
  static const LinkConfig defaults = to_link(pb::Link::default_instance());
  return defaults;
}

} // namespace v2x
