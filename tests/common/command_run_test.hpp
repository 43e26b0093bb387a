#pragma once
// CommandRunTest: a ScratchDirTest for the tests of the project's
// executables. run() starts a command line through /bin/sh in dir_ and keeps
// what it printed in out_ and err_.
#include <sys/wait.h>

#include <cstdlib>
#include <string>

#include "common/file_io.hpp"
#include "tests/common/scratch_dir_test.hpp"

namespace dreamer {

class CommandRunTest : public ScratchDirTest {
 protected:
  // Exit status of `command` run by /bin/sh in dir_ (-1 when it did not exit
  // normally); its stdout and stderr land in out_ / err_.
  int run(const std::string& command) {
    const std::string out = (dir_ / "stdout.txt").string();
    const std::string err = (dir_ / "stderr.txt").string();
    const int status = std::system(("cd '" + dir_.string() + "' && " + command + " >" + out + " 2>" + err).c_str());
    out_ = read_file_text(out);
    err_ = read_file_text(err);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string out_;
  std::string err_;
};

}  // namespace dreamer
