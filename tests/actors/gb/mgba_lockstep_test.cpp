// Lockstep oracle: the core and mGBA 0.10.1 (tests/support/mgba_runner) run
// the same ROM side by side with the same buttons each frame; at every frame
// boundary the CPU registers A F B C D E H L SP PC and the 160x144 shade
// frame must match. docs/emulator_oracle.md explains the frame alignment,
// the ROMs, the frame counts and every exclusion (known mGBA errors only).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "actors/gb/emulator.hpp"
#include "actors/gb/rom.hpp"
#include "tests/support/mgba_runner.hpp"

namespace dreamer::gb {
namespace {

const std::filesystem::path kBlargg = std::filesystem::path(DREAMER_SHARED_DIR) / "roms/blargg";
const std::filesystem::path kProjectRoms = DREAMER_ROMS_DIR;

struct LockstepCase {
  std::string name;
  std::filesystem::path rom;
  int frames;
  bool random_inputs;  // seeded random buttons (interactive ROMs); else no buttons
};

// Buttons for frame `frame`: a new random mask (one or two buttons, or none)
// every 4..19 frames, from a fixed seed per ROM.
class InputSchedule {
 public:
  explicit InputSchedule(std::uint32_t seed) : random_(seed) {}
  std::uint8_t next() {
    if (left_ == 0) {
      left_ = 4 + static_cast<int>(random_() % 16);
      const std::uint32_t kind = random_() % 4;
      held_ = kind == 0 ? 0 : static_cast<std::uint8_t>(1u << (random_() % 8));
      if (kind == 3) held_ = static_cast<std::uint8_t>(held_ | (1u << (random_() % 8)));
    }
    --left_;
    return held_;
  }

