// libFuzzer harness of the CSV (xml2csv columns or time,id,x,y[,speed,angle]) reader (see fuzz_trace.hpp; `make fuzz` runs it).
#include "fuzz_trace.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  return v2x::fuzz::run_one(data, size, v2x::TraceFormat::Csv);
}
