#pragma once
// Cartridge memory controllers: ROM-only, MBC1 (and its multicart wiring
// MBC1M), MBC2, MBC3 (+RTC), MBC5.
//
// Bank registers are decoded once per write into byte offsets (CartState
// rom_offset0/1, ram_offset), so reads on the hot path are one add and one
// load. Bank numbers are masked to the ROM's bank count, as the unconnected
// address lines of a smaller ROM chip do. Cartridge RAM lives in
// Console::cart_ram (at most 32 KiB; larger carts are rejected when the ROM is
// loaded). The MBC3 clock advances with emulated time: one second per 2^20
// M-cycles.
//
// MBC2 (Pan Docs "MBC2"): 16 ROM banks; one register range 0000-3FFF where
// address bit 8 picks RAM enable (clear) or the 4-bit ROM bank (set); 512 x 4
// bits of RAM built into the chip, repeated through A000-BFFF. The upper
// nibble does not exist and reads as 1s (mooneye emulator-only/mbc2/ram,
// verified on a genuine MBC2A chip); cart_ram keeps the bytes as written.
#include <cstdint>

#include "actors/gb/console.hpp"

namespace dreamer::gb {

inline constexpr std::uint32_t kRtcCyclesPerSecond = 1u << 20;

DREAMER_HD_NOINLINE void mbc_update_offsets(Console& console, const RomView& rom) {
  CartState& cart = console.cart;
  const std::uint32_t bank_mask = rom.bank_count - 1;
  std::uint32_t bank0 = 0;
  std::uint32_t bank1 = 1;
  std::uint32_t ram_bank = 0;
  switch (rom.mbc) {
    case MbcKind::kNone:
      break;
    case MbcKind::kMbc1:
    case MbcKind::kMbc1Multicart: {
      // The zero check sees all 5 written bits, even where bit 4 is unwired.
      const std::uint32_t high_shift = rom.mbc == MbcKind::kMbc1Multicart ? 4 : 5;
      const std::uint32_t low_mask = (1u << high_shift) - 1;
      const std::uint32_t low = (cart.rom_bank & 0x1F) == 0 ? 1u : (cart.rom_bank & low_mask);
      bank1 = (static_cast<std::uint32_t>(cart.bank_high) << high_shift) | low;
      if (cart.mode != 0) {
        bank0 = static_cast<std::uint32_t>(cart.bank_high) << high_shift;
        ram_bank = cart.bank_high;
      }
      break;
    }
    case MbcKind::kMbc2:
      bank1 = (cart.rom_bank & 0x0F) == 0 ? 1u : (cart.rom_bank & 0x0Fu);
      break;
    case MbcKind::kMbc3:
      bank1 = (cart.rom_bank & 0x7F) == 0 ? 1u : (cart.rom_bank & 0x7Fu);
      ram_bank = cart.ram_bank & 3;
      break;
    case MbcKind::kMbc5:
      bank1 = cart.rom_bank & 0x1FF;
      ram_bank = cart.ram_bank & 0x0F;
      break;
  }
  cart.rom_offset0 = (bank0 & bank_mask) * 0x4000u;
  cart.rom_offset1 = (bank1 & bank_mask) * 0x4000u;
  cart.ram_offset = rom.ram_size == 0 ? 0 : (ram_bank * 0x2000u) & (rom.ram_size - 1);
}

DREAMER_HD_NOINLINE void mbc_reset(Console& console, const RomView& rom) {
  CartState& cart = console.cart;
  cart = CartState{};
  cart.rom_bank = 1;
  cart.ram_enabled = rom.mbc == MbcKind::kNone ? 1 : 0;
  mbc_update_offsets(console, rom);
}

DREAMER_HD_NOINLINE void rtc_advance_second(RtcRegisters& rtc) {
  if (++rtc.seconds != 60) return;
  rtc.seconds = 0;
  if (++rtc.minutes != 60) return;
  rtc.minutes = 0;
  if (++rtc.hours != 24) return;
  rtc.hours = 0;
  if (++rtc.days_low != 0) return;
  if ((rtc.days_high & 1) == 0) {
    rtc.days_high |= 1;
  } else {
    rtc.days_high = static_cast<std::uint8_t>((rtc.days_high & 0xFE) | 0x80);  // day carry
  }
}

// Advances the MBC3 clock by m_cycles (no-op while its halt bit is set).
DREAMER_HD_NOINLINE void rtc_advance(CartState& cart, std::uint32_t m_cycles) {
  if ((cart.rtc.days_high & 0x40) != 0) return;
  cart.rtc_subsecond += m_cycles;
  while (cart.rtc_subsecond >= kRtcCyclesPerSecond) {
    cart.rtc_subsecond -= kRtcCyclesPerSecond;
    rtc_advance_second(cart.rtc);
  }
}

DREAMER_HD_NOINLINE std::uint8_t* rtc_register(RtcRegisters& rtc, std::uint8_t select) {
  switch (select) {
    case 0x08:
      return &rtc.seconds;
    case 0x09:
      return &rtc.minutes;
    case 0x0A:
      return &rtc.hours;
    case 0x0B:
      return &rtc.days_low;
    case 0x0C:
      return &rtc.days_high;
    default:
      return nullptr;
  }
}

// Writes to 0x0000-0x7FFF (controller registers).
DREAMER_HD_NOINLINE void mbc_write_register(Console& console, const RomView& rom, std::uint16_t address,
                                            std::uint8_t value) {
  CartState& cart = console.cart;
  switch (rom.mbc) {
    case MbcKind::kNone:
      return;
    case MbcKind::kMbc1:
    case MbcKind::kMbc1Multicart:
      if (address < 0x2000) {
        cart.ram_enabled = (value & 0x0F) == 0x0A;
      } else if (address < 0x4000) {
        cart.rom_bank = value & 0x1F;
      } else if (address < 0x6000) {
        cart.bank_high = value & 3;
      } else {
        cart.mode = value & 1;
      }
      break;
    case MbcKind::kMbc2:
      if (address >= 0x4000) return;
      if ((address & 0x0100) == 0) {
        cart.ram_enabled = (value & 0x0F) == 0x0A;
      } else {
        cart.rom_bank = value & 0x0F;
      }
      break;
    case MbcKind::kMbc3:
      if (address < 0x2000) {
        cart.ram_enabled = (value & 0x0F) == 0x0A;
      } else if (address < 0x4000) {
        cart.rom_bank = value & 0x7F;
      } else if (address < 0x6000) {
        cart.ram_bank = value & 0x0F;
      } else {
        if (cart.rtc_latch_armed && value == 1) cart.rtc_latched = cart.rtc;
        cart.rtc_latch_armed = value == 0;
      }
      break;
    case MbcKind::kMbc5:
      if (address < 0x2000) {
        cart.ram_enabled = (value & 0x0F) == 0x0A;
      } else if (address < 0x3000) {
        cart.rom_bank = static_cast<std::uint16_t>((cart.rom_bank & 0x100) | value);
      } else if (address < 0x4000) {
        cart.rom_bank = static_cast<std::uint16_t>((cart.rom_bank & 0xFF) | ((value & 1) << 8));
      } else if (address < 0x6000) {
        cart.ram_bank = value & 0x0F;
      }
      break;
  }
  mbc_update_offsets(console, rom);
}

DREAMER_HD_INLINE bool rtc_selected(const Console& console, const RomView& rom) {
  return rom.has_rtc && console.cart.ram_bank >= 0x08;
}

// Reads from 0xA000-0xBFFF.
DREAMER_HD_NOINLINE std::uint8_t mbc_read_ram(Console& console, const RomView& rom, std::uint16_t address) {
  CartState& cart = console.cart;
  if (!cart.ram_enabled) return 0xFF;
  if (rtc_selected(console, rom)) {
    const std::uint8_t* reg = rtc_register(cart.rtc_latched, cart.ram_bank);
    return reg == nullptr ? 0xFF : *reg;
  }
  if (rom.ram_size == 0) return 0xFF;
  const std::uint8_t value = console.cart_ram[(cart.ram_offset + (address & 0x1FFFu)) & (rom.ram_size - 1)];
  return rom.mbc == MbcKind::kMbc2 ? static_cast<std::uint8_t>(value | 0xF0) : value;
}

DREAMER_HD_NOINLINE void mbc_write_ram(Console& console, const RomView& rom, std::uint16_t address,
                                       std::uint8_t value) {
  CartState& cart = console.cart;
  if (!cart.ram_enabled) return;
  if (rtc_selected(console, rom)) {
    std::uint8_t* reg = rtc_register(cart.rtc, cart.ram_bank);
    if (reg == nullptr) return;
    *reg = value;
    if (cart.ram_bank == 0x08) cart.rtc_subsecond = 0;
    std::uint8_t* latched = rtc_register(cart.rtc_latched, cart.ram_bank);
    *latched = value;
    return;
  }
  if (rom.ram_size == 0) return;
  console.cart_ram[(cart.ram_offset + (address & 0x1FFFu)) & (rom.ram_size - 1)] = value;
}

}  // namespace dreamer::gb