 private:
  std::mt19937 random_;
  int left_ = 0;
  std::uint8_t held_ = 0;
};

std::string describe(const testing::Registers& r) {
  char text[96];
  std::snprintf(text, sizeof(text), "A=%02X F=%02X B=%02X C=%02X D=%02X E=%02X H=%02X L=%02X SP=%04X PC=%04X", r.a, r.f,
                r.b, r.c, r.d, r.e, r.h, r.l, r.sp, r.pc);
  return text;
}

testing::Registers registers_of(const Console& console) {
  const CpuState& cpu = console.cpu;
  testing::Registers r;
  r.a = cpu.a;
  r.f = cpu.f;
  r.b = cpu.b;
  r.c = cpu.c;
  r.d = cpu.d;
  r.e = cpu.e;
  r.h = cpu.h;
  r.l = cpu.l;
  r.sp = cpu.sp;
  r.pc = cpu.pc;
  return r;
}

bool same(const testing::Registers& x, const testing::Registers& y) {
  return x.a == y.a && x.f == y.f && x.b == y.b && x.c == y.c && x.d == y.d && x.e == y.e && x.h == y.h &&
         x.l == y.l && x.sp == y.sp && x.pc == y.pc;
}

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

// mGBA 0.10.1 without a boot ROM starts where a DMG leaves its boot ROM
// (line 153, LY 0, STAT 0x85, like power_on) but with DIV 0x00 instead of
// 0xAB (Pan Docs "Power Up Sequence"; mooneye boot_div), and with the boot
// logo in VRAM, as on hardware, while power_on leaves VRAM clear. The core
// takes mGBA's divider and VRAM so both run the same machine from the same
// state (see docs/emulator_oracle.md).
void align_power_on_with_mgba(Console& console, const testing::MgbaRunner& mgba) {
  console.timer.divider = 0;
  for (std::uint32_t i = 0; i < sizeof(console.vram); ++i) {
    console.vram[i] = mgba.read8(static_cast<std::uint16_t>(0x8000 + i));
  }
}

constexpr int kMaxAlignSteps = 64;

// Both emulators stop between instructions, but not always at the same one
// (a halted CPU: the core stops at the M-cycle where line 144 starts, mGBA
// wakes and dispatches the interrupt in one step). Steps whichever is behind
// until both sit on the same T-cycle: the first instruction boundary they
// share at or after the core's frame end. False if none within the limit.
bool align_instruction_boundaries(Console& console, const Rom& rom, testing::MgbaRunner& mgba) {
  while (mgba.cycles() < 4 * console.counters.cycles) mgba.step_instruction();
  Bus bus{console, rom.view(), nullptr};
  for (int steps = 0; steps < kMaxAlignSteps; ++steps) {
    const std::uint64_t ours = 4 * console.counters.cycles;
    const std::uint64_t theirs = mgba.cycles();
    if (ours == theirs) return true;
    if (theirs < ours) {
      mgba.step_instruction();
    } else {
      cpu_step(bus);
    }
  }
  return false;
}

// Runs one case; reports the first register, clock and frame divergence.
// Alignment: the core runs a frame (it stops at the first instruction
// boundary after line 144 starts, counters.cycles M-cycles after power-on);
// mGBA is then stepped instruction by instruction until its clock reaches
// the same T-cycle, so both are compared at the same instant.
void run_lockstep(const LockstepCase& test_case) {
  SCOPED_TRACE(test_case.name);
  std::vector<std::uint8_t> bytes = read_bytes(test_case.rom);
  ASSERT_FALSE(bytes.empty()) << test_case.rom;
  const Rom rom(bytes, test_case.name);
  testing::MgbaRunner mgba(bytes);
  Console console;
  power_on(console, rom.view());
  align_power_on_with_mgba(console, mgba);
  InputSchedule inputs(static_cast<std::uint32_t>(std::hash<std::string>{}(test_case.name)));
  std::vector<std::uint8_t> frame(kScreenWidth * kScreenHeight);
  int register_mismatches = 0;
  int clock_mismatches = 0;
  int frame_mismatches = 0;
  for (int index = 0; index < test_case.frames; ++index) {
    const std::uint8_t buttons = test_case.random_inputs ? inputs.next() : 0;
    set_buttons(console, buttons);
    mgba.set_keys(buttons);  // MgbaRunner's key bits are the core's Button bits
    const bool lcd_on_before = console.ppu.lcd_on != 0;
    run_frame(console, rom.view(), FrameSink{frame.data(), nullptr});
    const bool lcd_on_after = console.ppu.lcd_on != 0;
    const std::uint64_t target = 4 * console.counters.cycles;
    const bool aligned = align_instruction_boundaries(console, rom, mgba);
    const testing::Registers ours = registers_of(console);
    const testing::Registers theirs = mgba.registers();
    if (!aligned && clock_mismatches++ == 0) {
      ADD_FAILURE() << "frame " << index << ": no common instruction boundary within " << kMaxAlignSteps
                    << " instructions of the core's frame end at T-cycle " << target << " (core at "
                    << 4 * console.counters.cycles << ", mGBA at " << mgba.cycles() << ")";
    }
    if (!same(ours, theirs) && register_mismatches++ == 0) {
      ADD_FAILURE() << "registers differ first at frame " << index << " (T-cycle " << target << ", buttons "
                    << int(buttons) << ")\n  core: " << describe(ours) << "\n  mGBA: " << describe(theirs);
    }
    const testing::Frame reference = mgba.frame();
    // Known mGBA behaviour: with the LCD off it keeps the last picture in its
    // buffer (the DMG shows a blank screen, as the core renders it).
    const bool picture_compared = lcd_on_before && lcd_on_after;
    if (picture_compared && reference != frame && frame_mismatches++ == 0) {
      int first = 0;
      while (reference[static_cast<std::size_t>(first)] == frame[static_cast<std::size_t>(first)]) ++first;
      int count = 0;
      for (std::size_t i = 0; i < frame.size(); ++i) count += reference[i] != frame[i];
      ADD_FAILURE() << "frame " << index << " differs first at x=" << first % kScreenWidth
                    << " y=" << first / kScreenWidth << " (" << count << " pixels; core "
                    << int(frame[static_cast<std::size_t>(first)]) << ", mGBA "
                    << int(reference[static_cast<std::size_t>(first)]) << ", LCDC "
                    << int(console.io[0x40]) << ")";
    }
  }
  EXPECT_EQ(clock_mismatches, 0) << "frames where mGBA had no instruction boundary at the core's";
  EXPECT_EQ(register_mismatches, 0) << "frames with different registers";
  EXPECT_EQ(frame_mismatches, 0) << "frames with different pictures";
}

std::vector<LockstepCase> cases() {
  std::vector<LockstepCase> list;
  for (const char* name : {"micro_timer_ppu", "micro_mbc", "micro_input", "exit_room", "static_screen"}) {
    list.push_back({name, kProjectRoms / (std::string(name) + ".gb"), 3000, true});
  }
  const std::filesystem::path cpu = kBlargg / "cpu_instrs/individual";
  for (const char* name : {"01-special", "02-interrupts", "03-op sp,hl", "04-op r,imm", "05-op rp", "06-ld r,r",
                           "07-jr,jp,call,ret,rst", "08-misc instrs", "09-op r,r", "10-bit ops", "11-op a,(hl)"}) {
    list.push_back({name, cpu / (std::string(name) + ".gb"), 3000, false});
  }
  list.push_back({"instr_timing", kBlargg / "instr_timing/instr_timing.gb", 3000, false});
  for (const char* name : {"01-read_timing", "02-write_timing", "03-modify_timing"}) {
    list.push_back({name, kBlargg / "mem_timing/individual" / (std::string(name) + ".gb"), 3000, false});
  }
  list.push_back({"halt_bug", kBlargg / "halt_bug.gb", 3000, false});
  return list;
}

class MgbaLockstep : public ::testing::TestWithParam<LockstepCase> {};

TEST_P(MgbaLockstep, RegistersAndFramesMatchMgbaAtEveryFrameBoundary) {
  const LockstepCase& test_case = GetParam();
  if (!std::filesystem::exists(test_case.rom)) {
    GTEST_SKIP() << "ROM " << test_case.rom << " is absent (../shared/roms or the dreamer_roms target)";
  }
  run_lockstep(test_case);
}

std::string case_name(const ::testing::TestParamInfo<LockstepCase>& info) {
  std::string name;
  for (char c : info.param.name) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Roms, MgbaLockstep, ::testing::ValuesIn(cases()), case_name);

}  // namespace
}  // namespace dreamer::gb
