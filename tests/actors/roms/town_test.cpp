// town.gb under mGBA: areas joined by doors and stairs, scrolling, the
// player's metasprite, NPC scripts and collisions, the text box, the START
// menu, and deterministic replays (states/roms/town.asm).
#include "actors/gb/mgba_runner.hpp"
#include "tests/actors/roms/rom_paths.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <utility>
#include <vector>

namespace dreamer::testing {
using namespace mgba;  // the reference runner, its Frame and screen constants
namespace {

// Codec actions (pokemonred_puffer_v1).
constexpr int kNoop = 0, kA = 1, kB = 2, kStart = 3, kUp = 4, kDown = 5, kLeft = 6, kRight = 7;

// The game's fixed addresses (town.asm's header).
constexpr std::uint16_t kArea = 0xC100, kTextOpen = 0xC101, kMenuOpen = 0xC102, kMenuCursor = 0xC103,
                        kTextCount = 0xC104, kActors = 0xC200;
constexpr std::uint16_t kActorSize = 16, kActorX = 1, kActorY = 2, kActorFacing = 3, kActorLeft = 4;
constexpr int kTown = 0, kHouse1f = 1, kHouse2f = 2, kShop = 3;
constexpr int kFacingDown = 0, kFacingUp = 1, kFacingLeft = 2;
constexpr int kMaxActors = 9;
constexpr std::uint16_t kLcdc = 0xFF40, kScy = 0xFF42, kScx = 0xFF43, kBgp = 0xFF47, kWy = 0xFF4A, kOam = 0xFE00;

class TownRom : public ::testing::Test {
 protected:
  TownRom() : runner_(MgbaRunner::from_file(own_rom("town.gb"))) { runner_.step(kNoop); }

  int read(std::uint16_t address) const { return runner_.read8(address); }
  int actor(int index, std::uint16_t field) const { return read(kActors + index * kActorSize + field); }
  int area() const { return read(kArea); }
  std::pair<int, int> tile() const { return {actor(0, kActorX), actor(0, kActorY)}; }

  // Steps `action` until the player has moved `tiles` tiles (or changed
  // area); an NPC in the way only delays it.
  void walk(int action, int tiles) {
    for (int moved = 0; moved < tiles; ++moved) {
      const std::pair<int, int> before = tile();
      const int before_area = area();
      int attempts = 0;
      while (tile() == before && area() == before_area) {
        ASSERT_LT(attempts++, 12) << "stuck at " << before.first << "," << before.second << " action " << action;
        runner_.step(action);
      }
    }
  }
  void steps(int action, int count) {
    for (int i = 0; i < count; ++i) runner_.step(action);
  }
  // From the start into the player's house: up the path, west, in at the door.
  void enter_house() {
    walk(kUp, 3);
    walk(kLeft, 6);
    walk(kUp, 1);
    walk(kLeft, 1);
    walk(kUp, 1);
    runner_.step(kNoop);  // the fade-in ends
  }
  // From the start into the shop (door at 16,4).
  void enter_shop() {
    walk(kUp, 3);
    walk(kRight, 6);
    walk(kUp, 1);
    walk(kUp, 1);
    runner_.step(kNoop);
  }

