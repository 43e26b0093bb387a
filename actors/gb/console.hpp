#pragma once
// Console: the whole per-console state of the DMG emulator in one trivially
// copyable struct, so that a console can be snapshotted with memcpy, kept in a
// device array (one CUDA thread per console) and restored bit-exactly.
//
//   Console
//   +-- StateHeader   magic 'DGBC', version, sizeof(Console)
//   +-- CpuState      registers, IME / EI delay, HALT, HALT bug
//   +-- InterruptState IE, IF
//   +-- TimerState    16-bit divider, TIMA/TMA/TAC, overflow-reload phase
//   +-- PpuState      line/dot position, mode, STAT line, window line counter
//   +-- DmaState      OAM DMA source / progress / start delay
//   +-- JoypadState   select lines, pressed mask
//   +-- SerialState   SB/SC, bits left to shift, captured output bytes
//   +-- CartState     MBC registers, derived bank offsets, RTC
//   +-- Counters      cycles, instructions, HALT fast-forward, frames
//   +-- memories      WRAM 8K, VRAM 8K, OAM 160, HRAM 127, IO 128, cart RAM 32K
//
// The ROM is not part of the state: RomView points at one read-only copy that
// all consoles share. Everything here is plain integers (no pointers), so the
// struct means the same on host and device.
#include <cstdint>
#include <type_traits>

#include "common/host_device.hpp"

