#pragma once
// Bus: what the CPU sees. Every CPU memory access (and every internal CPU
// cycle) first advances the rest of the machine by one M-cycle (tick), then
// performs the access, so accesses land on the right M-cycle relative to the
// timer, PPU, DMA and serial port.
//
//   0000-3FFF ROM bank 0 (MBC1 mode 1 may remap)   8000-9FFF VRAM (0xFF in mode 3)
//   4000-7FFF ROM bank n                           A000-BFFF cart RAM / RTC
//   C000-DFFF WRAM, E000-FDFF echo                 FE00-FE9F OAM (0xFF in mode 2/3, DMA)
//   FEA0-FEFF unusable                             FF00-FF7F IO, FF80-FFFE HRAM, FFFF IE
//
// Accesses to FE00-FEFF during the OAM scan corrupt OAM (oam_corruption.hpp).
#include <cstdint>

#include "actors/gb/console.hpp"
#include "actors/gb/dma.hpp"
#include "actors/gb/joypad.hpp"
#include "actors/gb/mbc.hpp"
#include "actors/gb/oam_corruption.hpp"
#include "actors/gb/ppu.hpp"
#include "actors/gb/serial.hpp"
#include "actors/gb/timer.hpp"

namespace dreamer::gb {

// One console plus the shared ROM and the frame's pixel sink (null: no
// rendering). Lives only for the duration of a run_frame call; it also keeps
// the last mode-3 length the PPU worked out (ppu.hpp), which is not state.
struct Bus {
  Console& console;
  const RomView& rom;
  const FrameSink* sink;
  PpuLineTimingMemo line_timing = {};
};

// Advances timer, PPU, DMA, serial and RTC by one M-cycle.
DREAMER_HD_INLINE void tick(Bus& bus) {
  Console& console = bus.console;
  const std::uint16_t divider_before = console.timer.divider;
  timer_tick(console);
  console.ppu.line_dot += 4;
  if (console.ppu.line_dot >= console.ppu.next_event) ppu_event(console, bus.sink, &bus.line_timing);
  if ((console.dma.active | console.dma.pending_delay) != 0) {
    if (console.ppu.m3_write_count != 0 && console.ppu.mode != 3) ppu_fifo_flush(console, bus.sink);
    dma_tick(console, bus.rom);
  }
  if (console.serial.bits_left != 0) serial_tick(console, divider_before, console.timer.divider);
  if (bus.rom.has_rtc) rtc_advance(console.cart, 1);
  ++console.counters.cycles;
}

// Unused bits of each IO register (0xFF00-0xFF7F) that read as 1 on the DMG;
// 0xFF marks registers that do not exist (they read 0xFF).
DREAMER_HD_NOINLINE std::uint8_t io_unused_bits(std::uint8_t reg) {
  switch (reg) {
    case 0x02:
      return 0x7E;
    case 0x07:
      return 0xF8;
    case 0x0F:
      return 0xE0;
    case 0x10:
      return 0x80;
    case 0x11:
      return 0x3F;
    case 0x12:
      return 0x00;
    case 0x14:
      return 0xBF;
    case 0x16:
      return 0x3F;
    case 0x17:
      return 0x00;
    case 0x19:
      return 0xBF;
    case 0x1A:
      return 0x7F;
    case 0x1C:
      return 0x9F;
    case 0x1E:
      return 0xBF;
    case 0x21:
      return 0x00;
    case 0x22:
      return 0x00;
    case 0x23:
      return 0xBF;
    case 0x24:
      return 0x00;
    case 0x25:
      return 0x00;
    case 0x26:
      return 0x70;
    case 0x01:
    case 0x04:
    case 0x05:
    case 0x06:
    case 0x40:
    case 0x42:
    case 0x43:
    case 0x44:
    case 0x45:
    case 0x46:
    case 0x47:
    case 0x48:
    case 0x49:
    case 0x4A:
    case 0x4B:
      return 0x00;
    default:
      if (reg >= 0x30 && reg < 0x40) return 0x00;  // wave RAM
      return 0xFF;
  }
}

DREAMER_HD_NOINLINE std::uint8_t io_read(Bus& bus, std::uint8_t reg) {
  Console& console = bus.console;
  switch (reg) {
    case 0x00:
      return joypad_read(console);
    case 0x01:
      return console.serial.sb;
    case 0x02:
      return static_cast<std::uint8_t>(console.serial.sc | 0x7E);
    case 0x04:
      return static_cast<std::uint8_t>(console.timer.divider >> 8);
    case 0x05:
      return console.timer.tima;
    case 0x06:
      return console.timer.tma;
    case 0x07:
      return static_cast<std::uint8_t>(console.timer.tac | 0xF8);
    case 0x0F:
      return static_cast<std::uint8_t>(console.interrupts.if_ | 0xE0);
    case 0x26:
      return static_cast<std::uint8_t>((console.io[0x26] & 0x8F) | 0x70);
    case 0x41:
      return ppu_read_stat(console);
    case 0x44:
      return console.ppu.ly;
    case 0x46:
      return console.dma.reg;
    default:
      return static_cast<std::uint8_t>(console.io[reg] | io_unused_bits(reg));
  }
}

DREAMER_HD_NOINLINE void io_write(Bus& bus, std::uint8_t reg, std::uint8_t value) {
  Console& console = bus.console;
  switch (reg) {
    case 0x00:
      console.joypad.select = value & 0x30;
      return;
    case 0x01:
      console.serial.sb = value;
      return;
    case 0x02:
      serial_write_control(console, value);
      return;
    case 0x04:
      timer_write_div(console);
      return;
    case 0x05:
      timer_write_tima(console.timer, value);
      return;
    case 0x06:
      timer_write_tma(console.timer, value);
      return;
    case 0x07:
      timer_write_tac(console, value);
      return;
    case 0x0F:
      console.interrupts.if_ = value & 0x1F;
      return;
    case 0x26:
      if ((value & 0x80) == 0) {
        for (int r = 0x10; r < 0x26; ++r) console.io[r] = 0;  // APU power off clears its registers
      }
      // Bit 7 is power; bits 0-3 (channel status) are read-only and only
      // drop when the APU is powered off (no channel timing is emulated).
      console.io[0x26] = (value & 0x80) != 0 ? static_cast<std::uint8_t>(0x80 | (console.io[0x26] & 0x0F)) : 0;
      return;
    case 0x40:
      ppu_note_mode3_write(console, bus.sink, reg, value);
      ppu_write_lcdc(console, value);
      return;
    case 0x42:
    case 0x43:
    case 0x47:
    case 0x48:
    case 0x49:
    case 0x4B:
      ppu_note_mode3_write(console, bus.sink, reg, value);
      console.io[reg] = value;
      return;
    case 0x41:
      ppu_write_stat(console, value);
      return;
    case 0x44:
      return;
    case 0x45:
      ppu_write_lyc(console, value);
      return;
    case 0x46:
      dma_write(console, value);
      return;
    default:
      if (reg >= 0x10 && reg < 0x26 && (console.io[0x26] & 0x80) == 0) return;  // APU off
      console.io[reg] = value;
      return;
  }
}

DREAMER_HD_INLINE bool oam_blocked(const Console& console) { return console.dma.active || console.ppu.oam_locked; }

// Writes are blocked for a shorter time than reads: they pass in the first
// M-cycle of a line and in the M-cycle between OAM scan and drawing.
DREAMER_HD_INLINE bool oam_write_blocked(const Console& console) {
  const PpuState& ppu = console.ppu;
  return console.dma.active || (ppu.lcd_on && ((ppu.mode == 2 && !ppu.vram_locked) || ppu.mode == 3));
}

DREAMER_HD_INLINE bool vram_write_blocked(const Console& console) {
  return console.ppu.lcd_on && console.ppu.mode == 3;
}

// During OAM DMA the CPU shares the bus the transfer reads from (VRAM bus for
// sources 0x8000-0x9FFF, the external bus for everything else below 0xFE00):
// its reads there see the byte the DMA is moving in this M-cycle.
DREAMER_HD_INLINE bool dma_conflict(const Console& console, std::uint16_t address) {
  if (!console.dma.active || console.dma.index == 0 || address >= 0xFE00) return false;
  const bool dma_on_vram_bus = (console.dma.source >> 13) == 4;
  const bool cpu_on_vram_bus = (address >> 13) == 4;
  return dma_on_vram_bus == cpu_on_vram_bus;
}

// The access itself, without advancing time: everything but the fast paths.
DREAMER_HD_NOINLINE std::uint8_t bus_read_slow(Bus& bus, std::uint16_t address) {
  Console& console = bus.console;
  if (dma_conflict(console, address)) return console.oam[console.dma.index - 1];
  if (address < 0x4000) return bus.rom.data[console.cart.rom_offset0 + address];
  if (address < 0x8000) return bus.rom.data[console.cart.rom_offset1 + (address & 0x3FFF)];
  if (address < 0xA000) {
    if (console.ppu.vram_locked) return 0xFF;
    return console.vram[address & 0x1FFF];
  }
  if (address < 0xC000) return mbc_read_ram(console, bus.rom, address);
  if (address < 0xFE00) return console.wram[address & 0x1FFF];
  if (address < 0xFF00) {
    oam_bug_read(console);
    if (oam_blocked(console)) return 0xFF;
    return address < 0xFEA0 ? console.oam[address - 0xFE00] : 0x00;
  }
  if (address < 0xFF80) return io_read(bus, static_cast<std::uint8_t>(address & 0x7F));
  if (address < 0xFFFF) return console.hram[address - 0xFF80];
  return console.interrupts.ie;
}

DREAMER_HD_NOINLINE void bus_write_slow(Bus& bus, std::uint16_t address, std::uint8_t value) {
  Console& console = bus.console;
  if (address < 0x8000) {
    mbc_write_register(console, bus.rom, address, value);
  } else if (address < 0xA000) {
    if (!vram_write_blocked(console)) {
      if (console.ppu.m3_write_count != 0) ppu_fifo_flush(console, bus.sink);
      console.vram[address & 0x1FFF] = value;
    }
  } else if (address < 0xC000) {
    mbc_write_ram(console, bus.rom, address, value);
  } else if (address < 0xFE00) {
    console.wram[address & 0x1FFF] = value;
  } else if (address < 0xFF00) {
    oam_bug_write(console);
    if (address < 0xFEA0 && !oam_write_blocked(console)) {
      if (console.ppu.m3_write_count != 0) ppu_fifo_flush(console, bus.sink);
      console.oam[address - 0xFE00] = value;
    }
  } else if (address < 0xFF80) {
    io_write(bus, static_cast<std::uint8_t>(address & 0x7F), value);
  } else if (address < 0xFFFF) {
    console.hram[address - 0xFF80] = value;
  } else {
    console.interrupts.ie = value;
  }
}

// Fast paths for ROM, WRAM and HRAM (no DMA running), the rest out of line.
DREAMER_HD_INLINE std::uint8_t bus_read(Bus& bus, std::uint16_t address) {
  Console& console = bus.console;
  if (!console.dma.active) {
    if (address < 0x4000) return bus.rom.data[console.cart.rom_offset0 + address];
    if (address < 0x8000) return bus.rom.data[console.cart.rom_offset1 + (address & 0x3FFF)];
    if (address >= 0xC000 && address < 0xE000) return console.wram[address & 0x1FFF];
    if (address >= 0xFF80 && address < 0xFFFF) return console.hram[address - 0xFF80];
  }
  return bus_read_slow(bus, address);
}

DREAMER_HD_INLINE void bus_write(Bus& bus, std::uint16_t address, std::uint8_t value) {
  Console& console = bus.console;
  if (address >= 0xC000 && address < 0xE000) {
    console.wram[address & 0x1FFF] = value;
  } else if (address >= 0xFF80 && address < 0xFFFF) {
    console.hram[address - 0xFF80] = value;
  } else {
    bus_write_slow(bus, address, value);
  }
}

// CPU-side accesses: one M-cycle each.
DREAMER_HD_INLINE std::uint8_t cycle_read(Bus& bus, std::uint16_t address) {
  tick(bus);
  return bus_read(bus, address);
}

DREAMER_HD_INLINE void cycle_write(Bus& bus, std::uint16_t address, std::uint8_t value) {
  tick(bus);
  bus_write(bus, address, value);
}

DREAMER_HD_INLINE void cycle_idle(Bus& bus) { tick(bus); }

// An M-cycle in which the 16-bit increment/decrement unit steps `value`
// (INC/DEC rr, the SP decrement before a push) with no access: its address
// output still corrupts OAM as a write (oam_corruption.hpp).
DREAMER_HD_INLINE void cycle_idu(Bus& bus, std::uint16_t value) {
  tick(bus);
  if ((value >> 8) == 0xFE) oam_bug_write(bus.console);
}

// A read whose address register the IDU steps in the same M-cycle
// (LD A,(HL+/-), the first read of POP/RET).
DREAMER_HD_INLINE std::uint8_t cycle_read_idu(Bus& bus, std::uint16_t address) {
  tick(bus);
  if ((address >> 8) == 0xFE) oam_bug_read_increment(bus.console);
  return bus_read(bus, address);
}

}  // namespace dreamer::gb
