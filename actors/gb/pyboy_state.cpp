#include "actors/gb/pyboy_state.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>

#include "actors/gb/emulator.hpp"
#include "common/error.hpp"
#include "common/file_io.hpp"

namespace dreamer::gb {
namespace {

constexpr std::size_t kVramSize = 0x2000;
constexpr std::size_t kOamSize = 0xA0;
constexpr std::size_t kScanlineLatchBytes = 144 * 5;
constexpr std::size_t kRendererBytes = 144 * 160 * 5;
constexpr std::size_t kRamBankSize = 0x2000;
constexpr std::uint64_t kFrameCycles = kDotsPerFrame;
constexpr std::uint64_t kSerialBitCycles = 512;  // T-cycles per bit at 8192 Hz

std::string hex(std::uint64_t value, int digits) {
  char text[24];
  std::snprintf(text, sizeof(text), "0x%0*llX", digits, static_cast<unsigned long long>(value));
  return text;
}

std::string at(std::size_t offset) { return "offset " + std::to_string(offset) + " (" + hex(offset, 5) + ")"; }

// One layout: which optional fields a writer emits. Sizes that vary with the
// writer's sample rate (the audio buffer) are read from the file itself.
struct Layout {
  std::uint8_t version;
  const char* name;
  std::size_t sound_tail;  // sound bytes after the audio buffer
  bool mbc1_registers;     // MBC1 writes bank_select_register1/2
};

// Candidate layouts per version, most likely first.
std::vector<Layout> layouts_for(std::uint8_t version) {
  switch (version) {
    case 9:
      return {{9, "v9 (PyBoy 1.x, synthetic-tested)", 329, false}};
    case 12:
      return {{12, "v12 (PyBoy 1.x, synthetic-tested)", 329, false}};
    case 15:
      return {{15, "v15 (PyBoy 2.6.x)", 329, false},
              {15, "v15 (PyBoy 2.7.0)", 330, false},
              {15, "v15 (PyBoy 2.6.x, MBC1 registers)", 329, true},
              {15, "v15 (PyBoy 2.7.0, MBC1 registers)", 330, true}};
    case 17:
      return {{17, "v17 (PyBoy 2.7.1)", 330, true}};
    case 21:
      return {{21, "v21 (PyBoy master)", 341, true}};
    default:
      return {};
  }
}

// Sequential reader; every read names its field so errors can say where.
class Cursor {
 public:
  Cursor(std::span<const std::uint8_t> bytes, const std::string& source) : bytes_(bytes), source_(source) {}

  std::size_t offset() const { return offset_; }

  std::span<const std::uint8_t> take(std::size_t count, const char* field) {
    if (bytes_.size() - offset_ < count) {
      throw Error("PyBoy state '" + source_ + "': truncated at " + at(offset_) + ": field '" + field + "' needs " +
                  std::to_string(count) + " bytes, " + std::to_string(bytes_.size() - offset_) + " left");
    }
    const std::span<const std::uint8_t> view = bytes_.subspan(offset_, count);
    offset_ += count;
    return view;
  }
  std::uint8_t u8(const char* field) { return take(1, field)[0]; }
  std::uint16_t u16(const char* field) {
    const auto view = take(2, field);
    return static_cast<std::uint16_t>(view[0] | (view[1] << 8));
  }
  std::uint64_t u64(const char* field) {
    const auto view = take(8, field);
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i) value = (value << 8) | view[static_cast<std::size_t>(i)];
    return value;
  }
  std::vector<std::uint8_t> bytes(std::size_t count, const char* field) {
    const auto view = take(count, field);
    return {view.begin(), view.end()};
  }
  void skip(std::size_t count, const char* field) { take(count, field); }