namespace dreamer::gb {

inline constexpr std::uint32_t kConsoleMagic = 0x43424744u;  // "DGBC" little-endian
inline constexpr std::uint32_t kConsoleVersion = 2;

inline constexpr int kScreenWidth = 160;
inline constexpr int kScreenHeight = 144;
inline constexpr int kDotsPerLine = 456;
inline constexpr int kLinesPerFrame = 154;
inline constexpr int kDotsPerFrame = kDotsPerLine * kLinesPerFrame;  // 70224
inline constexpr std::uint32_t kCartRamCapacity = 32 * 1024;
inline constexpr int kSerialBufferSize = 256;

// Cartridge controller families the core emulates. kMbc1Multicart is an MBC1
// wired the way 1 MiB multicarts (MBC1M) wire it: the 2-bit upper register
// drives ROM address lines 18-19 instead of 19-20, and bit 4 of the lower
// register selects nothing (bank = upper << 4 | (lower & 0x0F)).
enum class MbcKind : std::uint8_t { kNone = 0, kMbc1 = 1, kMbc2 = 2, kMbc3 = 3, kMbc5 = 5, kMbc1Multicart = 0x11 };

// Read-only view of a validated ROM image (see rom.hpp for loading). Shared by
// all consoles; never written by the core.
struct RomView {
  const std::uint8_t* data = nullptr;
  std::uint32_t size = 0;        // bytes, power-of-two multiple of 16 KiB
  std::uint32_t bank_count = 0;  // 16 KiB banks
  std::uint32_t ram_size = 0;    // cartridge RAM bytes (<= kCartRamCapacity; MBC2: its 512 nibbles)
  std::uint8_t cart_type = 0;    // header byte 0x147
  MbcKind mbc = MbcKind::kNone;
  bool has_rtc = false;
};

// Where pixels go for one frame. Either pointer may be null; a frame run with
// no sink (or both null) renders nothing, although PPU timing still runs.
//   full_frame:  160x144 shades 0 (white) .. 3 (black), row-major.
//   observation: 72 rows x 20 bytes packed2 (common/packed2.hpp), the top-left
//                pixel of each 2x2 block.
struct FrameSink {
  std::uint8_t* full_frame = nullptr;
  std::uint8_t* observation = nullptr;
};

// Joypad bit order of set_buttons' pressed mask (1 = pressed).
enum Button : std::uint8_t {
  kButtonA = 1u << 0,
  kButtonB = 1u << 1,
  kButtonSelect = 1u << 2,
  kButtonStart = 1u << 3,
  kButtonRight = 1u << 4,
  kButtonLeft = 1u << 5,
  kButtonUp = 1u << 6,
  kButtonDown = 1u << 7,
};

// Interrupt flag bits (IF / IE).
inline constexpr std::uint8_t kIntVBlank = 1u << 0;
inline constexpr std::uint8_t kIntStat = 1u << 1;
inline constexpr std::uint8_t kIntTimer = 1u << 2;
inline constexpr std::uint8_t kIntSerial = 1u << 3;
inline constexpr std::uint8_t kIntJoypad = 1u << 4;

struct StateHeader {
  std::uint32_t magic;
  std::uint32_t version;
  std::uint32_t size;
  std::uint32_t reserved;  // zero
};

struct CpuState {
  std::uint8_t a, f, b, c, d, e, h, l;
  std::uint16_t sp, pc;
  std::uint8_t ime;       // interrupt master enable
  std::uint8_t ei_delay;  // EI executed: IME becomes 1 after the next instruction
  std::uint8_t halted;
  std::uint8_t halt_bug;  // next opcode fetch does not increment PC
  std::uint8_t stopped;   // STOP executed (leaves on a joypad press)
  std::uint8_t pad[3];
};

struct InterruptState {
  std::uint8_t ie;
  std::uint8_t if_;  // low 5 bits; upper bits read as 1
  std::uint8_t pad[2];
};

struct TimerState {
  std::uint16_t divider;  // 16-bit internal counter; DIV is its upper byte
  std::uint8_t tima, tma, tac;
  // 0: normal; 1: TIMA overflowed this M-cycle (reads 0, reload next);
  // 2: TIMA was reloaded from TMA this M-cycle (writes to TIMA ignored).
  std::uint8_t reload_phase;
  std::uint8_t pad[2];
};

// One PPU register write made during mode 3 of a rendered line (ppu_fifo.hpp).
struct PpuWrite {
  std::uint16_t dot;  // line_dot when the CPU wrote it
  std::uint8_t reg;   // IO register index (0x40 LCDC ... 0x4B WX)
  std::uint8_t value;
};

// Writes logged per line: one every 2 M-cycles (LDH (C),A) for all of mode 3
// and the first dots of HBlank; later ones in the same line are dropped.
inline constexpr int kMode3WriteLog = 40;

struct PpuState {
  std::uint32_t line_dot;     // dot within the current line, 0..455
  std::uint32_t next_event;   // line_dot at which ppu_event runs next
  std::uint32_t mode3_end;    // line_dot where mode 3 ends on this line
  std::uint8_t line;          // internal line 0..153
  std::uint8_t ly;            // value LY reads
  std::uint8_t mode;          // STAT mode bits
  std::uint8_t phase;         // which event comes next on this line (PpuPhase)
  std::uint8_t stat_line;     // OR of the enabled STAT conditions (for edge detection)
  std::uint8_t lyc_match;     // LY==LYC flag as STAT reads it
  std::uint8_t window_line;   // window internal line counter
  std::uint8_t window_y_hit;  // WY matched LY at some line this frame
  std::uint8_t lcd_on;
  std::uint8_t frame_done;   // set when the frame boundary is reached
  std::uint8_t oam_locked;   // CPU OAM accesses blocked (OAM scan, drawing)
  std::uint8_t vram_locked;  // CPU VRAM accesses blocked (drawing)
  // Mode-3 write log of the current line (only lines a FrameSink wants):
  // registers as mode 3 began, the window line it began with, the writes.
  std::uint8_t m3_write_count;
  std::uint8_t m3_window_line;
  std::uint8_t m3_regs[7];  // LCDC, SCY, SCX, BGP, OBP0, OBP1, WX
  std::uint8_t m3_closed;   // the line was replayed early (VRAM/OAM about to change): log no more
  PpuWrite m3_writes[kMode3WriteLog];
};

struct DmaState {
  std::uint16_t source;  // base address of the running transfer
  std::uint16_t pending_source;
  std::uint8_t active;         // a transfer is copying (OAM blocked)
  std::uint8_t index;          // next byte 0..159
  std::uint8_t pending_delay;  // M-cycles until a requested transfer starts
  std::uint8_t reg;            // last value written to 0xFF46
};

struct JoypadState {
  std::uint8_t select;   // bits 4-5 as written to 0xFF00
  std::uint8_t pressed;  // Button mask
  std::uint8_t pad[2];
};

struct SerialState {
  std::uint8_t sb, sc;
  std::uint16_t pad;
  std::uint32_t bits_left;  // bits still to shift in the running transfer (0: idle)
  std::uint32_t out_count;  // bytes sent in total; out[i % size] holds byte i
  std::uint8_t out[kSerialBufferSize];
};

struct RtcRegisters {
  std::uint8_t seconds, minutes, hours, days_low, days_high;
  std::uint8_t pad[3];
};

struct CartState {
  std::uint32_t rom_offset0;  // byte offset mapped at 0x0000-0x3FFF
  std::uint32_t rom_offset1;  // byte offset mapped at 0x4000-0x7FFF
  std::uint32_t ram_offset;   // byte offset mapped at 0xA000-0xBFFF
  std::uint16_t rom_bank;     // MBC bank register(s) as written
  std::uint8_t ram_bank;      // RAM bank / RTC register select
  std::uint8_t bank_high;     // MBC1 upper 2 bits
  std::uint8_t mode;          // MBC1 banking mode
  std::uint8_t ram_enabled;
  std::uint8_t rtc_latch_armed;  // MBC3: 0 written to 0x6000-0x7FFF
  std::uint8_t pad;
  std::uint32_t rtc_subsecond;  // M-cycles into the current RTC second
  RtcRegisters rtc;             // running clock
  RtcRegisters rtc_latched;     // what reads return
};

struct Counters {
  std::uint64_t cycles;  // M-cycles since power-on
  std::uint64_t instructions;
  std::uint64_t halt_skipped;  // M-cycles covered by HALT fast-forward
  std::uint64_t frames;
  std::uint64_t breakpoints;  // LD B,B executed (test ROMs' "done" signal)
};

struct Console {
  StateHeader header;
  CpuState cpu;
  InterruptState interrupts;
  TimerState timer;
  PpuState ppu;
  DmaState dma;
  JoypadState joypad;
  SerialState serial;
  CartState cart;
  Counters counters;
  std::uint8_t io[0x80];    // 0xFF00-0xFF7F raw register bytes
  std::uint8_t hram[0x7F];  // 0xFF80-0xFFFE
  std::uint8_t pad_hram;
  std::uint8_t oam[0xA0];
  std::uint8_t wram[0x2000];
  std::uint8_t vram[0x2000];
  std::uint8_t cart_ram[kCartRamCapacity];
};

static_assert(std::is_trivially_copyable<Console>::value, "Console must be memcpy-able");
static_assert(std::is_standard_layout<Console>::value, "Console layout must be fixed");
static_assert(sizeof(Console) == 50176, "Console layout changed: bump kConsoleVersion and this size");

}  // namespace dreamer::gb
