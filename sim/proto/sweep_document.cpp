// The sweep file's parse: sweep.pb.h to plain structs, with the parser's locations.
#include "proto/sweep_document.hpp"
#include "proto/first_error.hpp"

#include "sweep.pb.h"

#include <google/protobuf/text_format.h>

namespace v2x {

namespace gp = google::protobuf;

namespace {

SourceLocation location(const std::string& file, const gp::TextFormat::ParseInfoTree& tree,
                        const gp::FieldDescriptor* field, int index)
{
  const gp::TextFormat::ParseLocation loc = tree.GetLocation(field, index);
  if (loc.line < 0)
    return SourceLocation{file, 0, 0};
  return SourceLocation{file, loc.line + 1, loc.column + 1};
}

} // namespace

SweepDocument parse_sweep_document(const std::string& text, const std::string& file)
{
  pb::Sweep msg;
  gp::TextFormat::ParseInfoTree tree;
  FirstErrorCollector errors;
  gp::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(text, &msg) || errors.has_error)
    throw InputError(SourceLocation{file, errors.line + 1, errors.column + 1}, "", "",
                     "syntax error: " + (errors.has_error ? errors.message : std::string("cannot parse the sweep")));

  const gp::Descriptor* d = pb::Sweep::descriptor();
  const auto where = [&](const char* field, int index = -1) {
    return location(file, tree, d->FindFieldByName(field), index);
  };
  const auto entries = [&](const char* field, const auto& values) {
    std::vector<SweepDocument::Entry<std::string>> out;
    for (int i = 0; i < values.size(); ++i)
      out.push_back({values.Get(i), where(field, i)});
    return out;
  };

  SweepDocument doc;
  if (msg.has_name())
    doc.name = msg.name();
  if (msg.has_base())
    doc.base = msg.base();
  doc.base_where = where("base");
  doc.out = msg.out();
  doc.sets = entries("set", msg.set());
  doc.policies = entries("policy", msg.policy());
  doc.mechanisms = entries("mechanism", msg.mechanism());
  doc.policy_commands = entries("policy_command", msg.policy_command());
  for (int i = 0; i < msg.axis_size(); ++i) {
    const pb::Axis& a = msg.axis(i);
    SweepDocument::Axis axis{a.field(), {a.value().begin(), a.value().end()}, std::nullopt, where("axis", i)};
    if (a.has_range()) {
      const pb::Range& r = a.range();
      SweepDocument::Range range;
      if (r.has_from())
        range.from = r.from();
      if (r.has_to())
        range.to = r.to();
      if (r.has_step())
        range.step = r.step();
      if (r.has_factor())
        range.factor = r.factor();
      axis.range = range;
    }
    doc.axes.push_back(std::move(axis));
  }
  doc.traces = entries("trace", msg.trace());
  for (int i = 0; i < msg.seed_size(); ++i)
    doc.seeds.push_back({msg.seed(i), where("seed", i)});
  if (msg.has_seeds())
    doc.seed_range = SweepDocument::SeedRange{msg.seeds().first(), msg.seeds().count(), where("seeds")};
  return doc;
}

} // namespace v2x