 private:
  std::span<const std::uint8_t> bytes_;
  const std::string& source_;
  std::size_t offset_ = 0;
};

std::size_t cart_ram_banks(std::uint8_t ram_code) {
  switch (ram_code) {
    case 0x03:
      return 4;
    case 0x04:
      return 16;
    case 0x05:
      return 8;
    default:
      return 1;  // none, 2 KiB, 8 KiB: PyBoy keeps at least one bank
  }
}

bool cart_is_mbc1(std::uint8_t type) { return type >= 0x01 && type <= 0x03; }
bool cart_has_rtc(std::uint8_t type) { return type == 0x0F || type == 0x10; }

// Byte offset of the cgb flag in the motherboard block.
std::size_t cgb_flag_offset(std::uint8_t version) { return version >= 17 ? 5 : 4; }

// Parses the whole file with one layout. Throws on truncation; the caller
// checks that the layout ends exactly at the end of the file.
PyBoyState parse_with(const Layout& layout, std::span<const std::uint8_t> bytes, const Rom& rom,
                      const std::string& source, std::size_t& end_offset) {
  const std::uint8_t v = layout.version;
  const std::uint8_t cart_type = rom.bytes()[0x147];
  const std::uint8_t ram_code = rom.bytes()[0x149];
  PyBoyState s;
  s.version = v;
  s.layout = layout.name;
  Cursor in(bytes, source);

  in.u8("mb.version");
  s.boot_rom_mapped = in.u8("mb.bootrom_enabled") != 0;
  if (v >= 17) in.u8("mb.key0");
  in.u8("mb.key1");
  in.u8("mb.double_speed");
  in.u8("mb.cgb");

  s.a = in.u8("cpu.A");
  s.f = in.u8("cpu.F");
  s.b = in.u8("cpu.B");
  s.c = in.u8("cpu.C");
  s.d = in.u8("cpu.D");
  s.e = in.u8("cpu.E");
  s.hl = in.u16("cpu.HL");
  s.sp = in.u16("cpu.SP");
  s.pc = in.u16("cpu.PC");
  s.ime = in.u8("cpu.interrupt_master_enable");
  if (v >= 19) s.ime_delay = in.u8("cpu.interrupt_enable_delay");
  s.halted = in.u8("cpu.halted");
  s.stopped = in.u8("cpu.stopped");
  s.ie = in.u8("cpu.IE");
  in.u8("cpu.interrupt_queued");
  s.if_ = in.u8("cpu.IF");
  if (v >= 12) {
    s.has_cycles = true;
    s.cpu_cycles = in.u64("cpu.cycles");
  }

  if (v >= 19) {
    s.has_oam_dma = true;
    s.dma_active = in.u8("oamdma.active");
    in.u8("oamdma.reading");
    s.dma_source = in.u8("oamdma.source");
    s.dma_index = in.u8("oamdma.index");
    in.u64("oamdma.start_cycle");
  }

  s.vram = in.bytes(kVramSize, "lcd.VRAM");
  s.oam = in.bytes(kOamSize, "lcd.OAM");
  s.lcdc = in.u8("lcd.LCDC");
  s.bgp = in.u8("lcd.BGP");
  s.obp0 = in.u8("lcd.OBP0");
  s.obp1 = in.u8("lcd.OBP1");
  s.stat = in.u8("lcd.STAT");
  s.ly = in.u8("lcd.LY");
  s.lyc = in.u8("lcd.LYC");
  s.scy = in.u8("lcd.SCY");
  s.scx = in.u8("lcd.SCX");
  s.wy = in.u8("lcd.WY");
  s.wx = in.u8("lcd.WX");
  if (v >= 16) in.u8("lcd.object_priority_mode");
  if (v >= 11) s.scanline_latches = in.bytes(kScanlineLatchBytes, "lcd.scanline_parameters");
  in.u8("lcd.cgb");
  if (v >= 17) in.u8("lcd.downgraded_to_dmg");
  in.u8("lcd.speed_shift");
  if (v >= 13) {
    in.u8("lcd.frame_done");
    in.u8("lcd.first_frame");
    in.u8("lcd.reset");
  }
  if (v >= 12) s.lcd_last_cycles = in.u64("lcd.last_cycles");
  s.lcd_clock = in.u64("lcd.clock");
  s.lcd_clock_target = in.u64("lcd.clock_target");
  s.next_stat_mode = in.u8("lcd.next_stat_mode");

  in.u64("sound.audiobuffer_head");
  const std::size_t samples_offset = in.offset();
  const std::uint64_t samples_per_frame = in.u64("sound.samples_per_frame");
  if (samples_per_frame > 100000) {
    throw Error("PyBoy state '" + source + "': field 'sound.samples_per_frame' at " + at(samples_offset) + " is " +
                std::to_string(samples_per_frame) + ", not a plausible sample count (layout " + layout.name + ")");
  }
  in.u64("sound.cycles_per_sample");
  in.skip(static_cast<std::size_t>(samples_per_frame + 1) * 2, "sound.audiobuffer");
  in.skip(layout.sound_tail, "sound.channels");

  in.skip(kRendererBytes, "renderer.screenbuffer");
  if (v >= 21) in.u8("renderer.wy_activated_frame");

  s.wram = in.bytes(0x2000, "ram.WRAM");
  in.skip(0x60, "ram.unusable_FEA0");
  s.io = in.bytes(0x4C, "ram.IO_FF00");
  s.hram = in.bytes(0x7F, "ram.HRAM");
  if (v <= 15) {
    s.high_io = in.bytes(0x34, "ram.IO_FF4C");
  } else {
    in.u8("mb.wram_select");
  }

  s.div = in.u8("timer.DIV");
  s.tima = in.u8("timer.TIMA");
  s.div_counter = in.u16("timer.DIV_counter");
  s.tima_counter = in.u16("timer.TIMA_counter");
  s.tma = in.u8("timer.TMA");
  s.tac = in.u8("timer.TAC");
  if (v >= 20) s.tima_reload_state = in.u8("timer.tima_reload_state");
  if (v >= 12) {
    s.timer_last_cycles = in.u64("timer.last_cycles");
    in.u64("timer.cycles_to_interrupt");
  }

  const std::size_t rom_bank_offset = in.offset();
  s.rom_bank = in.u8("cart.rombank_selected");
  s.ram_bank = in.u8("cart.rambank_selected");
  s.ram_enabled = in.u8("cart.rambank_enabled");
  s.memory_model = in.u8("cart.memorymodel");
  s.cart_ram = in.bytes(cart_ram_banks(ram_code) * kRamBankSize, "cart.external_ram");
  if (cart_has_rtc(cart_type)) {
    s.has_rtc = true;
    in.skip(v <= 12 ? 4 : 8, "cart.rtc.timezero");
    s.rtc_halt = in.u8("cart.rtc.halt");
    s.rtc_day_carry = in.u8("cart.rtc.day_carry");
    if (v >= 21) {
      s.has_rtc_registers = true;
      s.rtc_seconds = in.u8("cart.rtc.seconds");
      s.rtc_minutes = in.u8("cart.rtc.minutes");
      s.rtc_hours = in.u8("cart.rtc.hours");
      s.rtc_day_low = in.u8("cart.rtc.day_low");
      s.rtc_day_high = in.u8("cart.rtc.day_high");
      s.rtc_halt = in.u8("cart.rtc.halt_register");
      s.rtc_day_carry = in.u8("cart.rtc.day_carry_register");
      s.rtc_cycles = in.u64("cart.rtc.rtc_cycles");
      in.skip(8, "cart.rtc.saved_time");
    }
  }
  if (cart_is_mbc1(cart_type) && layout.mbc1_registers) {
    s.has_mbc1_registers = true;
    s.mbc1_bank1 = in.u8("cart.mbc1.bank_select_register1");
    s.mbc1_bank2 = in.u8("cart.mbc1.bank_select_register2");
  }

  s.joypad_directional = in.u8("interaction.directional");
  s.joypad_standard = in.u8("interaction.standard");

  if (v >= 15) {
    s.has_serial = true;
    s.sb = in.u8("serial.SB");
    s.sc = in.u8("serial.SC");
    s.serial_transfer_enabled = in.u8("serial.transfer_enabled");
    s.serial_internal_clock = in.u8("serial.internal_clock");
    in.u64("serial.last_cycles");
    in.u64("serial.cycles_to_interrupt");
    s.serial_clock = in.u64("serial.clock");
    s.serial_clock_target = in.u64("serial.clock_target");
  }
  end_offset = in.offset();

  if (s.rom_bank >= rom.view().bank_count && rom.view().mbc != MbcKind::kNone) {
    throw Error("PyBoy state '" + source + "': field 'cart.rombank_selected' at " + at(rom_bank_offset) + " is " +
                std::to_string(s.rom_bank) + " but the ROM has " + std::to_string(rom.view().bank_count) +
                " banks (state written for another ROM?)");
  }
  return s;
}

}  // namespace

