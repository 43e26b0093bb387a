#pragma once
// The core's entry points: power-on state, run one frame, press buttons.
//
//   Console console;                 // one per environment, trivially copyable
//   power_on(console, rom_view);     // DMG state after the boot ROM (no boot ROM run);
//                                    // cart RAM 0xFF unless CartRamFill::kZero is passed
//   FrameSink sink{nullptr, obs};    // or {} to render nothing this frame
//   set_buttons(console, kButtonA);  // joypad.hpp, held until changed
//   run_frame(console, rom_view, sink);
//
// Frame boundary: run_frame returns at the first instruction boundary after
// the PPU reaches the start of line 144 (VBlank; with the LCD off the internal
// line counter keeps the same 70224-dot rhythm). Because it stops between
// instructions, a frame can overshoot the boundary by up to one instruction;
// the position is all in the Console, so runs split into frames are
// bit-identical to runs that are not.
//
// HALT fast-forward: while the CPU is halted with nothing pending, the core
// jumps straight to the M-cycle before the next event (PPU mode change,
// TIMA overflow, serial clock edge) instead of stepping idle M-cycles;
// Counters::halt_skipped counts the M-cycles covered that way.
#include <cstdint>

#include "actors/gb/bus.hpp"
#include "actors/gb/console.hpp"
#include "actors/gb/cpu.hpp"
#include "actors/gb/joypad.hpp"

