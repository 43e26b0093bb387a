// PyBoy .state loader: real fixtures written by PyBoy 2.6.1, 2.7.0, 2.7.1 and
// master (../shared/pyboy_states) load with their ROMs, their fields agree
// with bytes read independently at the documented offsets, and the core runs
// on from them (the blargg 01-special state still ends with "Passed").
//
// Expected offsets: v17 and v21 come from layout_v17_pokered.txt and
// layout_v21_pokered.txt (valid for every DMG fixture up to the cartridge
// RAM, since all were written at 48 kHz). v15 has no layout file; its offsets
// were found by aligning the v15 fixtures' tails (cart RAM + joypad + serial)
// and heads against the v17 file, independently of the loader's rules.
//
// Versions 9 and 12: NO real v9/v12 fixture exists. Those tests build
// synthetic files from the v15 (2.6.1) fixture by removing the fields the
// layout facts say are absent (v12: LCD frame_done/first_frame/reset, serial;
// v9 also: cpu.cycles, scanline latches, LCD and timer cycle counters), so
// they check the loader's version handling, not PyBoy's real v9/v12 output.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "actors/gb/emulator.hpp"
#include "actors/gb/pyboy_state.hpp"
#include "actors/gb/rom.hpp"
#include "actors/gb/serial.hpp"
#include "actors/gb/snapshot.hpp"
#include "actors/gb/start_state.hpp"
#include "common/error.hpp"

