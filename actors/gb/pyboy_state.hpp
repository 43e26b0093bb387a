#pragma once
// Loader for PyBoy `.state` files (DMG only), so that start states kept by
// researchers (the predecessor's stage states are PyBoy version 15) become a
// Console the core can run on.
//
// A PyBoy state has no magic and no length fields: it is the concatenation of
// each component's fields, and the version byte alone does not identify the
// layout (2.6.x and 2.7.0 both write 15 but differ by one sound byte). The
// layout is therefore keyed on (version byte, file size, cartridge type and
// RAM code of the ROM header). Supported (see docs/pyboy_states.md):
//
//   version  writer            checked against
//   9, 12    old PyBoy 1.x     synthetic files only (no real fixture exists)
//   15       PyBoy 2.6.x       real fixture (167,676 B, Pokemon-Red-shaped)
//   15       PyBoy 2.7.0       real fixture (167,677 B, one extra NR50 byte)
//   17       PyBoy 2.7.1       real fixtures
//   21       PyBoy master      real fixtures
//
//   file:  mb | cpu | [oam dma] | lcd | sound | renderer | ram | timer | cart | joypad | [serial]
//
// Sound and PyBoy's own screen buffer are skipped (the raw IO array keeps the
// sound registers). Where PyBoy keeps a register in a component (LCD, timer,
// serial, joypad, IF/IE) that block wins over the raw IO array.
//
// Approximations (PyBoy's model is coarser than the core's):
//  - PPU position: line and dot come from PyBoy's frame clock (T-cycles into
//    the frame, advanced by cpu.cycles - lcd.last_cycles when the LCD was
//    ticked lazily); when that disagrees with LY, LY wins and the dot is the
//    start of the STAT mode. The core's own line events are run from the
//    start of that line up to the dot; the window line counter is
//    reconstructed from the per-scanline WY/WX latches.
//  - Timer: divider = DIV << 8 | DIV_counter (advanced by the timer's lag);
//    TIMA_counter is not used (the core derives TIMA edges from the divider).
//  - MBC3 clock: PyBoy < 21 derives the clock from wall time, so the clock
//    registers start at 0 with PyBoy's halt and day-carry flags; from 21 the
//    registers are stored and taken as they are (no wall-time catch-up).
//  - MBC5: PyBoy stores the ROM bank as one byte (bank bit 8 is lost).
//  - A state saved while PyBoy's boot ROM is still mapped (bootrom_enabled,
//    every fixture: they were taken a few frames after power-on) cannot run on
//    without that boot ROM; it is completed to the DMG hand-off instead: the
//    core's post-boot CPU/IO/timer/PPU state, with WRAM, HRAM, VRAM, OAM, the
//    cartridge (banks, RAM, clock) and the held buttons taken from the file.
//
// Errors: every problem is one dreamer::Error naming the file, the byte
// offset and the field (truncation, unknown version, CGB state, a size that
// fits no layout for this cartridge, values out of range for the ROM).
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "actors/gb/console.hpp"
#include "actors/gb/rom.hpp"

namespace dreamer::gb {

// The fields read from a PyBoy state, before they are mapped onto a Console.
// Optional blocks are empty / flagged when the layout has no such field.
struct PyBoyState {
  std::uint8_t version = 0;
  std::string layout;            // e.g. "v15 (PyBoy 2.6.x)"
  bool boot_rom_mapped = false;  // bootrom_enabled

  // CPU
  std::uint8_t a = 0, f = 0, b = 0, c = 0, d = 0, e = 0;
  std::uint16_t hl = 0, sp = 0, pc = 0;
  std::uint8_t ime = 0, ime_delay = 0, halted = 0, stopped = 0, ie = 0, if_ = 0;
  bool has_cycles = false;       // v >= 12
  std::uint64_t cpu_cycles = 0;  // T-cycles since power-on

  // OAM DMA (v >= 19)
  bool has_oam_dma = false;
  std::uint8_t dma_active = 0, dma_source = 0, dma_index = 0;

  // LCD
  std::vector<std::uint8_t> vram;  // 8 KiB
  std::vector<std::uint8_t> oam;   // 160 B
  std::uint8_t lcdc = 0, bgp = 0, obp0 = 0, obp1 = 0, stat = 0, ly = 0, lyc = 0, scy = 0, scx = 0, wy = 0, wx = 0;
  std::vector<std::uint8_t> scanline_latches;  // 144 x [SCX, SCY, WX+7, WY, tile data] (v >= 11), else empty
  std::uint64_t lcd_last_cycles = 0;           // v >= 12
  std::uint64_t lcd_clock = 0;                 // T-cycles into the frame
  std::uint64_t lcd_clock_target = 0;
  std::uint8_t next_stat_mode = 0;

  // RAM
  std::vector<std::uint8_t> wram;     // 8 KiB
  std::vector<std::uint8_t> io;       // 0xFF00-0xFF4B raw (76 B)
  std::vector<std::uint8_t> hram;     // 0xFF80-0xFFFE (127 B)
  std::vector<std::uint8_t> high_io;  // 0xFF4C-0xFF7F raw (52 B, v <= 15), else empty

  // Timer
  std::uint8_t div = 0, tima = 0, tma = 0, tac = 0, tima_reload_state = 0;
  std::uint16_t div_counter = 0, tima_counter = 0;
  std::uint64_t timer_last_cycles = 0;  // v >= 12

  // Cartridge
  std::uint8_t rom_bank = 0, ram_bank = 0, ram_enabled = 0, memory_model = 0;
  std::vector<std::uint8_t> cart_ram;  // banks x 8 KiB (at least one bank)
  bool has_mbc1_registers = false;
  std::uint8_t mbc1_bank1 = 0, mbc1_bank2 = 0;
  bool has_rtc = false;
  std::uint8_t rtc_halt = 0, rtc_day_carry = 0;
  bool has_rtc_registers = false;  // v >= 21
  std::uint8_t rtc_seconds = 0, rtc_minutes = 0, rtc_hours = 0, rtc_day_low = 0, rtc_day_high = 0;
  std::uint64_t rtc_cycles = 0;

  // Joypad (active low nibbles: 1 = released)
  std::uint8_t joypad_directional = 0x0F, joypad_standard = 0x0F;

  // Serial (v >= 15)
  bool has_serial = false;
  std::uint8_t sb = 0, sc = 0, serial_transfer_enabled = 0, serial_internal_clock = 0;
  std::uint64_t serial_clock = 0, serial_clock_target = 0;
};

// Parses bytes with the layout chosen for this ROM's cartridge. source names
// the file in error messages.
PyBoyState parse_pyboy_state(std::span<const std::uint8_t> bytes, const Rom& rom, const std::string& source);

// Maps a parsed state onto a Console for rom (see the approximations above).
Console pyboy_state_to_console(const PyBoyState& state, const Rom& rom);

// parse_pyboy_state + pyboy_state_to_console.
Console load_pyboy_state(std::span<const std::uint8_t> bytes, const Rom& rom, const std::string& source);
Console load_pyboy_state_file(const std::filesystem::path& path, const Rom& rom);

}  // namespace dreamer::gb
