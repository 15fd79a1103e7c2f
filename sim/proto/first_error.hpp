#pragma once
// A protobuf text-format ErrorCollector that keeps the first error (0-based line and column, as protobuf gives
// them), for the scenario and sweep parsers to turn into an InputError.
#include <google/protobuf/io/tokenizer.h>

#include <string>

namespace v2x {

class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
public:
  void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override
  {
    if (has_error)
      return;
    has_error = true;
    this->line = line;
    this->column = column;
    this->message = message;
  }

  bool has_error = false;
  int line = -1;
  int column = -1;
  std::string message;
};

} // namespace v2x
