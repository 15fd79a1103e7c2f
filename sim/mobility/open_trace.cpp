#include "mobility/readers.hpp"

#include <string>

namespace v2x {

namespace {

/// A trace that ends without a single vehicle row (a CSV header alone, an FCD without timesteps or vehicles)
/// is an input error, not a run with no vehicles.
class NonEmptyTrace final : public TraceReader {
public:
  NonEmptyTrace(std::unique_ptr<TraceReader> inner, std::string path)
      : inner_(std::move(inner))
      , path_(std::move(path))
  {
  }
  bool next(TraceStep& step) override
  {
    const bool more = inner_->next(step);
    if (more)
      rows_ += step.vehicles.size();
    else if (rows_ == 0)
      throw InputError({path_, 0, 0}, "", "", std::string("empty trace: no vehicle rows (") + inner_->format_name() +
                                                  " with a header or timesteps only)");
    return more;
  }
  const char* format_name() const override { return inner_->format_name(); }
  std::string projection() const override { return inner_->projection(); }

private:
  std::unique_ptr<TraceReader> inner_;
  std::string path_;
  std::uint64_t rows_ = 0;
};

std::unique_ptr<TraceReader> open_known_trace(const std::string& path, TraceFormat format,
                                              const std::string& projection);

} // namespace

std::unique_ptr<TraceReader> open_trace(const std::string& path, TraceFormat format, const std::string& projection)
{
  return std::make_unique<NonEmptyTrace>(open_known_trace(path, format, projection), path);
}

namespace {

std::unique_ptr<TraceReader> open_known_trace(const std::string& path, TraceFormat format, const std::string& projection)
{
  TextBuffer in(path);
  const char* p = in.first_nonblank();
  if (!p)
    throw InputError({path, 1, 0}, "", "", "empty trace: the file has no data");
  if (format == TraceFormat::Auto) {
    if (*p == '<') {
      format = TraceFormat::SumoFcd;
    } else if (*p == '$' || *p == '#') {
      format = TraceFormat::Ns2;
    } else {
      // CSV: the first line must look like a header with a separator; the CSV reader checks the names.
      const char* e = in.end();
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', e - p));
      std::string_view line(p, (nl ? nl : e) - p);
      if (line.find(',') == std::string_view::npos && line.find(';') == std::string_view::npos)
        throw InputError({path, in.line_of(p), 0}, "", std::string(line.substr(0, 60)),
                         "unknown trace format: not SUMO FCD XML ('<'), ns-2 mobility ('$node_'/'$ns_') or CSV "
                         "(a header line with ',' or ';')");
      format = TraceFormat::Csv;
    }
  }
  switch (format) {
  case TraceFormat::SumoFcd:
    return detail::make_fcd_reader(std::move(in), projection);
  case TraceFormat::Csv:
    return detail::make_csv_reader(std::move(in), projection);
  case TraceFormat::Ns2:
    return detail::make_ns2_reader(std::move(in));
  case TraceFormat::Auto:
    break;
  }
  throw InputError({path, 0, 0}, "format", "", "no trace format");
}

} // namespace

} // namespace v2x
