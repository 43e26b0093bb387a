// exit_room.gb under mGBA: one tile per step, walls block, the scripted
// shortest path reaches the outside, and a random policy rarely does.
#include "actors/gb/mgba_runner.hpp"
#include "tests/actors/roms/rom_paths.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace dreamer::testing {
using namespace mgba;  // the reference runner, its Frame and screen constants
namespace {

// Codec actions (pokemonred_puffer_v1).
constexpr int kNoop = 0, kA = 1, kB = 2, kStart = 3, kUp = 4, kDown = 5, kLeft = 6, kRight = 7;

// The game's HRAM variables (see states/roms/exit_room.asm).
constexpr std::uint16_t kPixelX = 0xFF81, kPixelY = 0xFF82, kTileX = 0xFF83, kTileY = 0xFF84, kOutside = 0xFF88;

// From the ROM's layout: start (5,5), door (12,13): 7 right, 8 down.
constexpr int kShortestPath = 15;
constexpr int kMaxSteps = 128;

class ExitRoomRom : public ::testing::Test {
 protected:
  ExitRoomRom() : runner_(MgbaRunner::from_file(own_rom("exit_room.gb"))) { runner_.step(kNoop); }

  void steps(int action, int count) {
    for (int i = 0; i < count; ++i) runner_.step(action);
  }
  int tile_x() const { return runner_.read8(kTileX); }
  int tile_y() const { return runner_.read8(kTileY); }
  bool outside() const { return runner_.read8(kOutside) != 0; }

  MgbaRunner runner_;
};

TEST_F(ExitRoomRom, StartsInTheTopLeftCornerOfTheRoom) {
  EXPECT_EQ(tile_x(), 5);
  EXPECT_EQ(tile_y(), 5);
  EXPECT_FALSE(outside());
  // The sprite's top-left pixel sits at (40, 40): its outline is black there.
  const Frame frame = runner_.frame();
  EXPECT_EQ(frame[static_cast<std::size_t>(40 * kScreenWidth + 42)], 3);
}

TEST_F(ExitRoomRom, EachStepMovesExactlyOneTile) {
  const Frame start = runner_.frame();
  runner_.step(kRight);
  EXPECT_EQ(tile_x(), 6);
  EXPECT_EQ(runner_.read8(kPixelX), 48);
  EXPECT_NE(runner_.frame(), start);
  runner_.step(kDown);
  EXPECT_EQ(tile_y(), 6);
  EXPECT_EQ(runner_.read8(kPixelY), 48);
  runner_.step(kLeft);
  runner_.step(kUp);
  EXPECT_EQ(tile_x(), 5);
  EXPECT_EQ(tile_y(), 5);
  EXPECT_EQ(runner_.frame(), start) << "back at the start, the screen must match";
}

TEST_F(ExitRoomRom, WallsBlockAndOtherButtonsDoNothing) {
  const Frame start = runner_.frame();
  for (int action : {kUp, kLeft, kA, kB, kStart, kNoop}) {
    steps(action, 12);
    EXPECT_EQ(tile_x(), 5) << "action " << action;
    EXPECT_EQ(tile_y(), 5) << "action " << action;
    EXPECT_EQ(runner_.frame(), start) << "action " << action;
  }
  // The bottom wall beside the door blocks too.
  steps(kDown, 7);
  ASSERT_EQ(tile_y(), 12);
  const Frame bottom = runner_.frame();
  steps(kDown, 10);
  EXPECT_EQ(tile_y(), 12);
  EXPECT_EQ(runner_.frame(), bottom);
  EXPECT_FALSE(outside());
}

TEST_F(ExitRoomRom, ShortestScriptedPathReachesTheOutsideScreenWhichStays) {
  const Frame room = runner_.frame();
  steps(kRight, 7);
  steps(kDown, 7);
  EXPECT_FALSE(outside()) << "one move before the door";
  const Frame before_door = runner_.frame();
  runner_.step(kDown);
  ASSERT_TRUE(outside()) << "after " << kShortestPath << " moves the player must be outside";
  const Frame outside_frame = runner_.frame();
  int differing = 0;
  for (std::size_t i = 0; i < room.size(); ++i) differing += room[i] != outside_frame[i] ? 1 : 0;
  EXPECT_GT(differing, static_cast<int>(room.size()) / 3) << "the outside must look clearly different";
  EXPECT_NE(outside_frame, before_door);
  std::mt19937 random(7);
  for (int i = 0; i < 40; ++i) {
    runner_.step(static_cast<int>(random() % 8));
    ASSERT_EQ(runner_.frame(), outside_frame) << "the outside screen must stay";
  }
}

TEST_F(ExitRoomRom, NoShorterPathExists) {
  // Any 14 moves leave the player inside: the door is 15 tiles away.
  steps(kDown, 7);
  steps(kRight, 7);
  EXPECT_FALSE(outside());
  EXPECT_EQ(tile_x(), 12);
  EXPECT_EQ(tile_y(), 12);
}

// Success rate of a uniform random policy over the 8 actions within 128
// steps. Episodes default to 50 (under a minute); DREAMER_EXIT_ROOM_EPISODES overrides.
TEST(ExitRoomRandomPolicy, RarelyReachesTheDoorWithin128Steps) {
  int episodes = 50;
  if (const char* text = std::getenv("DREAMER_EXIT_ROOM_EPISODES")) episodes = std::atoi(text);
  MgbaRunner runner = MgbaRunner::from_file(own_rom("exit_room.gb"));
  std::mt19937 random(20240601);
  std::uniform_int_distribution<int> action(0, 7);
  int successes = 0;
  long long steps_to_success = 0;
  for (int episode = 0; episode < episodes; ++episode) {
    runner.reset();
    runner.step(kNoop);
    for (int step = 1; step <= kMaxSteps; ++step) {
      runner.step(action(random));
      if (runner.read8(kOutside) != 0) {
        ++successes;
        steps_to_success += step;
        break;
      }
    }
  }
  const double rate = static_cast<double>(successes) / episodes;
  std::cout << "exit_room random policy: " << successes << "/" << episodes << " episodes reached the door within "
            << kMaxSteps << " steps (rate " << rate << ")";
  if (successes > 0) std::cout << ", mean steps when successful " << static_cast<double>(steps_to_success) / successes;
  std::cout << "\n";
  EXPECT_LT(rate, 0.10);
}

}  // namespace
}  // namespace dreamer::testing