PyBoyState parse_pyboy_state(std::span<const std::uint8_t> bytes, const Rom& rom, const std::string& source) {
  const std::string where = "PyBoy state '" + source + "': ";
  if (bytes.empty()) throw Error(where + "empty file: field 'mb.version' at " + at(0) + " is missing");
  const std::uint8_t version = bytes[0];
  const std::vector<Layout> candidates = layouts_for(version);
  if (candidates.empty()) {
    throw Error(where + "field 'mb.version' at " + at(0) + " is " + std::to_string(version) +
                ": unknown state version (supported: 9, 12, 15, 17, 21)");
  }
  const std::size_t cgb_offset = cgb_flag_offset(version);
  if (bytes.size() <= cgb_offset) {
    throw Error(where + "truncated at " + at(bytes.size()) + ": field 'mb.cgb' at " + at(cgb_offset) + " is missing");
  }
  if (bytes[cgb_offset] != 0) {
    throw Error(where + "field 'mb.cgb' at " + at(cgb_offset) + " is " + std::to_string(bytes[cgb_offset]) +
                ": CGB state not supported (the core emulates the DMG only)");
  }

  const std::uint8_t cart_type = rom.bytes()[0x147];
  const std::uint8_t ram_code = rom.bytes()[0x149];
  std::string layout_ends;
  std::optional<Error> first_error;
  for (const Layout& layout : candidates) {
    if (layout.mbc1_registers && !cart_is_mbc1(cart_type) && version == 15) continue;
    std::size_t end = 0;
    try {
      PyBoyState state = parse_with(layout, bytes, rom, source, end);
      if (end == bytes.size()) return state;
    } catch (const Error& error) {
      if (!first_error) first_error = error;
      continue;
    }
    layout_ends += (layout_ends.empty() ? "" : ", ") + std::to_string(end) + " (" + layout.name + ")";
  }
  // Every candidate ran out of bytes (or rejected a field): report the first.
  if (layout_ends.empty()) throw *first_error;
  throw Error(where + "file size " + std::to_string(bytes.size()) + " fits no version " + std::to_string(version) +
              " layout for cartridge type " + hex(cart_type, 2) + " RAM code " + hex(ram_code, 2) + " of ROM '" +
              rom.title() + "': the layout ends at offset " + layout_ends +
              " (state written for another ROM or PyBoy build?)");
}