namespace dreamer::gb {
namespace {

const std::filesystem::path kShared = DREAMER_SHARED_DIR;
const std::filesystem::path kStates = kShared / "pyboy_states";
const std::filesystem::path kRoms = kShared / "roms";

#define SKIP_WITHOUT_SHARED()                                                                        \
  if (!std::filesystem::exists(kStates)) {                                                           \
    GTEST_SKIP() << "shared folder " << kStates << " is absent: PyBoy state fixtures not available"; \
  }

std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  EXPECT_TRUE(file) << path;
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

std::uint16_t u16_at(const std::vector<std::uint8_t>& bytes, std::size_t offset) {
  return static_cast<std::uint16_t>(bytes[offset] | (bytes[offset + 1] << 8));
}

// Offsets of a few fields per layout (see the file comment for their source).
struct Offsets {
  std::size_t a, pc, sp, ie, if_, lcdc, ly, wram, div, rom_bank, cart_ram;
};
constexpr Offsets kV15Offsets{5, 15, 13, 20, 22, 8383, 8388, 126299, 134842, 134866, 134870};
constexpr Offsets kV15Pyboy270Offsets{5, 15, 13, 20, 22, 8383, 8388, 126300, 134843, 134867, 134871};
constexpr Offsets kV17Offsets{6, 16, 14, 21, 23, 8384, 8389, 126303, 134795, 134819, 134823};
constexpr Offsets kV21Offsets{6, 16, 14, 22, 24, 8397, 8402, 126328, 134820, 134845, 134849};

struct Fixture {
  const char* state;
  std::filesystem::path rom;
  std::uint8_t version;
  Offsets offsets;
};

std::vector<Fixture> fixtures() {
  const std::filesystem::path mbc3ram = kStates / "mbc3ram_patched.gb";
  const std::filesystem::path mbc3rtc = kStates / "mbc3rtc_patched.gb";
  const std::filesystem::path special = kRoms / "blargg/cpu_instrs/individual/01-special.gb";
  return {
      {"pyboy261.mbc3ram.state", mbc3ram, 15, kV15Offsets},
      {"pyboy270.mbc3ram.state", mbc3ram, 15, kV15Pyboy270Offsets},
      {"pyboy271.mbc3ram.state", mbc3ram, 17, kV17Offsets},
      {"pyboy_src.mbc3ram.state", mbc3ram, 21, kV21Offsets},
      {"01special_dmg.state", special, 21, kV21Offsets},
      {"mbc1_ram64.state", kRoms / "mooneye/emulator-only/mbc1/ram_64kb.gb", 21, kV21Offsets},
      {"mbc5_1Mb.state", kRoms / "mooneye/emulator-only/mbc5/rom_1Mb.gb", 21, kV21Offsets},
      {"mbc3rtc.state", mbc3rtc, 21, kV21Offsets},
      {"v17_dmg.state", special, 17, kV17Offsets},
      {"v17_mbc1.state", special, 17, kV17Offsets},
      {"v17_mbc3rtc.state", mbc3rtc, 17, kV17Offsets},
  };
}

void expect_post_boot_registers(const Console& console) {
  EXPECT_EQ(console.cpu.a, 0x01);
  EXPECT_EQ(console.cpu.f, 0xB0);
  EXPECT_EQ(console.cpu.c, 0x13);
  EXPECT_EQ(console.cpu.e, 0xD8);
  EXPECT_EQ(console.cpu.h, 0x01);
  EXPECT_EQ(console.cpu.l, 0x4D);
  EXPECT_EQ(console.cpu.sp, 0xFFFE);
  EXPECT_EQ(console.cpu.pc, 0x0100);
  EXPECT_EQ(console.io[0x40], 0x91);
}

TEST(PyBoyState, EveryFixtureLoadsWithFieldsMatchingTheDocumentedOffsets) {
  SKIP_WITHOUT_SHARED();
  for (const Fixture& fixture : fixtures()) {
    SCOPED_TRACE(fixture.state);
    const std::vector<std::uint8_t> bytes = read_file(kStates / fixture.state);
    const Rom rom = load_rom(fixture.rom);
    const PyBoyState state = parse_pyboy_state(bytes, rom, fixture.state);
    const Offsets& at = fixture.offsets;
    EXPECT_EQ(state.version, fixture.version);
    EXPECT_TRUE(state.boot_rom_mapped);  // every fixture was saved a few frames after power-on
    EXPECT_EQ(state.a, bytes[at.a]);
    EXPECT_EQ(state.pc, u16_at(bytes, at.pc));
    EXPECT_EQ(state.sp, u16_at(bytes, at.sp));
    EXPECT_EQ(state.ie, bytes[at.ie]);
    EXPECT_EQ(state.if_, bytes[at.if_]);
    EXPECT_EQ(state.lcdc, bytes[at.lcdc]);
    EXPECT_EQ(state.ly, bytes[at.ly]);
    EXPECT_EQ(state.div, bytes[at.div]);
    EXPECT_EQ(state.rom_bank, bytes[at.rom_bank]);
    ASSERT_EQ(state.wram.size(), 0x2000u);
    EXPECT_TRUE(std::equal(state.wram.begin(), state.wram.end(), bytes.begin() + static_cast<long>(at.wram)));
    ASSERT_GE(state.cart_ram.size(), 0x2000u);
    EXPECT_TRUE(
        std::equal(state.cart_ram.begin(), state.cart_ram.end(), bytes.begin() + static_cast<long>(at.cart_ram)));
    EXPECT_EQ(state.has_rtc, rom.view().has_rtc);
    EXPECT_EQ(state.has_mbc1_registers, rom.view().mbc == MbcKind::kMbc1);

    const Console console = load_pyboy_state(bytes, rom, fixture.state);
    expect_post_boot_registers(console);  // the boot ROM was still mapped: completed to the hand-off
    EXPECT_TRUE(std::equal(state.wram.begin(), state.wram.end(), console.wram));
    EXPECT_TRUE(std::equal(state.vram.begin(), state.vram.end(), console.vram));
    EXPECT_EQ(console.cart.rom_offset1, 0x4000u * (state.rom_bank == 0 ? 1u : state.rom_bank));
    EXPECT_EQ(console.cart.ram_enabled, state.ram_enabled != 0);
    EXPECT_EQ(console.joypad.pressed, 0);
  }
}

TEST(PyBoyState, TheRtcFixturesCarryTheClockFlagsAndV21Registers) {
  SKIP_WITHOUT_SHARED();
  const Rom rom = load_rom(kStates / "mbc3rtc_patched.gb");
  // v21 RTC block (33 bytes just before joypad + serial = 38 bytes from the end):
  // timezero f64, halt, carry, sec, min, hour, day_low, day_high, halt, carry, rtc_cycles u64, saved f64.
  const std::vector<std::uint8_t> bytes = read_file(kStates / "mbc3rtc.state");
  const std::size_t rtc = bytes.size() - 38 - 33;
  const PyBoyState state = parse_pyboy_state(bytes, rom, "mbc3rtc.state");
  ASSERT_TRUE(state.has_rtc_registers);
  EXPECT_EQ(state.rtc_seconds, bytes[rtc + 10]);
  EXPECT_EQ(state.rtc_minutes, bytes[rtc + 11]);
  EXPECT_EQ(state.rtc_halt, bytes[rtc + 15]);
  const Console console = load_pyboy_state(bytes, rom, "mbc3rtc.state");
  EXPECT_EQ(console.cart.rtc.seconds, bytes[rtc + 10]);
  EXPECT_EQ((console.cart.rtc.days_high & 0x40) != 0, bytes[rtc + 15] != 0);
}

TEST(PyBoyState, TheCoreRunsOnFromEveryFixtureAndTheGameProgresses) {
  SKIP_WITHOUT_SHARED();
  for (const Fixture& fixture : fixtures()) {
    SCOPED_TRACE(fixture.state);
    const Rom rom = load_rom(fixture.rom);
    Console console = load_pyboy_state_file(kStates / fixture.state, rom);
    const std::uint64_t instructions = console.counters.instructions;
    std::vector<std::uint8_t> frame(kScreenWidth * kScreenHeight);
    for (int i = 0; i < 60; ++i) run_frame(console, rom.view(), FrameSink{frame.data(), nullptr});
    EXPECT_EQ(console.counters.frames, 60u);
    EXPECT_GT(console.counters.instructions, instructions + 1000);
    EXPECT_NE(console.cpu.pc, 0x0100);
  }
}

TEST(PyBoyState, Blargg01SpecialStillPassesWhenRunFromThePyBoyState) {
  SKIP_WITHOUT_SHARED();
  const Rom rom = load_rom(kRoms / "blargg/cpu_instrs/individual/01-special.gb");
  for (const char* name : {"01special_dmg.state", "v17_dmg.state"}) {
    SCOPED_TRACE(name);
    Console console = load_pyboy_state_file(kStates / name, rom);
    std::string text;
    for (int frame = 0;
         frame < 3000 && text.find("Passed") == std::string::npos && text.find("Failed") == std::string::npos;
         ++frame) {
      run_frame(console, rom.view(), FrameSink{});
      char buffer[kSerialBufferSize + 1];
      serial_output(console, buffer, sizeof(buffer));
      text = buffer;
    }
    EXPECT_NE(text.find("Passed"), std::string::npos) << "serial output: " << text;
  }
}

TEST(PyBoyState, AStateSavedAfterTheBootRomMapsRegistersTimerAndPpuFromTheFile) {
  SKIP_WITHOUT_SHARED();
  const Rom rom = load_rom(kStates / "mbc3ram_patched.gb");
  for (const Fixture& fixture : fixtures()) {
    if (fixture.rom != kStates / "mbc3ram_patched.gb") continue;
    SCOPED_TRACE(fixture.state);
    std::vector<std::uint8_t> bytes = read_file(kStates / fixture.state);
    bytes[1] = 0;  // bootrom_enabled = 0: take everything from the file
    const Offsets& at = fixture.offsets;
    const Console console = load_pyboy_state(bytes, rom, fixture.state);
    EXPECT_EQ(console.cpu.a, bytes[at.a]);
    EXPECT_EQ(console.cpu.b, bytes[at.a + 2]);
    EXPECT_EQ(console.cpu.h, bytes[at.a + 7]);  // HL little-endian: L first
    EXPECT_EQ(console.cpu.l, bytes[at.a + 6]);
    EXPECT_EQ(console.cpu.sp, u16_at(bytes, at.sp));
    EXPECT_EQ(console.cpu.pc, u16_at(bytes, at.pc));
    EXPECT_EQ(console.interrupts.ie, bytes[at.ie]);
    EXPECT_EQ(console.interrupts.if_, bytes[at.if_] & 0x1F);
    EXPECT_EQ(console.io[0x40], bytes[at.lcdc]);
    EXPECT_EQ(console.io[0x47], bytes[at.lcdc + 1]);  // BGP
    EXPECT_EQ(console.ppu.ly, bytes[at.ly]);
    EXPECT_EQ(console.ppu.line, bytes[at.ly]);
    // PyBoy's LCD clock is 0 with next mode 3: the start of line LY, where
    // STAT reads mode 2 from the second M-cycle on.
    EXPECT_EQ(console.ppu.line_dot, 0u);
    Console next = console;
    next.ppu.line_dot += 4;
    ppu_event(next, nullptr);
    EXPECT_EQ(next.ppu.mode, 2);
    // DIV 0x8B, DIV_counter 0xB8 (cycles 0x48BB8): the 16-bit divider.
    EXPECT_EQ(console.timer.divider, (bytes[at.div] << 8) | bytes[at.div + 2]);
    EXPECT_EQ(console.counters.cycles, 0x48BB8u / 4);
  }
}

// Synthetic older versions from the v15 (2.6.1) fixture: remove the fields
// the layout facts say an older writer did not emit (highest offset first).
std::vector<std::uint8_t> synthetic_older(const std::vector<std::uint8_t>& v15, std::uint8_t version) {
  struct Range {
    std::size_t begin, end;
  };
  std::vector<Range> removed;
  if (version < 12) removed.push_back({23, 31});            // cpu.cycles (v >= 12)
  if (version < 11) removed.push_back({8394, 8394 + 720});  // scanline latches (v >= 11)
  removed.push_back({9116, 9119});                          // lcd frame_done, first_frame, reset (v >= 13)
  if (version < 12) removed.push_back({9119, 9127});        // lcd.last_cycles
  if (version < 12) removed.push_back({134850, 134866});    // timer last_cycles, cycles_to_interrupt
  removed.push_back({v15.size() - 36, v15.size()});         // serial block (v >= 15)
  std::vector<std::uint8_t> bytes;
  std::size_t next = 0;
  for (const Range& range : removed) {
    bytes.insert(bytes.end(), v15.begin() + static_cast<long>(next), v15.begin() + static_cast<long>(range.begin));
    next = range.end;
  }
  bytes[0] = version;
  return bytes;
}

TEST(PyBoyState, SyntheticVersion12And9FilesLoadLikeTheV15FileTheyWereBuiltFrom) {
  SKIP_WITHOUT_SHARED();
  const Rom rom = load_rom(kStates / "mbc3ram_patched.gb");
  const std::vector<std::uint8_t> v15 = read_file(kStates / "pyboy261.mbc3ram.state");
  const PyBoyState reference = parse_pyboy_state(v15, rom, "v15");
  for (std::uint8_t version : {std::uint8_t{12}, std::uint8_t{9}}) {
    SCOPED_TRACE(static_cast<int>(version));
    std::vector<std::uint8_t> bytes = synthetic_older(v15, version);
    const PyBoyState state = parse_pyboy_state(bytes, rom, "synthetic");
    EXPECT_EQ(state.version, version);
    EXPECT_EQ(state.pc, reference.pc);
    EXPECT_EQ(state.a, reference.a);
    EXPECT_EQ(state.lcdc, reference.lcdc);
    EXPECT_EQ(state.wram, reference.wram);
    EXPECT_EQ(state.hram, reference.hram);
    EXPECT_EQ(state.cart_ram, reference.cart_ram);
    EXPECT_EQ(state.div, reference.div);
    EXPECT_FALSE(state.has_serial);
    EXPECT_EQ(state.has_cycles, version >= 12);
    EXPECT_EQ(state.scanline_latches.empty(), version < 11);

    Console console = load_pyboy_state(bytes, rom, "synthetic");
    expect_post_boot_registers(console);
    for (int i = 0; i < 60; ++i) run_frame(console, rom.view(), FrameSink{});
    EXPECT_EQ(console.counters.frames, 60u);

    bytes[1] = 0;
    const Console mapped = load_pyboy_state(bytes, rom, "synthetic");
    EXPECT_EQ(mapped.cpu.pc, reference.pc);
    EXPECT_EQ(mapped.timer.divider >> 8, reference.div);
  }
}

void expect_error(const std::vector<std::uint8_t>& bytes, const Rom& rom, const std::vector<std::string>& parts) {
  try {
    load_pyboy_state(bytes, rom, "bad.state");
    ADD_FAILURE() << "no error";
  } catch (const Error& error) {
    const std::string message = error.what();
    for (const std::string& part : parts) EXPECT_NE(message.find(part), std::string::npos) << message;
  }
}

TEST(PyBoyState, BadFilesGetOneErrorNamingTheOffsetAndField) {
  SKIP_WITHOUT_SHARED();
  const Rom mbc3 = load_rom(kStates / "mbc3ram_patched.gb");
  const std::vector<std::uint8_t> v17 = read_file(kStates / "pyboy271.mbc3ram.state");

  std::vector<std::uint8_t> truncated(v17.begin(), v17.begin() + 100000);
  expect_error(truncated, mbc3, {"truncated", "offset 11103", "renderer.screenbuffer"});
  std::vector<std::uint8_t> cut_in_cart(v17.begin(), v17.begin() + 140000);
  expect_error(cut_in_cart, mbc3, {"truncated", "offset 134823", "cart.external_ram"});

  std::vector<std::uint8_t> unknown = v17;
  unknown[0] = 14;
  expect_error(unknown, mbc3, {"offset 0", "mb.version", "unknown state version"});

  expect_error(read_file(kStates / "01special_cgb.state"), mbc3, {"CGB state not supported", "offset 5", "mb.cgb"});
  expect_error(read_file(kStates / "v17_cgb.state"), mbc3, {"CGB state not supported"});

  const Rom mbc1 = load_rom(kRoms / "blargg/cpu_instrs/individual/01-special.gb");
  expect_error(read_file(kStates / "pyboy_src.mbc3ram.state"), mbc1,
               {"fits no version 21 layout", "cartridge type 0x01", "RAM code 0x00"});

  std::vector<std::uint8_t> padded = v17;
  padded.push_back(0);
  expect_error(padded, mbc3, {"file size 167630", "167629"});
}

TEST(StartState, ProjectSnapshotsAndPyBoyStatesAreBothRecognised) {
  SKIP_WITHOUT_SHARED();
  const Rom rom = load_rom(kStates / "mbc3ram_patched.gb");
  const Console from_pyboy = load_start_state_file(kStates / "pyboy271.mbc3ram.state", rom);
  expect_post_boot_registers(from_pyboy);

  Console changed = from_pyboy;
  changed.cpu.a = 0x42;
  const std::filesystem::path path = std::filesystem::temp_directory_path() / "pyboy_state_test.dgbsnap";
  save_snapshot_file(changed, rom, path);
  const Console from_snapshot = load_start_state_file(path, rom);
  std::filesystem::remove(path);
  EXPECT_EQ(from_snapshot.cpu.a, 0x42);
}

}  // namespace
}  // namespace dreamer::gb
