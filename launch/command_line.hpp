#pragma once
// One way every executable turns its command line into options: --help
// prints and exits 0; any other parse or validation error is one line on
// stderr, "<program>: <what is wrong>", and exit status 2 (docs/runbook
// exit codes: 2 usage or input error, 1 failed run or gate).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <optional>

namespace dreamer {

// nullopt when `argv` parsed; otherwise the exit status main returns.
inline std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv, const char* program) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    std::fprintf(stderr, "%s: %s\n", program, error.what());
    return 2;
  }
  return std::nullopt;
}

}  // namespace dreamer