namespace dreamer::gb {

// What cartridge RAM holds at power-on. Real SRAM wakes up holding noise
// (and battery RAM holds the last save); emulators pick a constant, and most
// pick 0xFF: mGBA and SameBoy both fill new cartridge RAM with 0xFF, and some
// games are known to assume it. kOnes is that convention and the default;
// kZero gives all-zero RAM, which this emulator used before.
enum class CartRamFill : std::uint8_t { kOnes, kZero };

// Resets console to the DMG (ABC) post-boot state for this ROM. Only the
// rom.ram_size bytes of cart_ram that the cartridge has are filled; the rest
// of the array stays zero.
DREAMER_HD_NOINLINE void power_on(Console& console, const RomView& rom,
                                  CartRamFill cart_ram_fill = CartRamFill::kOnes) {
  std::uint8_t* bytes = reinterpret_cast<std::uint8_t*>(&console);
  for (std::uint32_t i = 0; i < sizeof(Console); ++i) bytes[i] = 0;
  if (cart_ram_fill == CartRamFill::kOnes) {
    for (std::uint32_t i = 0; i < rom.ram_size; ++i) console.cart_ram[i] = 0xFF;
  }
  console.header.magic = kConsoleMagic;
  console.header.version = kConsoleVersion;
  console.header.size = sizeof(Console);

  CpuState& cpu = console.cpu;
  cpu.a = 0x01;
  cpu.f = 0xB0;
  cpu.b = 0x00;
  cpu.c = 0x13;
  cpu.d = 0x00;
  cpu.e = 0xD8;
  cpu.h = 0x01;
  cpu.l = 0x4D;
  cpu.sp = 0xFFFE;
  cpu.pc = 0x0100;

  console.interrupts.if_ = kIntVBlank;
  console.timer.divider = 0xABC8;
  console.timer.tac = 0;

  struct IoInit {
    std::uint8_t reg, value;
  };
  const IoInit io_init[] = {{0x10, 0x80}, {0x11, 0xBF}, {0x12, 0xF3}, {0x14, 0xBF}, {0x16, 0x3F}, {0x19, 0xBF},
                            {0x1A, 0x7F}, {0x1C, 0x9F}, {0x1E, 0xBF}, {0x23, 0xBF}, {0x24, 0x77}, {0x25, 0xF3},
                            {0x26, 0xF1}, {0x40, 0x91}, {0x47, 0xFC}, {0x48, 0xFF}, {0x49, 0xFF}};
  for (const IoInit& entry : io_init) console.io[entry.reg] = entry.value;
  console.dma.reg = 0xFF;

  // The boot ROM hands over on line 153, 396 dots into the line, with LY
  // already reading 0 (STAT 0x85): ROMs that read STAT a given number of
  // M-cycles after $0100 see what a DMG shows there (docboy-test-suite
  // boot_ppu_phase_round1/2, pixel_transfer_timing_from_boot_scx3_round1/2;
  // issue 20, theme 4).
  PpuState& ppu = console.ppu;
  ppu.lcd_on = 1;
  ppu.line = kLinesPerFrame - 1;
  ppu.ly = 0;
  ppu.mode = 1;
  ppu.line_dot = 396;
  ppu.phase = kPhaseLineEnd;
  ppu.next_event = kDotsPerLine;
  ppu.lyc_match = 1;
  ppu.stat_line = 1;

  mbc_reset(console, rom);
}

// Puts into VRAM what the DMG boot ROM leaves there, which power_on (no boot
// ROM run) does not: the cartridge's Nintendo logo (header 0x104-0x133, each
// 4-bit row doubled in width and height, colour 1) as tiles 1-24, the (R)
// mark as tile 0x19, and the map rows that showed them (0x9904-0x990F tiles
// 1-12, 0x9910 the (R), 0x9924-0x992F tiles 13-24). Some test ROMs use those
// tiles (Mealybug Tearoom draws its markers with the (R)). The console's
// other state is left as it is. Pan Docs "Power Up Sequence" / the logo.
DREAMER_HD_NOINLINE void load_boot_logo(Console& console, const RomView& rom) {
  int row = 0;
  for (int i = 0; i < 48; ++i) {
    const std::uint8_t byte = rom.data[0x104 + i];
    for (int half = 0; half < 2; ++half) {
      const int nibble = half == 0 ? byte >> 4 : byte & 0x0F;
      std::uint8_t wide = 0;
      for (int bit = 0; bit < 4; ++bit) {
        if ((nibble & (8 >> bit)) != 0) wide |= static_cast<std::uint8_t>(0xC0 >> (2 * bit));
      }
      for (int repeat = 0; repeat < 2; ++repeat, ++row) console.vram[0x10 + 2 * row] = wide;
    }
  }
  const std::uint8_t registered[8] = {0x3C, 0x42, 0xB9, 0xA5, 0xB9, 0xA5, 0x42, 0x3C};
  for (int r = 0; r < 8; ++r) console.vram[0x190 + 2 * r] = registered[r];
  for (int tile = 1; tile <= 12; ++tile) {
    console.vram[0x1903 + tile] = static_cast<std::uint8_t>(tile);
    console.vram[0x1923 + tile] = static_cast<std::uint8_t>(tile + 12);
  }
  console.vram[0x1910] = 0x19;
}

// Jumps over idle M-cycles of a halted CPU up to the M-cycle before the next
// event; the caller's next cpu_step then runs that M-cycle exactly.
DREAMER_HD_NOINLINE void halt_fast_forward(Bus& bus) {
  Console& console = bus.console;
  if (pending_interrupts(console) != 0 || (console.dma.active | console.dma.pending_delay) != 0) return;
  std::uint32_t cycles = ppu_cycles_to_event(console.ppu);
  const std::uint32_t timer_cycles = timer_cycles_to_event(console.timer);
  if (timer_cycles < cycles) cycles = timer_cycles;
  if (console.serial.bits_left != 0) {
    const std::uint32_t serial_cycles = serial_cycles_to_edge(console.timer.divider);
    if (serial_cycles < cycles) cycles = serial_cycles;
  }
  if (cycles <= 1) return;
  const std::uint32_t skip = cycles - 1;
  timer_skip(console.timer, skip);
  console.ppu.line_dot += 4 * skip;
  if (bus.rom.has_rtc) rtc_advance(console.cart, skip);
  console.counters.cycles += skip;
  console.counters.halt_skipped += skip;
}

// Runs until the next frame boundary (see above). sink may ask for the full
// frame, the packed observation, both, or nothing.
DREAMER_HD_NOINLINE void run_frame(Console& console, const RomView& rom, const FrameSink& sink) {
  const bool renders = sink.full_frame != nullptr || sink.observation != nullptr;
  Bus bus{console, rom, renders ? &sink : nullptr};
  console.ppu.frame_done = 0;
  while (!console.ppu.frame_done) {
    if ((console.cpu.halted | console.cpu.stopped) != 0) halt_fast_forward(bus);
    cpu_step(bus);
  }
  ++console.counters.frames;
}

}  // namespace dreamer::gb
