#include "mobility/readers.hpp"

#include <string>

namespace v2x {

std::unique_ptr<TraceReader> open_trace(const std::string& path, TraceFormat format, const std::string& projection)
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

} // namespace v2x
