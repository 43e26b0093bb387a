#pragma once
// OAM DMA (0xFF46): copies 160 bytes from XX00 to OAM, one byte per M-cycle.
// A write schedules the transfer to start one M-cycle later; a running
// transfer continues until the new one starts (restart). While a transfer is
// active the CPU reads OAM as 0xFF and its OAM writes are dropped.
#include <cstdint>

#include "actors/gb/console.hpp"
#include "actors/gb/mbc.hpp"

namespace dreamer::gb {

DREAMER_HD_INLINE void dma_write(Console& console, std::uint8_t value) {
  console.dma.reg = value;
  console.dma.pending_source = static_cast<std::uint16_t>(value << 8);
  console.dma.pending_delay = 2;
}

// The byte DMA sees at address (sources 0xE000-0xFFFF mirror WRAM).
DREAMER_HD_NOINLINE std::uint8_t dma_source_read(Console& console, const RomView& rom, std::uint16_t address) {
  if (address < 0x4000) return rom.data[console.cart.rom_offset0 + address];
  if (address < 0x8000) return rom.data[console.cart.rom_offset1 + (address & 0x3FFF)];
  if (address < 0xA000) return console.vram[address & 0x1FFF];
  if (address < 0xC000) return mbc_read_ram(console, rom, address);
  return console.wram[address & 0x1FFF];
}

DREAMER_HD_NOINLINE void dma_tick(Console& console, const RomView& rom) {
  DmaState& dma = console.dma;
  if (dma.active) {
    console.oam[dma.index] = dma_source_read(console, rom, static_cast<std::uint16_t>(dma.source + dma.index));
    if (++dma.index == 160) dma.active = 0;
  }
  if (dma.pending_delay != 0 && --dma.pending_delay == 0) {
    dma.active = 1;
    dma.index = 0;
    dma.source = dma.pending_source;
  }
}

}  // namespace dreamer::gb
