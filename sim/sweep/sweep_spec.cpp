// Sweep files: their meaning (the parse is proto/sweep_document.cpp's), ranges, expansion, ids, shards.
#include "sweep/sweep_spec.hpp"
#include "proto/sweep_document.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace v2x::sweep {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxRangeValues = 100000;


/// The values of a repeated field of the document.
template <typename T> std::vector<std::string> values_of(const std::vector<SweepDocument::Entry<T>>& entries)
{
  std::vector<std::string> values;
  for (const auto& e : entries)
    values.push_back(e.value);
  return values;
}

/// Where a repeated field's first entry was written; the file alone when it has none.
template <typename T>
SourceLocation first_where(const std::vector<SweepDocument::Entry<T>>& entries, const std::string& file)
{
  return entries.empty() ? SourceLocation{file, 0, 0} : entries.front().where;
}

std::string format_number(double v)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

std::string resolve(const std::string& path, const std::string& sweep_file)
{
  const fs::path p(path);
  if (p.is_absolute())
    return path;
  return (fs::path(sweep_file).parent_path() / p).lexically_normal().string();
}

std::string read_file(const std::string& path, const SourceLocation& where, const std::string& what)
{
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw InputError(where, "", path, "the " + what + " is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError(where, "", path, "cannot open the " + what);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string safe_component(const std::string& text)
{
  std::string s;
  for (const char c : text)
    s += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '+' || c == '-') ? c : '-';
  return s;
}

} // namespace

