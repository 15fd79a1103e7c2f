#pragma once
// Semantic validation of a translated scenario (after derived defaults are filled): ranges, references,
// unique ids, files, registry names. The first problem found is thrown as an InputError located by `locate`.
#include "config/loader.hpp"
#include "config/scenario.hpp"
#include "core/error.hpp"

#include <functional>
#include <string>

namespace v2x {

struct ValidationContext {
  /// Where a field path (e.g. "infrastructure.rsu[2].x_m") was written; the loader passes ScenarioDocument::locate.
  std::function<SourceLocation(const std::string& path)> locate;
  /// Which lists the loader generated (their errors then say so, and point at the enclosing message).
  bool generated_brokers = false;
  bool generated_links = false;
  bool generated_rate_steps = false;
};

void validate_scenario(const Scenario& s, const KnownNames& known, const ValidationContext& context);

/// Shortest text that reads back as the same double (for error messages and summaries).
std::string number_text(double v);

} // namespace v2x