  MgbaRunner runner_;
};

TEST_F(TownRom, StartsOnTheTownPathWithTheCameraOnThePlayer) {
  EXPECT_EQ(area(), kTown);
  EXPECT_EQ(tile(), std::make_pair(10, 9));
  EXPECT_EQ(actor(0, kActorFacing), kFacingDown);
  EXPECT_EQ(read(kTextOpen), 0);
  EXPECT_EQ(read(kMenuOpen), 0);
  // The player's block sits at screen pixel (64, 64).
  EXPECT_EQ(read(kScx), (10 * 16 - 64) & 0xFF);
  EXPECT_EQ(read(kScy), (9 * 16 - 64) & 0xFF);
  EXPECT_EQ(read(kBgp), 0xE4) << "faded in";
}

TEST_F(TownRom, PlayerIsA16x16MetaspriteWithAWalkCycle) {
  // OAM entries 0-3: top-left, bottom-left, top-right, bottom-right at
  // screen (64, 64) (OAM adds 16 to y and 8 to x).
  EXPECT_EQ(read(kOam + 0), 80);
  EXPECT_EQ(read(kOam + 1), 72);
  EXPECT_EQ(read(kOam + 4), 88);
  EXPECT_EQ(read(kOam + 5), 72);
  EXPECT_EQ(read(kOam + 8), 80);
  EXPECT_EQ(read(kOam + 9), 80);
  EXPECT_EQ(read(kOam + 12), 88);
  EXPECT_EQ(read(kOam + 13), 80);
  const int standing_tile = read(kOam + 2);
  std::set<int> tiles;
  for (int frame = 0; frame < 16; ++frame) {
    runner_.run_frame(frame < 8 ? MgbaRunner::kDown : 0);
    tiles.insert(read(kOam + 2));
  }
  EXPECT_EQ(tile(), std::make_pair(10, 10));
  EXPECT_GE(tiles.size(), 2u) << "a walking picture, then standing again";
  EXPECT_TRUE(tiles.count(standing_tile));
}

TEST_F(TownRom, EachStepMovesOneBlockAndScrollsTheTown) {
  const Frame start = runner_.frame();
  runner_.step(kDown);
  EXPECT_NE(runner_.frame(), start);
  EXPECT_EQ(tile(), std::make_pair(10, 10));
  EXPECT_EQ(read(kScy), (10 * 16 - 64) & 0xFF);
  EXPECT_EQ(actor(0, kActorLeft), 0) << "the step ends within the 24 frames";
  runner_.step(kUp);
  EXPECT_EQ(tile(), std::make_pair(10, 9));
  EXPECT_EQ(read(kScy), (9 * 16 - 64) & 0xFF) << "the camera is back";
  walk(kRight, 8);
  EXPECT_EQ(tile(), std::make_pair(18, 9));
  EXPECT_EQ(read(kScx), (18 * 16 - 64) & 0xFF);
}

TEST_F(TownRom, TreesAndWallsBlock) {
  walk(kRight, 8);
  ASSERT_EQ(tile(), std::make_pair(18, 9));
  steps(kRight, 3);
  EXPECT_EQ(tile(), std::make_pair(18, 9)) << "the tree border";
  EXPECT_EQ(actor(0, kActorFacing), 3);
  walk(kUp, 3);
  walk(kLeft, 4);
  ASSERT_EQ(tile(), std::make_pair(14, 6));
  steps(kUp, 2);
  EXPECT_EQ(tile(), std::make_pair(14, 5));
  steps(kUp, 2);
  EXPECT_EQ(tile(), std::make_pair(14, 5)) << "the shop's window wall";
  EXPECT_EQ(area(), kTown);
}

TEST_F(TownRom, TheHouseDoorAndMatJoinTownAndHouse) {
  enter_house();
  EXPECT_EQ(area(), kHouse1f);
  EXPECT_EQ(tile(), std::make_pair(2, 6));
  EXPECT_EQ(actor(0, kActorFacing), kFacingUp);
  EXPECT_EQ(read(kBgp), 0xE4);
  walk(kDown, 1);
  runner_.step(kNoop);
  EXPECT_EQ(area(), kTown);
  EXPECT_EQ(tile(), std::make_pair(3, 5));
  EXPECT_EQ(actor(0, kActorFacing), kFacingDown);
}

TEST_F(TownRom, StairsJoinTheTwoFloors) {
  enter_house();
  ASSERT_EQ(area(), kHouse1f);
  walk(kRight, 5);
  walk(kUp, 5);
  ASSERT_EQ(tile(), std::make_pair(7, 1));
  walk(kRight, 1);
  runner_.step(kNoop);
  EXPECT_EQ(area(), kHouse2f);
  EXPECT_EQ(tile(), std::make_pair(7, 1));
  EXPECT_EQ(actor(0, kActorFacing), kFacingLeft);
  walk(kRight, 1);
  runner_.step(kNoop);
  EXPECT_EQ(area(), kHouse1f);
  EXPECT_EQ(tile(), std::make_pair(7, 1));
}

TEST_F(TownRom, TheShopDoorAndMatJoinTownAndShop) {
  enter_shop();
  EXPECT_EQ(area(), kShop);
  EXPECT_EQ(tile(), std::make_pair(5, 6));
  walk(kDown, 1);
  runner_.step(kNoop);
  EXPECT_EQ(area(), kTown);
  EXPECT_EQ(tile(), std::make_pair(16, 5));
}

TEST_F(TownRom, AnAreaLoadFadesOutSwitchesTheLcdOffAndFadesIn) {
  walk(kUp, 3);
  walk(kLeft, 6);
  walk(kUp, 1);
  walk(kLeft, 1);
  ASSERT_EQ(tile(), std::make_pair(3, 5));
  std::vector<int> palettes;
  bool lcd_was_off = false;
  for (int frame = 0; frame < 60; ++frame) {
    runner_.run_frame(frame < 8 ? MgbaRunner::kUp : 0);
    palettes.push_back(read(kBgp));
    lcd_was_off = lcd_was_off || (read(kLcdc) & 0x80) == 0;
  }
  EXPECT_EQ(area(), kHouse1f);
  EXPECT_TRUE(lcd_was_off);
  std::vector<int> distinct;
  for (int palette : palettes) {
    if (distinct.empty() || distinct.back() != palette) distinct.push_back(palette);
  }
  EXPECT_EQ(distinct, (std::vector<int>{0xE4, 0x90, 0x40, 0x00, 0x40, 0x90, 0xE4}));
}

TEST_F(TownRom, TalkingToAnNpcPrintsItsTextOneCharacterPerFrame) {
  enter_shop();
  walk(kUp, 2);
  walk(kLeft, 1);
  ASSERT_EQ(tile(), std::make_pair(4, 4));
  runner_.step(kUp);  // the clerk at (4, 3) blocks: the player only turns
  ASSERT_EQ(tile(), std::make_pair(4, 4));
  ASSERT_EQ(actor(0, kActorFacing), kFacingUp);
  runner_.run_frame(MgbaRunner::kA);
  int frames = 0;
  while (read(kTextOpen) == 0 && frames < 10) {
    runner_.run_frame(0);
    ++frames;
  }
  ASSERT_EQ(read(kTextOpen), 1);
  EXPECT_EQ(actor(1, kActorFacing), kFacingDown) << "the clerk turned to the player";
  const int text_length = 28;  // "WELCOME! WE ARE" + "OUT OF STOCK."
  const int first_count = read(kTextCount);
  int previous = first_count;
  int printing_frames = 0;
  for (int frame = 0; frame < 60; ++frame) {
    runner_.run_frame(0);
    const int count = read(kTextCount);
    EXPECT_LE(count - previous, 1) << "at most one character per frame";
    printing_frames += count != previous ? 1 : 0;
    previous = count;
  }
  EXPECT_EQ(previous, text_length);
  EXPECT_EQ(printing_frames, text_length - first_count) << "one frame per character";
  EXPECT_EQ(read(kLcdc) & 0x20, 0x20) << "the window shows the box";
  EXPECT_EQ(read(kWy), 96);
  const std::pair<int, int> where = tile();
  runner_.step(kDown);
  EXPECT_EQ(tile(), where) << "the box holds the player";
  runner_.step(kA);
  EXPECT_EQ(read(kTextOpen), 0);
  EXPECT_EQ(read(kLcdc) & 0x20, 0);
}

TEST_F(TownRom, ANobodyInFrontOpensNothing) {
  runner_.step(kA);
  EXPECT_EQ(read(kTextOpen), 0);
  EXPECT_EQ(tile(), std::make_pair(10, 9));
}

TEST_F(TownRom, StartMenuMovesItsCursorOpensItemBoxesAndCloses) {
  runner_.step(kStart);
  ASSERT_EQ(read(kMenuOpen), 1);
  EXPECT_EQ(read(kLcdc) & 0x20, 0x20);
  EXPECT_EQ(read(kMenuCursor), 0);
  runner_.step(kDown);
  runner_.step(kDown);
  EXPECT_EQ(read(kMenuCursor), 2);
  runner_.step(kUp);
  EXPECT_EQ(read(kMenuCursor), 1);
  const std::pair<int, int> where = tile();
  runner_.step(kLeft);
  EXPECT_EQ(tile(), where) << "the menu holds the player";
  runner_.step(kA);  // ITEMS
  EXPECT_EQ(read(kTextOpen), 1);
  runner_.step(kNoop);
  runner_.step(kB);
  EXPECT_EQ(read(kTextOpen), 0);
  EXPECT_EQ(read(kMenuOpen), 1) << "back to the menu";
  steps(kUp, 2);
  EXPECT_EQ(read(kMenuCursor), 5) << "the cursor wraps to EXIT";
  runner_.step(kA);
  EXPECT_EQ(read(kMenuOpen), 0);
  EXPECT_EQ(read(kLcdc) & 0x20, 0);
  runner_.step(kStart);
  runner_.step(kB);
  EXPECT_EQ(read(kMenuOpen), 0);
  runner_.step(kStart);
  runner_.step(kStart);
  EXPECT_EQ(read(kMenuOpen), 0);
}

// The walker east of the start loops 3 right, 2 down, 3 left, 2 up (bank 7's
// script_square); with no input every run sees the same positions.
TEST(TownNpcs, ScriptsAreDeterministicAndFollowTheirPath) {
  MgbaRunner first = MgbaRunner::from_file(own_rom("town.gb"));
  MgbaRunner second = MgbaRunner::from_file(own_rom("town.gb"));
  first.step(kNoop);  // power-on and the first fade-in
  second.step(kNoop);
  std::set<std::pair<int, int>> visited;
  for (int frame = 0; frame < 1500; ++frame) {
    first.run_frame(0);
    second.run_frame(0);
    for (int index = 1; index < kMaxActors; ++index) {
      for (std::uint16_t field : {kActorX, kActorY, kActorFacing, kActorLeft}) {
        const std::uint16_t address = kActors + index * kActorSize + field;
        ASSERT_EQ(first.read8(address), second.read8(address)) << "frame " << frame << " actor " << index;
      }
    }
    visited.insert({first.read8(kActors + kActorSize + kActorX), first.read8(kActors + kActorSize + kActorY)});
  }
  const std::set<std::pair<int, int>> square = {{5, 8},  {6, 8},  {7, 8},  {8, 8},  {8, 9},
                                                {8, 10}, {7, 10}, {6, 10}, {5, 10}, {5, 9}};
  EXPECT_EQ(visited, square);
}

TEST(TownNpcs, NoTwoActorsEverShareABlock) {
  MgbaRunner runner = MgbaRunner::from_file(own_rom("town.gb"));
  std::mt19937 random(3);
  for (int step = 0; step < 300; ++step) {
    runner.step(static_cast<int>(random() % 8));
    std::set<std::pair<int, int>> taken;
    for (int index = 0; index < kMaxActors; ++index) {
      const std::uint16_t base = kActors + index * kActorSize;
      if (runner.read8(base) == 0) continue;
      EXPECT_TRUE(taken.insert({runner.read8(base + kActorX), runner.read8(base + kActorY)}).second)
          << "step " << step << " actor " << index << " area " << int(runner.read8(kArea));
    }
  }
}

TEST(TownReplay, SameInputsGiveTheSameFramesAndOthersDoNot) {
  MgbaRunner first = MgbaRunner::from_file(own_rom("town.gb"));
  MgbaRunner second = MgbaRunner::from_file(own_rom("town.gb"));
  MgbaRunner other = MgbaRunner::from_file(own_rom("town.gb"));
  std::mt19937 random(11);
  std::mt19937 other_random(12);
  bool ever_different = false;
  for (int step = 0; step < 200; ++step) {
    const int action = static_cast<int>(random() % 8);
    first.step(action);
    second.step(action);
    other.step(static_cast<int>(other_random() % 8));
    ASSERT_EQ(first.frame(), second.frame()) << "step " << step;
    ever_different = ever_different || first.frame() != other.frame();
  }
  EXPECT_TRUE(ever_different);
}

}  // namespace
}  // namespace dreamer::testing
