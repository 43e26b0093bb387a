#include "actors/env/button_script.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/error.hpp"

namespace dreamer::env {
namespace {

using Actions = std::vector<std::uint8_t>;

TEST(ButtonScript, TextTakesNamesNumbersRepeatsAndComments) {
  EXPECT_EQ(parse_button_script("noop a B start  # the menu\nUP*3 5 left RIGHT*2\n", "s.txt"),
            (Actions{0, 1, 2, 3, 4, 4, 4, 5, 6, 7, 7}));
}

TEST(ButtonScript, JsonlTakesTheAskedEpisodesActionsInOrder) {
  const std::string trajectory =
      "{\"episode\": 0, \"step\": 1, \"action\": 7}\n"
      "{\"episode\": 1, \"step\": 1, \"action\": 4}\n"
      "\n"
      "{\"episode\": 0, \"step\": 2, \"action\": 5}\n";
  EXPECT_EQ(parse_button_script(trajectory, "t.jsonl"), (Actions{7, 5}));
  EXPECT_EQ(parse_button_script(trajectory, "t.jsonl", 1), (Actions{4}));
}

void expect_error(const std::string& text, const std::string& words, int episode = 0) {
  try {
    parse_button_script(text, "s.txt", episode);
    ADD_FAILURE() << "expected an error with '" << words << "' for: " << text;
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(words), std::string::npos) << error.what();
  }
}

TEST(ButtonScript, BadEntriesNameTheLineAndToken) {
  expect_error("UP\nLEFTT", "s.txt line 2: 'LEFTT' is not an action");
  expect_error("8", "'8' is not an action");
  expect_error("UP*0", "'UP*0' has a bad repeat count");
  expect_error("UP*x", "bad repeat count");
  expect_error("UP*100001", "bad repeat count");
  expect_error("# nothing\n", "s.txt: no action");
  expect_error("", "no action");
  expect_error("{\"action\": 9}", "s.txt line 1: field 'action' must be an integer 0-7");
  expect_error("{\"action\": 1}\n{\"action\": ", "line 2: not a JSON object");
  expect_error("{\"episode\": 0, \"action\": 1}", "no step of episode 3", 3);
}

}  // namespace
}  // namespace dreamer::env
