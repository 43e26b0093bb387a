#pragma once
// One way every executable turns its command line into options: --help
// prints and exits 0; any other parse or validation error is one line on
// stderr, "<program>: <what is wrong>", and exit status 2 (docs/runbook
// exit codes: 2 usage or input error, 1 failed run or gate).
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>

#include "common/error.hpp"
#include "launch/run_config.hpp"

namespace dreamer {

// Binds --device / --env-backend style options: the names cpu and cuda into
// a Device; any other name is "<flag>: must be cpu or cuda, got 'x'".
inline CLI::Option* add_device_option(CLI::App& app, const std::string& flag, Device& device, const std::string& help) {
  const CLI::Validator names(
      [](std::string& name) -> std::string {
        const auto found = device_names().find(name);
        if (found == device_names().end()) return "must be cpu or cuda, got '" + name + "'";
        name = std::to_string(static_cast<int>(found->second));
        return "";
      },
      "");
  return app.add_option(flag, device, help)->transform(names)->type_name("cpu|cuda")->default_str(device_name(device));
}

// nullopt when `argv` parsed; otherwise the exit status main returns.
// Every executable starts here, so this is also where a write past the
// file-size limit (ulimit -f, a cluster's RLIMIT_FSIZE) becomes a write error
// (EFBIG) that the writer reports as one line, instead of SIGXFSZ killing the
// process with a half-written file.
inline std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv, const char* program) {
  std::signal(SIGXFSZ, SIG_IGN);
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

// Runs a parsed command, `body` returning main's exit status, and turns what
// it throws into one line "<program>: <what>": a dreamer::Error (bad input: a
// ROM, a stage, a file) exits 2, any other exception 1.
template <class Body>
int run_command(const char* program, Body&& body) {
  try {
    return body();
  } catch (const Error& error) {
    std::fprintf(stderr, "%s: %s\n", program, error.what());
    return 2;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s: %s\n", program, error.what());
    return 1;
  }
}

}  // namespace dreamer