namespace {

// Window line counter at the start of `line`: lines before it on which the
// window was drawn, from PyBoy's per-line latches when present.
std::uint8_t window_lines_before(const PyBoyState& s, int line) {
  if ((s.lcdc & 0x20) == 0) return 0;
  int count = 0;
  for (int y = 0; y < line && y < kScreenHeight; ++y) {
    std::uint8_t wy = s.wy;
    std::uint8_t wx = s.wx;
    if (!s.scanline_latches.empty()) {
      wx = s.scanline_latches[static_cast<std::size_t>(y) * 5 + 2];
      wy = s.scanline_latches[static_cast<std::size_t>(y) * 5 + 3];
    }
    if (wy <= y && wx <= 166) ++count;
  }
  return static_cast<std::uint8_t>(count);
}

void place_ppu(Console& console, const PyBoyState& s) {
  PpuState& ppu = console.ppu;
  std::uint64_t dots = s.lcd_clock;
  if (s.has_cycles && s.cpu_cycles >= s.lcd_last_cycles) dots += s.cpu_cycles - s.lcd_last_cycles;
  dots %= kFrameCycles;
  int line = static_cast<int>(dots / kDotsPerLine);
  std::uint32_t dot = static_cast<std::uint32_t>(dots % kDotsPerLine);
  const bool lcd_on = (s.lcdc & 0x80) != 0;
  if (lcd_on && s.ly != line && !(line == kLinesPerFrame - 1 && s.ly == 0) && s.ly < kLinesPerFrame) {
    line = s.ly;
    switch (s.stat & 3) {
      case 3:
        dot = kMode3StartDot;
        break;
      case 0:
        dot = kMode3StartDot + 172;
        break;
      default:
        dot = 0;
        break;
    }
  }
  dot &= ~3u;
  ppu.frame_done = 0;
  if (!lcd_on) {
    ppu.lcd_on = 0;
    ppu.line = static_cast<std::uint8_t>(line);
    ppu.line_dot = dot;
    ppu.ly = 0;
    ppu.mode = 0;
    ppu.stat_line = 0;
    ppu.lyc_match = 0;
    ppu.oam_locked = 0;
    ppu.vram_locked = 0;
    ppu.phase = kPhaseLineEnd;
    ppu.next_event = kDotsPerLine;
    return;
  }
  // Let the core's own line rules reach (line, dot): end the previous line,
  // then run the events up to the dot. Interrupts PyBoy had not raised are not
  // raised here (IF is restored).
  const std::uint8_t if_before = console.interrupts.if_;
  ppu.lcd_on = 1;
  ppu.line = static_cast<std::uint8_t>(line == 0 ? kLinesPerFrame - 1 : line - 1);
  ppu.phase = kPhaseLineEnd;
  ppu.next_event = kDotsPerLine;
  ppu.line_dot = kDotsPerLine;
  ppu_event(console, nullptr);
  ppu.window_y_hit = line < kScreenHeight && s.wy <= line;
  ppu.window_line = window_lines_before(s, line);
  ppu.line_dot = dot;
  ppu_event(console, nullptr);
  ppu.frame_done = 0;
  console.interrupts.if_ = if_before;
}

void place_timer(Console& console, const PyBoyState& s) {
  TimerState& timer = console.timer;
  std::uint32_t divider = (static_cast<std::uint32_t>(s.div) << 8) | (s.div_counter & 0xFFu);
  std::uint64_t lag = 0;
  if (s.has_cycles && s.cpu_cycles >= s.timer_last_cycles) lag = s.cpu_cycles - s.timer_last_cycles;
  timer.tima = s.tima;
  timer.tma = s.tma;
  timer.tac = s.tac & 7;
  timer.reload_phase = s.tima_reload_state <= 2 ? s.tima_reload_state : 0;
  if ((timer.tac & 4) != 0 && lag != 0) {
    const std::uint64_t period = 2u * timer_bit_mask(timer.tac);
    const std::uint64_t edges = (divider + lag) / period - divider / period;
    const std::uint64_t tima = timer.tima + edges;
    if (tima > 0xFF) {
      timer.tima = timer.tma;
      console.interrupts.if_ |= kIntTimer;
    } else {
      timer.tima = static_cast<std::uint8_t>(tima);
    }
  }
  timer.divider = static_cast<std::uint16_t>((divider + lag) & ~3u);
}

void place_cart(Console& console, const PyBoyState& s, const RomView& rom) {
  CartState& cart = console.cart;
  cart = CartState{};
  cart.ram_enabled = rom.mbc == MbcKind::kNone ? 1 : (s.ram_enabled != 0 ? 1 : 0);
  cart.rom_bank = 1;
  switch (rom.mbc) {
    case MbcKind::kNone:
      break;
    case MbcKind::kMbc1:
    case MbcKind::kMbc1Multicart:
      cart.mode = s.memory_model & 1;
      if (s.has_mbc1_registers) {
        cart.rom_bank = s.mbc1_bank1 & 0x1F;
        cart.bank_high = s.mbc1_bank2 & 3;
      } else {
        cart.rom_bank = s.rom_bank & 0x1F;
        cart.bank_high = static_cast<std::uint8_t>(cart.mode != 0 ? (s.ram_bank & 3) : ((s.rom_bank >> 5) & 3));
      }
      break;
    case MbcKind::kMbc2:
      cart.rom_bank = s.rom_bank & 0x0F;
      break;
    case MbcKind::kMbc3:
      cart.rom_bank = s.rom_bank & 0x7F;
      cart.ram_bank = s.ram_bank & 0x0F;
      break;
    case MbcKind::kMbc5:
      cart.rom_bank = s.rom_bank;
      cart.ram_bank = s.ram_bank & 0x0F;
      break;
  }
  if (s.has_rtc) {
    RtcRegisters& rtc = cart.rtc;
    if (s.has_rtc_registers) {
      rtc.seconds = s.rtc_seconds;
      rtc.minutes = s.rtc_minutes;
      rtc.hours = s.rtc_hours;
      rtc.days_low = s.rtc_day_low;
      rtc.days_high = s.rtc_day_high & 1;
      cart.rtc_subsecond = static_cast<std::uint32_t>((s.rtc_cycles / 4) % kRtcCyclesPerSecond);
    }
    rtc.days_high = static_cast<std::uint8_t>(rtc.days_high | (s.rtc_halt ? 0x40 : 0) | (s.rtc_day_carry ? 0x80 : 0));
    cart.rtc_latched = rtc;
  }
  mbc_update_offsets(console, rom);
  const std::size_t ram_bytes = std::min<std::size_t>(rom.ram_size, s.cart_ram.size());
  std::memcpy(console.cart_ram, s.cart_ram.data(), ram_bytes);
}

std::uint8_t pressed_mask(const PyBoyState& s) {
  const std::uint8_t directional = static_cast<std::uint8_t>(~s.joypad_directional & 0x0F);
  const std::uint8_t standard = static_cast<std::uint8_t>(~s.joypad_standard & 0x0F);
  return static_cast<std::uint8_t>(standard | (directional << 4));
}

}  // namespace

