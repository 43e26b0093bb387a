// MgbaRunner itself: DMG model, register access, key mapping, frames.
#include "actors/gb/mgba_runner.hpp"

#include "common/error.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace dreamer::mgba {
namespace {

const std::filesystem::path kStaticScreen = std::filesystem::path(DREAMER_ROMS_DIR) / "static_screen.gb";

TEST(MgbaRunner, StartsInTheDmgPostBootState) {
  // Pan Docs, "Power Up Sequence": after the DMG boot ROM A = $01 (a CGB
  // leaves $11), SP = $FFFE, PC = $0100, BC = $0013, DE = $00D8, HL = $014D.
  MgbaRunner runner = MgbaRunner::from_file(kStaticScreen);
  const Registers registers = runner.registers();
  EXPECT_EQ(registers.a, 0x01) << "mGBA must run the DMG model";
  EXPECT_EQ(registers.sp, 0xFFFE);
  EXPECT_EQ(registers.pc, 0x0100);
  EXPECT_EQ(registers.b, 0x00);
  EXPECT_EQ(registers.c, 0x13);
  EXPECT_EQ(registers.d, 0x00);
  EXPECT_EQ(registers.e, 0xD8);
  EXPECT_EQ(registers.h, 0x01);
  EXPECT_EQ(registers.l, 0x4D);
}

TEST(MgbaRunner, ReadsRegistersOfAHaltedRom) {
  MgbaRunner runner = MgbaRunner::from_file(kStaticScreen);
  runner.run_frames(5, 0);
  const Registers registers = runner.registers();
  EXPECT_EQ(registers.sp, 0xFFFE);
  // static_screen sleeps in `forever: halt; jr forever`: when a frame ends
  // the PC is on the halt or on the jr right after it.
  const bool on_halt = runner.read8(registers.pc) == 0x76;
  const bool after_halt = runner.read8(static_cast<std::uint16_t>(registers.pc - 1)) == 0x76;
  EXPECT_TRUE(on_halt || after_halt) << "pc=" << registers.pc;
}

TEST(MgbaRunner, FramesCountAndResetRestarts) {
  MgbaRunner runner = MgbaRunner::from_file(kStaticScreen);
  const std::uint32_t first = runner.frame_counter();
  runner.run_frames(7, 0);
  EXPECT_EQ(runner.frame_counter() - first, 7u);
  const Frame frame = runner.frame();
  EXPECT_EQ(frame.size(), static_cast<std::size_t>(kScreenWidth * kScreenHeight));
  runner.reset();
  EXPECT_EQ(runner.registers().pc, 0x0100);
}

TEST(MgbaRunner, ActionKeysFollowTheCodecOrder) {
  EXPECT_EQ(MgbaRunner::kActionKeys[0], 0u);
  EXPECT_EQ(MgbaRunner::kActionKeys[1], MgbaRunner::kA);
  EXPECT_EQ(MgbaRunner::kActionKeys[2], MgbaRunner::kB);
  EXPECT_EQ(MgbaRunner::kActionKeys[3], MgbaRunner::kStart);
  EXPECT_EQ(MgbaRunner::kActionKeys[4], MgbaRunner::kUp);
  EXPECT_EQ(MgbaRunner::kActionKeys[5], MgbaRunner::kDown);
  EXPECT_EQ(MgbaRunner::kActionKeys[6], MgbaRunner::kLeft);
  EXPECT_EQ(MgbaRunner::kActionKeys[7], MgbaRunner::kRight);
}

TEST(MgbaRunner, RejectsAMissingFile) { EXPECT_THROW(MgbaRunner::from_file("/nonexistent/rom.gb"), Error); }

}  // namespace
}  // namespace dreamer::mgba