std::uint64_t fnv1a(const std::string& data, std::uint64_t hash)
{
  for (const char c : data) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

std::vector<std::string> range_values(double from, double to, std::optional<double> step, std::optional<double> factor,
                                      const SourceLocation& where, const std::string& what)
{
  if (step.has_value() == factor.has_value())
    throw InputError(where, what, "", "a range needs exactly one of step and factor");
  if (!std::isfinite(from) || !std::isfinite(to) || from > to)
    throw InputError(where, what, format_number(from) + ".." + format_number(to), "a range needs finite from <= to");
  std::vector<std::string> values;
  if (step) {
    if (!(*step > 0) || !std::isfinite(*step))
      throw InputError(where, what + ".step", format_number(*step), "must be a finite number > 0");
    const double n = std::floor((to - from) / *step + 1e-9);
    if (n + 1 > static_cast<double>(kMaxRangeValues))
      throw InputError(where, what, "", "the range has more than 100000 values");
    for (long long i = 0; i <= static_cast<long long>(n); ++i)
      values.push_back(format_number(from + static_cast<double>(i) * *step));
  } else {
    if (!(*factor > 1) || !std::isfinite(*factor))
      throw InputError(where, what + ".factor", format_number(*factor), "must be a finite number > 1");
    if (!(from > 0))
      throw InputError(where, what + ".from", format_number(from), "a geometric range needs from > 0");
    const double n = std::floor(std::log(to / from) / std::log(*factor) + 1e-9);
    if (n + 1 > static_cast<double>(kMaxRangeValues))
      throw InputError(where, what, "", "the range has more than 100000 values");
    for (long long i = 0; i <= static_cast<long long>(n); ++i)
      values.push_back(format_number(from * std::pow(*factor, static_cast<double>(i))));
  }
  return values;
}

SweepSpec parse_sweep(const std::string& text, const std::string& file)
{
  const SweepDocument doc = parse_sweep_document(text, file);

  SweepSpec spec;
  spec.file = file;
  spec.name = doc.name ? *doc.name : fs::path(file).stem().string();
  if (spec.name.empty())
    spec.name = "sweep";
  if (!doc.base || doc.base->empty())
    throw InputError(SourceLocation{file, 0, 0}, "base", "", "a sweep needs a base scenario");
  spec.base = resolve(*doc.base, file);
  spec.base_text = read_file(spec.base, doc.base_where, "base scenario");
  spec.out = doc.out;
  for (const auto& [s, at] : doc.sets) {
    const std::size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError(at, "set", s, "expected field.path=value");
    spec.sets.push_back(s);
  }

  std::set<std::string> fields; // every swept field path, to refuse sweeping one twice
  auto add = [&](Axis axis) {
    if (axis.values.empty())
      return;
    if (!fields.insert(axis.field).second)
      throw InputError(axis.where, axis.field, "", "this field is swept twice");
    std::set<std::string> distinct;
    for (const auto& v : axis.values)
      if (!distinct.insert(v).second)
        throw InputError(axis.where, axis.field, v, "value listed twice on the same axis");
    if (axis.set_values.empty())
      axis.set_values = axis.values;
    spec.axes.push_back(std::move(axis));
  };

  add(Axis{"policy", "migration.policy", values_of(doc.policies), {}, first_where(doc.policies, file)});
  add(Axis{"mechanism", "migration.mechanism", values_of(doc.mechanisms), {}, first_where(doc.mechanisms, file)});
  if (!doc.policy_commands.empty()) { // external policies: each command is a run of the `external` policy
    if (!doc.policies.empty())
      throw InputError(doc.policy_commands.front().where, "policy_command", doc.policy_commands.front().value,
                       "sweep either built-in policies (policy) or external ones (policy_command), not both");
    spec.sets.push_back("migration.policy=external");
    add(Axis{"policy_command", "migration.external.command", values_of(doc.policy_commands), {},
             doc.policy_commands.front().where});
  }
  for (std::size_t i = 0; i < doc.axes.size(); ++i) {
    const SweepDocument::Axis& a = doc.axes[i];
    const SourceLocation& at = a.where;
    const std::string label = "axis[" + std::to_string(i) + "]";
    if (a.field.empty())
      throw InputError(at, label + ".field", "", "an axis needs the field path it sweeps");
    if (a.field == "seed" || a.field == "migration.policy" || a.field == "migration.mechanism" ||
        a.field == "mobility.trace")
      throw InputError(at, label + ".field", a.field,
                       "sweep this field with the sweep's own seed/seeds, "
                       "policy, mechanism or trace entries");
    if (!a.values.empty() && a.range)
      throw InputError(at, label, a.field, "an axis has either value entries or a range, not both");
    if (a.values.empty() && !a.range)
      throw InputError(at, label, a.field, "an axis needs value entries or a range");
    Axis axis{a.field, a.field, {}, {}, at};
    if (a.range) {
      const SweepDocument::Range& r = *a.range;
      if (!r.from || !r.to)
        throw InputError(at, label + ".range", "", "a range needs from and to");
      axis.values = range_values(*r.from, *r.to, r.step, r.factor, at, label + ".range");
    } else {
      axis.values = a.values;
    }
    add(std::move(axis));
  }
  {
    Axis traces{"trace", "mobility.trace", values_of(doc.traces), {}, first_where(doc.traces, file)};
    for (const auto& t : traces.values)
      traces.set_values.push_back(resolve(t, file));
    for (std::size_t i = 0; i < traces.set_values.size(); ++i)
      if (!fs::exists(traces.set_values[i]))
        throw InputError(doc.traces[i].where, "trace", traces.values[i],
                         "no such trace file (" + traces.set_values[i] + ")");
    add(std::move(traces));
  }
  if (!doc.seeds.empty() && doc.seed_range)
    throw InputError(doc.seed_range->where, "seeds", "", "give either seed entries or seeds { first count }, not both");
  Axis seeds{"seed", "seed", {}, {}, doc.seed_range ? doc.seed_range->where : first_where(doc.seeds, file)};
  for (const auto& [seed, at] : doc.seeds) {
    if (seed > 9223372036854775807ull)
      throw InputError(at, "seed", std::to_string(seed), "must be at most 9223372036854775807");
    seeds.values.push_back(std::to_string(seed));
  }
  if (doc.seed_range) {
    const SweepDocument::SeedRange& range = *doc.seed_range;
    if (range.count == 0)
      throw InputError(range.where, "seeds.count", "0", "must be at least 1");
    if (range.count > kMaxRangeValues)
      throw InputError(range.where, "seeds.count", std::to_string(range.count),
                       "must be at most " + std::to_string(kMaxRangeValues) + " (seeds of one sweep)");
    constexpr std::uint64_t kMaxSeed = 9223372036854775807ull; // `run --seed` takes an int64
    if (range.first > kMaxSeed - (range.count - 1))
      throw InputError(range.where, "seeds.first", std::to_string(range.first),
                       "first + count - 1 must be at most " + std::to_string(kMaxSeed) + " (no wrap-around)");
    for (std::uint32_t i = 0; i < range.count; ++i)
      seeds.values.push_back(std::to_string(range.first + i));
  }
  add(std::move(seeds));
  return spec;
}

SweepSpec load_sweep(const std::string& file)
{
  return parse_sweep(read_file(file, SourceLocation{file, 0, 0}, "sweep file"), file);
}

std::string run_id(const SweepSpec& spec, const std::vector<std::pair<std::string, std::string>>& params)
{
  std::uint64_t hash = fnv1a(spec.base_text);
  for (const auto& s : spec.sets)
    hash = fnv1a("\n" + s, hash);
  std::string slug;
  for (const auto& [column, value] : params) {
    hash = fnv1a("\n" + column + "=" + value, hash);
    if (!slug.empty())
      slug += '_';
    if (column == "seed")
      slug += "seed" + value;
    else if (column == "trace")
      slug +=
          safe_component(fs::path(value).filename().string().substr(0, fs::path(value).filename().string().find('.')));
    else
      slug += safe_component(value);
  }
  // murmur3's 64-bit finaliser, so that ids of neighbouring runs do not share most of their digits
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdull;
  hash ^= hash >> 33;
  hash *= 0xc4ceb9fe1a85ec53ull;
  hash ^= hash >> 33;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%08llx", static_cast<unsigned long long>(hash >> 32));
  if (slug.size() > 120)
    slug.clear(); // too long for a file name: the hash alone
  return slug.empty() ? std::string("run_") + hex : slug + "_" + hex;
}

std::vector<RunPoint> expand(const SweepSpec& spec)
{
  std::size_t total = 1;
  for (const Axis& a : spec.axes) {
    if (total > 10'000'000 / a.values.size())
      throw InputError(SourceLocation{spec.file, 0, 0}, "", "", "the sweep has more than 10,000,000 runs");
    total *= a.values.size();
  }
  std::vector<RunPoint> runs;
  runs.reserve(total);
  std::vector<std::size_t> digit(spec.axes.size(), 0); // mixed-radix counter, last axis fastest
  for (std::size_t index = 0; index < total; ++index) {
    RunPoint run;
    run.index = index;
    run.sets = spec.sets;
    for (std::size_t k = 0; k < spec.axes.size(); ++k) {
      const Axis& a = spec.axes[k];
      run.params.emplace_back(a.column, a.values[digit[k]]);
      if (a.column == "seed")
        run.seed = std::stoull(a.values[digit[k]]);
      else
        run.sets.push_back(a.field + "=" + a.set_values[digit[k]]);
    }
    run.id = run_id(spec, run.params);
    runs.push_back(std::move(run));
    for (std::size_t k = spec.axes.size(); k-- > 0;) {
      if (++digit[k] < spec.axes[k].values.size())
        break;
      digit[k] = 0;
    }
  }
  return runs;
}

Shard parse_shard(const std::string& text)
{
  const std::size_t slash = text.find('/');
  Shard shard;
  auto number = [&](std::string_view s, std::size_t& out) {
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && ec == std::errc() && ptr == s.data() + s.size();
  };
  const std::string_view all(text);
  if (slash == std::string::npos || !number(all.substr(0, slash), shard.index) ||
      !number(all.substr(slash + 1), shard.count))
    throw InputError(SourceLocation{}, "--shard", text, "expected I/N with integers 0 <= I < N");
  if (shard.count == 0 || shard.index >= shard.count)
    throw InputError(SourceLocation{}, "--shard", text, "expected I/N with 0 <= I < N (I is 0-based)");
  return shard;
}

std::vector<RunPoint> select_shard(const std::vector<RunPoint>& runs, const Shard& shard)
{
  std::vector<RunPoint> mine;
  for (const RunPoint& r : runs)
    if (r.index % shard.count == shard.index)
      mine.push_back(r);
  return mine;
}

} // namespace v2x::sweep