Console pyboy_state_to_console(const PyBoyState& s, const Rom& rom) {
  const RomView& view = rom.view();
  Console console;
  power_on(console, view);
  std::memcpy(console.wram, s.wram.data(), sizeof(console.wram));
  std::memcpy(console.hram, s.hram.data(), sizeof(console.hram));
  std::memcpy(console.vram, s.vram.data(), sizeof(console.vram));
  std::memcpy(console.oam, s.oam.data(), sizeof(console.oam));
  place_cart(console, s, view);
  console.joypad.pressed = pressed_mask(s);
  if (s.boot_rom_mapped) return console;  // completed to the DMG hand-off (see header)

  CpuState& cpu = console.cpu;
  cpu.a = s.a;
  cpu.f = s.f & 0xF0;
  cpu.b = s.b;
  cpu.c = s.c;
  cpu.d = s.d;
  cpu.e = s.e;
  cpu.h = static_cast<std::uint8_t>(s.hl >> 8);
  cpu.l = static_cast<std::uint8_t>(s.hl & 0xFF);
  cpu.sp = s.sp;
  cpu.pc = s.pc;
  cpu.ime = s.ime != 0;
  cpu.ei_delay = s.ime_delay != 0;
  cpu.halted = s.halted != 0;
  cpu.stopped = s.stopped != 0;
  cpu.halt_bug = 0;
  console.interrupts.ie = s.ie;
  console.interrupts.if_ = s.if_ & 0x1F;

  std::memcpy(console.io, s.io.data(), s.io.size());
  if (!s.high_io.empty()) std::memcpy(console.io + 0x4C, s.high_io.data(), s.high_io.size());
  console.io[0x40] = s.lcdc;
  console.io[0x41] = s.stat & 0x78;
  console.io[0x42] = s.scy;
  console.io[0x43] = s.scx;
  console.io[0x45] = s.lyc;
  console.io[0x47] = s.bgp;
  console.io[0x48] = s.obp0;
  console.io[0x49] = s.obp1;
  console.io[0x4A] = s.wy;
  console.io[0x4B] = s.wx;
  console.joypad.select = s.io[0x00] & 0x30;

  console.dma = DmaState{};
  if (s.has_oam_dma) {
    console.dma.reg = s.dma_source;
    if (s.dma_active != 0 && s.dma_index < kOamSize) {
      console.dma.active = 1;
      console.dma.source = static_cast<std::uint16_t>(s.dma_source << 8);
      console.dma.index = s.dma_index;
    }
  } else {
    console.dma.reg = s.io[0x46];
  }

  console.serial.sb = s.has_serial ? s.sb : s.io[0x01];
  console.serial.sc = static_cast<std::uint8_t>((s.has_serial ? s.sc : s.io[0x02]) & 0x81);
  if ((console.serial.sc & 0x81) == 0x81) {
    std::uint64_t bits = 8;
    if (s.has_serial && s.serial_clock_target > s.serial_clock) {
      bits = std::clamp<std::uint64_t>(
          (s.serial_clock_target - s.serial_clock + kSerialBitCycles - 1) / kSerialBitCycles, 1, 8);
    }
    console.serial.bits_left = static_cast<std::uint32_t>(bits);
  }

  place_timer(console, s);
  place_ppu(console, s);
  console.counters.cycles = s.cpu_cycles / 4;
  return console;
}

Console load_pyboy_state(std::span<const std::uint8_t> bytes, const Rom& rom, const std::string& source) {
  return pyboy_state_to_console(parse_pyboy_state(bytes, rom, source), rom);
}

Console load_pyboy_state_file(const std::filesystem::path& path, const Rom& rom) {
  return load_pyboy_state(read_file_bytes(path), rom, path.string());
}

}  // namespace dreamer::gb
