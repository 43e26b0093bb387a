// The micro-ROMs (states/roms/micro_*.asm) under mGBA: each behaves as its
// source describes, so it can serve as a lockstep/equivalence probe.
#include "actors/gb/mgba_runner.hpp"
#include "tests/actors/roms/rom_paths.hpp"

#include <gtest/gtest.h>

#include <array>
#include <random>
#include <set>

namespace dreamer::testing {
using namespace mgba;  // the reference runner, its Frame and screen constants
namespace {

constexpr std::uint16_t kBgp = 0xFF47;

// Number of distinct pictures (a set of vectors trips a GCC 12 false
// positive warning in operator<=>, so compare with ==).
int count_distinct(const std::vector<std::vector<std::uint8_t>>& pictures) {
  int distinct = 0;
  for (std::size_t i = 0; i < pictures.size(); ++i) {
    bool seen_before = false;
    for (std::size_t j = 0; j < i && !seen_before; ++j) seen_before = pictures[j] == pictures[i];
    distinct += seen_before ? 0 : 1;
  }
  return distinct;
}

TEST(MicroTimerPpuRom, EveryFrameDiffersAndUsesAllShades) {
  MgbaRunner runner = MgbaRunner::from_file(own_rom("micro_timer_ppu.gb"));
  runner.run_frames(5, 0);
  std::vector<Frame> seen;
  for (int frame_index = 0; frame_index < 60; ++frame_index) {
    runner.run_frame(0);
    const Frame frame = runner.frame();
    std::array<int, 4> counts{};
    for (std::uint8_t shade : frame) ++counts[shade];
    for (int shade = 0; shade < 4; ++shade) EXPECT_GT(counts[static_cast<std::size_t>(shade)], 0);
    seen.push_back(frame);
  }
  EXPECT_EQ(count_distinct(seen), 60) << "the scroll and the drifting timer band change every frame";
}

TEST(MicroTimerPpuRom, MidFrameChangesShowUpWithinOneFrame) {
  // Rows of the same BG tile row but different 8-line bands must differ:
  // the LYC handler shifts SCX by one pixel per line and rotates BGP every
  // 8 lines, so a renderer that ignores mid-frame writes fails this.
  MgbaRunner runner = MgbaRunner::from_file(own_rom("micro_timer_ppu.gb"));
  runner.run_frames(20, 0);
  const Frame frame = runner.frame();
  const auto row = [&](int y) {
    return std::vector<std::uint8_t>(frame.begin() + y * kScreenWidth, frame.begin() + (y + 1) * kScreenWidth);
  };
  int distinct_band_starts = 0;
  for (int band = 1; band < 17; ++band) distinct_band_starts += row(band * 8) != row(band * 8 - 8) ? 1 : 0;
  EXPECT_GE(distinct_band_starts, 14);
}

TEST(MicroTimerPpuRom, InputIsIgnoredAndRunsAreReproducible) {
  MgbaRunner quiet = MgbaRunner::from_file(own_rom("micro_timer_ppu.gb"));
  MgbaRunner pressed = MgbaRunner::from_file(own_rom("micro_timer_ppu.gb"));
  std::mt19937 random(3);
  for (int frame_index = 0; frame_index < 120; ++frame_index) {
    quiet.run_frame(0);
    pressed.run_frame(random() & 0xFF);
    ASSERT_EQ(quiet.frame(), pressed.frame()) << "frame " << frame_index;
  }
}

TEST(MicroMbcRom, Mbc1MapsBankZeroToOneAndMasksToTheRomSize) {
  MgbaRunner runner = MgbaRunner::from_file(own_rom("micro_mbc.gb"));
  runner.run_frames(3, 0);
  // Writes of 0, 1, 2, 3, 7 to $2000 on a 4-bank MBC1 select banks 1, 1, 2, 3, 3.
  const std::array<int, 5> expected = {1, 1, 2, 3, 3};
  for (std::uint16_t i = 0; i < 5; ++i) EXPECT_EQ(runner.read8(static_cast<std::uint16_t>(0xC000 + i)), expected[i]);
}

TEST(MicroMbcRom, ScreenShowsTheBankTilesAndPalettesFollowTheBanks) {
  MgbaRunner runner = MgbaRunner::from_file(own_rom("micro_mbc.gb"));
  runner.run_frames(3, 0);
  const Frame frame = runner.frame();
  const auto column_block = [&](int tile_x) {
    std::vector<std::uint8_t> pixels;
    for (int y = 0; y < 8; ++y) {
      for (int x = 0; x < 8; ++x) pixels.push_back(frame[static_cast<std::size_t>(y * kScreenWidth + tile_x * 8 + x)]);
    }
    return pixels;
  };
  // Columns 0 and 1 both show bank 1's tile; 2 bank 2's; 3 and 4 bank 3's.
  EXPECT_EQ(column_block(0), column_block(1));
  EXPECT_NE(column_block(1), column_block(2));
  EXPECT_NE(column_block(2), column_block(3));
  EXPECT_EQ(column_block(3), column_block(4));
  EXPECT_EQ(column_block(0), column_block(5));
  // Palettes: every 32 frames the next bank's byte at $4014 goes to BGP.
  EXPECT_EQ(runner.read8(kBgp), 0xE4);
  std::vector<int> palettes;
  for (int period = 0; period < 4; ++period) {
    runner.run_frames(32, 0);
    palettes.push_back(runner.read8(kBgp));
  }
  EXPECT_EQ(palettes, (std::vector<int>{0x1B, 0x93, 0xE4, 0x1B}));
}

TEST(MicroInputRom, EveryButtonOnBothSelectLinesChangesTheScreen) {
  MgbaRunner runner = MgbaRunner::from_file(own_rom("micro_input.gb"));
  runner.run_frames(5, 0);
  std::vector<std::vector<std::uint8_t>> button_rows;
  // Row 2 (pixels 16..23) holds the button cells; the other rows show
  // timing-dependent counters, so only the button row is compared.
  const auto button_row = [&]() {
    const Frame frame = runner.frame();
    return std::vector<std::uint8_t>(frame.begin() + 16 * kScreenWidth, frame.begin() + 24 * kScreenWidth);
  };
  button_rows.push_back(button_row());
  for (int bit = 0; bit < 8; ++bit) {
    const std::uint32_t keys = 1u << bit;
    runner.run_frames(3, keys);
    EXPECT_EQ(runner.read8(0xFF81), keys) << "the ROM's joypad byte for button bit " << bit;
    EXPECT_EQ(runner.read8(0xFF43), 8) << "SCX = 8 per held button";
    button_rows.push_back(button_row());
  }
  EXPECT_EQ(count_distinct(button_rows), 9) << "no button and each single button give distinct pictures";
  runner.run_frames(3, 0xFF);
  EXPECT_EQ(runner.read8(0xFF81), 0xFF);
  EXPECT_EQ(runner.read8(0xFF43), 64);
}

TEST(MicroInputRom, CpuNeverHalts) {
  MgbaRunner runner = MgbaRunner::from_file(own_rom("micro_input.gb"));
  runner.run_frames(5, 0);
  std::set<std::uint16_t> program_counters;
  for (int frame_index = 0; frame_index < 30; ++frame_index) {
    runner.run_frame(0);
    const Registers registers = runner.registers();
    EXPECT_NE(runner.read8(registers.pc), 0x76) << "sitting on a HALT";
    EXPECT_EQ(registers.sp, 0xFFFE);
    program_counters.insert(registers.pc);
  }
  EXPECT_GT(program_counters.size(), 1u);
}

}  // namespace
}  // namespace dreamer::testing
