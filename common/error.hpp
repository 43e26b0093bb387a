#pragma once
// Errors in three tiers (see docs/architecture.md):
//  - recoverable failures between components return a status or std::expected;
//  - programmer errors stop at DREAMER_ASSERT with a message;
//  - bad input at the CLI/config/file boundary throws dreamer::Error, which the
//    executables turn into one line on stderr and a non-zero exit code.
#include <stdexcept>
#include <string>

namespace dreamer {

// Bad input from outside (config, file, command line, foreign library call).
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A config value that fails validation; the message names the field.
class ConfigError : public Error {
 public:
  ConfigError(const std::string& field, const std::string& problem)
      : Error("config field '" + field + "': " + problem), field_(field) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

// The first line of an error's text: some libraries (LibTorch) append a
// backtrace, and every error reaches the user as one line.
inline std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

[[noreturn]] void assertion_failed(const char* condition, const std::string& message, const char* file, int line);

}  // namespace dreamer

// Programmer errors: always on (never compiled out), aborts with a message.
#define DREAMER_ASSERT(condition, message)                                                    \
  do {                                                                                        \
    if (!(condition)) ::dreamer::assertion_failed(#condition, (message), __FILE__, __LINE__); \
  } while (0)
