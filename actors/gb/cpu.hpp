#pragma once
// SM83 CPU: one instruction (or interrupt dispatch, or HALT cycle) per
// cpu_step. Every memory access goes through cycle_read/cycle_write, each one
// M-cycle, and internal cycles through cycle_idle, in the order the hardware
// performs them, so instruction timing is exact at M-cycle granularity.
//
// Interrupts are checked before each instruction: with IME set and IE & IF
// non-zero the CPU spends 5 M-cycles (2 idle, push PC high, push PC low, jump);
// the vector is chosen after the high push, so a push that overwrites IE can
// cancel the dispatch (PC = 0). EI takes effect after the next instruction.
// HALT with IME clear and an interrupt already pending triggers the HALT bug
// (the next opcode byte is read twice).
//
// The M-cycles in which the 16-bit increment/decrement unit steps a register
// (INC/DEC rr, LD SP,HL, the SP decrement before a push, LD A,(HL+/-) and the
// first read of POP/RET) go through cycle_idu / cycle_read_idu: with the
// register in FE00-FEFF they corrupt OAM during the OAM scan
// (oam_corruption.hpp; SameBoy Core/sm83_cpu.c cycle_oam_bug and
// cycle_read_inc_oam_bug). Opcode and operand fetches from FE00-FEFF
// (code run from OAM) corrupt only as reads.
#include <cstdint>

#include "actors/gb/bus.hpp"

namespace dreamer::gb {

inline constexpr std::uint8_t kFlagZ = 0x80;
inline constexpr std::uint8_t kFlagN = 0x40;
inline constexpr std::uint8_t kFlagH = 0x20;
inline constexpr std::uint8_t kFlagC = 0x10;

DREAMER_HD_INLINE std::uint8_t fetch8(Bus& bus) {
  CpuState& cpu = bus.console.cpu;
  const std::uint8_t value = cycle_read(bus, cpu.pc);
  cpu.pc = static_cast<std::uint16_t>(cpu.pc + 1);
  return value;
}

DREAMER_HD_INLINE std::uint16_t fetch16(Bus& bus) {
  const std::uint8_t low = fetch8(bus);
  const std::uint8_t high = fetch8(bus);
  return static_cast<std::uint16_t>(low | (high << 8));
}

DREAMER_HD_INLINE std::uint16_t cpu_hl(const CpuState& cpu) { return static_cast<std::uint16_t>((cpu.h << 8) | cpu.l); }

DREAMER_HD_INLINE void cpu_set_hl(CpuState& cpu, std::uint16_t value) {
  cpu.h = static_cast<std::uint8_t>(value >> 8);
  cpu.l = static_cast<std::uint8_t>(value);
}

// 16-bit pair by opcode bits 4-5: BC, DE, HL, SP.
DREAMER_HD_INLINE std::uint16_t cpu_pair(const CpuState& cpu, int index) {
  switch (index) {
    case 0:
      return static_cast<std::uint16_t>((cpu.b << 8) | cpu.c);
    case 1:
      return static_cast<std::uint16_t>((cpu.d << 8) | cpu.e);
    case 2:
      return cpu_hl(cpu);
    default:
      return cpu.sp;
  }
}

DREAMER_HD_INLINE void cpu_set_pair(CpuState& cpu, int index, std::uint16_t value) {
  const std::uint8_t high = static_cast<std::uint8_t>(value >> 8);
  const std::uint8_t low = static_cast<std::uint8_t>(value);
  switch (index) {
    case 0:
      cpu.b = high;
      cpu.c = low;
      break;
    case 1:
      cpu.d = high;
      cpu.e = low;
      break;
    case 2:
      cpu.h = high;
      cpu.l = low;
      break;
    default:
      cpu.sp = value;
      break;
  }
}

// 8-bit operand by 3-bit index: B C D E H L (HL) A. (HL) costs an M-cycle.
DREAMER_HD_INLINE std::uint8_t cpu_get_r(Bus& bus, int index) {
  CpuState& cpu = bus.console.cpu;
  switch (index) {
    case 0:
      return cpu.b;
    case 1:
      return cpu.c;
    case 2:
      return cpu.d;
    case 3:
      return cpu.e;
    case 4:
      return cpu.h;
    case 5:
      return cpu.l;
    case 6:
      return cycle_read(bus, cpu_hl(cpu));
    default:
      return cpu.a;
  }
}

DREAMER_HD_INLINE void cpu_set_r(Bus& bus, int index, std::uint8_t value) {
  CpuState& cpu = bus.console.cpu;
  switch (index) {
    case 0:
      cpu.b = value;
      break;
    case 1:
      cpu.c = value;
      break;
    case 2:
      cpu.d = value;
      break;
    case 3:
      cpu.e = value;
      break;
    case 4:
      cpu.h = value;
      break;
    case 5:
      cpu.l = value;
      break;
    case 6:
      cycle_write(bus, cpu_hl(cpu), value);
      break;
    default:
      cpu.a = value;
      break;
  }
}

DREAMER_HD_INLINE void push16(Bus& bus, std::uint16_t value) {
  CpuState& cpu = bus.console.cpu;
  cpu.sp = static_cast<std::uint16_t>(cpu.sp - 1);
  cycle_write(bus, cpu.sp, static_cast<std::uint8_t>(value >> 8));
  cpu.sp = static_cast<std::uint16_t>(cpu.sp - 1);
  cycle_write(bus, cpu.sp, static_cast<std::uint8_t>(value));
}

// The first read steps SP in the same M-cycle; the second read's increment
// does not corrupt OAM (Pan Docs: POP triggers the bug 3 times, not 4).
DREAMER_HD_INLINE std::uint16_t pop16(Bus& bus) {
  CpuState& cpu = bus.console.cpu;
  const std::uint8_t low = cycle_read_idu(bus, cpu.sp);
  cpu.sp = static_cast<std::uint16_t>(cpu.sp + 1);
  const std::uint8_t high = cycle_read(bus, cpu.sp);
  cpu.sp = static_cast<std::uint16_t>(cpu.sp + 1);
  return static_cast<std::uint16_t>(low | (high << 8));
}

DREAMER_HD_INLINE bool cpu_condition(const CpuState& cpu, int index) {
  switch (index & 3) {
    case 0:
      return (cpu.f & kFlagZ) == 0;
    case 1:
      return (cpu.f & kFlagZ) != 0;
    case 2:
      return (cpu.f & kFlagC) == 0;
    default:
      return (cpu.f & kFlagC) != 0;
  }
}

// ALU operation by opcode bits 3-5: ADD ADC SUB SBC AND XOR OR CP.
DREAMER_HD_NOINLINE void cpu_alu(CpuState& cpu, int operation, std::uint8_t value) {
  const std::uint8_t a = cpu.a;
  switch (operation) {
    case 0:
    case 1: {
      const int carry = (operation == 1 && (cpu.f & kFlagC) != 0) ? 1 : 0;
      const int sum = a + value + carry;
      const std::uint8_t result = static_cast<std::uint8_t>(sum);
      cpu.f = static_cast<std::uint8_t>((result == 0 ? kFlagZ : 0) |
                                        (((a & 0xF) + (value & 0xF) + carry) > 0xF ? kFlagH : 0) |
                                        (sum > 0xFF ? kFlagC : 0));
      cpu.a = result;
      return;
    }
    case 2:
    case 3:
    case 7: {
      const int carry = (operation == 3 && (cpu.f & kFlagC) != 0) ? 1 : 0;
      const int difference = a - value - carry;
      const std::uint8_t result = static_cast<std::uint8_t>(difference);
      cpu.f = static_cast<std::uint8_t>((result == 0 ? kFlagZ : 0) | kFlagN |
                                        (((a & 0xF) - (value & 0xF) - carry) < 0 ? kFlagH : 0) |
                                        (difference < 0 ? kFlagC : 0));
      if (operation != 7) cpu.a = result;
      return;
    }
    case 4:
      cpu.a = a & value;
      cpu.f = static_cast<std::uint8_t>((cpu.a == 0 ? kFlagZ : 0) | kFlagH);
      return;
    case 5:
      cpu.a = a ^ value;
      cpu.f = cpu.a == 0 ? kFlagZ : 0;
      return;
    default:
      cpu.a = a | value;
      cpu.f = cpu.a == 0 ? kFlagZ : 0;
      return;
  }
}

// CB-prefixed rotate/shift by bits 3-5: RLC RRC RL RR SLA SRA SWAP SRL.
DREAMER_HD_NOINLINE std::uint8_t cpu_shift(CpuState& cpu, int operation, std::uint8_t value) {
  std::uint8_t result = 0;
  bool carry = false;
  const bool carry_in = (cpu.f & kFlagC) != 0;
  switch (operation) {
    case 0:
      carry = (value & 0x80) != 0;
      result = static_cast<std::uint8_t>((value << 1) | (value >> 7));
      break;
    case 1:
      carry = (value & 1) != 0;
      result = static_cast<std::uint8_t>((value >> 1) | (value << 7));
      break;
    case 2:
      carry = (value & 0x80) != 0;
      result = static_cast<std::uint8_t>((value << 1) | (carry_in ? 1 : 0));
      break;
    case 3:
      carry = (value & 1) != 0;
      result = static_cast<std::uint8_t>((value >> 1) | (carry_in ? 0x80 : 0));
      break;
    case 4:
      carry = (value & 0x80) != 0;
      result = static_cast<std::uint8_t>(value << 1);
      break;
    case 5:
      carry = (value & 1) != 0;
      result = static_cast<std::uint8_t>((value >> 1) | (value & 0x80));
      break;
    case 6:
      result = static_cast<std::uint8_t>((value << 4) | (value >> 4));
      break;
    default:
      carry = (value & 1) != 0;
      result = static_cast<std::uint8_t>(value >> 1);
      break;
  }
  cpu.f = static_cast<std::uint8_t>((result == 0 ? kFlagZ : 0) | (carry ? kFlagC : 0));
  return result;
}

DREAMER_HD_NOINLINE void cpu_execute_cb(Bus& bus) {
  CpuState& cpu = bus.console.cpu;
  const std::uint8_t op = fetch8(bus);
  const int index = op & 7;
  const int bit = (op >> 3) & 7;
  const std::uint8_t value = cpu_get_r(bus, index);
  switch (op >> 6) {
    case 0:
      cpu_set_r(bus, index, cpu_shift(cpu, bit, value));
      break;
    case 1:
      cpu.f = static_cast<std::uint8_t>((cpu.f & kFlagC) | kFlagH | (((value >> bit) & 1) == 0 ? kFlagZ : 0));
      break;
    case 2:
      cpu_set_r(bus, index, static_cast<std::uint8_t>(value & ~(1u << bit)));
      break;
    default:
      cpu_set_r(bus, index, static_cast<std::uint8_t>(value | (1u << bit)));
      break;
  }
}

DREAMER_HD_INLINE std::uint16_t cpu_sp_plus_offset(CpuState& cpu, std::uint8_t offset) {
  const int sp = cpu.sp;
  const int result = sp + static_cast<std::int8_t>(offset);
  cpu.f = static_cast<std::uint8_t>((((sp & 0xF) + (offset & 0xF)) > 0xF ? kFlagH : 0) |
                                    (((sp & 0xFF) + offset) > 0xFF ? kFlagC : 0));
  return static_cast<std::uint16_t>(result);
}

DREAMER_HD_NOINLINE void cpu_daa(CpuState& cpu) {
  int a = cpu.a;
  std::uint8_t flags = cpu.f & (kFlagN | kFlagC);
  if ((cpu.f & kFlagN) == 0) {
    if ((cpu.f & kFlagC) != 0 || a > 0x99) {
      a += 0x60;
      flags |= kFlagC;
    }
    if ((cpu.f & kFlagH) != 0 || (a & 0x0F) > 0x09) a += 0x06;
  } else {
    if ((cpu.f & kFlagC) != 0) a -= 0x60;
    if ((cpu.f & kFlagH) != 0) a -= 0x06;
  }
  cpu.a = static_cast<std::uint8_t>(a);
  cpu.f = static_cast<std::uint8_t>(flags | (cpu.a == 0 ? kFlagZ : 0));
}

DREAMER_HD_INLINE std::uint8_t pending_interrupts(const Console& console) {
  return console.interrupts.ie & console.interrupts.if_ & 0x1F;
}

DREAMER_HD_NOINLINE void cpu_dispatch_interrupt(Bus& bus) {
  Console& console = bus.console;
  CpuState& cpu = console.cpu;
  cpu.ime = 0;
  cycle_idle(bus);
  cycle_idu(bus, cpu.sp);
  cpu.sp = static_cast<std::uint16_t>(cpu.sp - 1);
  cycle_write(bus, cpu.sp, static_cast<std::uint8_t>(cpu.pc >> 8));
  const std::uint8_t pending = pending_interrupts(console);
  cpu.sp = static_cast<std::uint16_t>(cpu.sp - 1);
  cycle_write(bus, cpu.sp, static_cast<std::uint8_t>(cpu.pc));
  if (pending == 0) {
    cpu.pc = 0;
  } else {
    int bit = 0;
    while ((pending & (1 << bit)) == 0) ++bit;
    console.interrupts.if_ &= static_cast<std::uint8_t>(~(1u << bit));
    cpu.pc = static_cast<std::uint16_t>(0x40 + 8 * bit);
  }
  cycle_idle(bus);
}

// HALT with an interrupt already pending does not halt (Pan Docs "halt"):
//   IME = 0: the HALT bug, the next opcode fetch does not advance PC;
//   IME = 1: only possible right after EI (its delay ends as HALT is
//     fetched) or when IF rises during HALT's own fetch. The interrupt is
//     dispatched next, with HALT itself as the return address, so HALT runs
//     again after RETI (SameSuite interrupt/ei_delay_halt; SameBoy's halt()
//     in Core/sm83_cpu.c steps PC back the same way).
DREAMER_HD_INLINE void cpu_halt(Bus& bus) {
  Console& console = bus.console;
  if (pending_interrupts(console) == 0) {
    console.cpu.halted = 1;
  } else if (console.cpu.ime) {
    console.cpu.pc = static_cast<std::uint16_t>(console.cpu.pc - 1);
  } else {
    console.cpu.halt_bug = 1;
  }
}

// Executes one instruction whose opcode has been fetched.
DREAMER_HD_NOINLINE void cpu_execute(Bus& bus, std::uint8_t op) {
  Console& console = bus.console;
  CpuState& cpu = console.cpu;
  switch (op) {
    case 0x00:
      break;
    case 0x01:
    case 0x11:
    case 0x21:
    case 0x31:
      cpu_set_pair(cpu, op >> 4, fetch16(bus));
      break;
    case 0x02:
      cycle_write(bus, cpu_pair(cpu, 0), cpu.a);
      break;
    case 0x12:
      cycle_write(bus, cpu_pair(cpu, 1), cpu.a);
      break;
    case 0x22: {
      const std::uint16_t hl = cpu_hl(cpu);
      cycle_write(bus, hl, cpu.a);
      cpu_set_hl(cpu, static_cast<std::uint16_t>(hl + 1));
      break;
    }
    case 0x32: {
      const std::uint16_t hl = cpu_hl(cpu);
      cycle_write(bus, hl, cpu.a);
      cpu_set_hl(cpu, static_cast<std::uint16_t>(hl - 1));
      break;
    }
    case 0x0A:
      cpu.a = cycle_read(bus, cpu_pair(cpu, 0));
      break;
    case 0x1A:
      cpu.a = cycle_read(bus, cpu_pair(cpu, 1));
      break;
    case 0x2A: {
      const std::uint16_t hl = cpu_hl(cpu);
      cpu.a = cycle_read_idu(bus, hl);
      cpu_set_hl(cpu, static_cast<std::uint16_t>(hl + 1));
      break;
    }
    case 0x3A: {
      const std::uint16_t hl = cpu_hl(cpu);
      cpu.a = cycle_read_idu(bus, hl);
      cpu_set_hl(cpu, static_cast<std::uint16_t>(hl - 1));
      break;
    }
    case 0x03:
    case 0x13:
    case 0x23:
    case 0x33: {
      const std::uint16_t value = cpu_pair(cpu, op >> 4);
      cpu_set_pair(cpu, op >> 4, static_cast<std::uint16_t>(value + 1));
      cycle_idu(bus, value);
      break;
    }
    case 0x0B:
    case 0x1B:
    case 0x2B:
    case 0x3B: {
      const std::uint16_t value = cpu_pair(cpu, op >> 4);
      cpu_set_pair(cpu, op >> 4, static_cast<std::uint16_t>(value - 1));
      cycle_idu(bus, value);
      break;
    }
    case 0x04:
    case 0x0C:
    case 0x14:
    case 0x1C:
    case 0x24:
    case 0x2C:
    case 0x34:
    case 0x3C: {
      const int index = (op >> 3) & 7;
      const std::uint8_t result = static_cast<std::uint8_t>(cpu_get_r(bus, index) + 1);
      cpu.f =
          static_cast<std::uint8_t>((cpu.f & kFlagC) | (result == 0 ? kFlagZ : 0) | ((result & 0xF) == 0 ? kFlagH : 0));
      cpu_set_r(bus, index, result);
      break;
    }
    case 0x05:
    case 0x0D:
    case 0x15:
    case 0x1D:
    case 0x25:
    case 0x2D:
    case 0x35:
    case 0x3D: {
      const int index = (op >> 3) & 7;
      const std::uint8_t result = static_cast<std::uint8_t>(cpu_get_r(bus, index) - 1);
      cpu.f = static_cast<std::uint8_t>((cpu.f & kFlagC) | kFlagN | (result == 0 ? kFlagZ : 0) |
                                        ((result & 0xF) == 0xF ? kFlagH : 0));
      cpu_set_r(bus, index, result);
      break;
    }
    case 0x06:
    case 0x0E:
    case 0x16:
    case 0x1E:
    case 0x26:
    case 0x2E:
    case 0x36:
    case 0x3E:
      cpu_set_r(bus, (op >> 3) & 7, fetch8(bus));
      break;
    case 0x07:
      cpu.a = cpu_shift(cpu, 0, cpu.a);
      cpu.f &= kFlagC;
      break;
    case 0x0F:
      cpu.a = cpu_shift(cpu, 1, cpu.a);
      cpu.f &= kFlagC;
      break;
    case 0x17:
      cpu.a = cpu_shift(cpu, 2, cpu.a);
      cpu.f &= kFlagC;
      break;
    case 0x1F:
      cpu.a = cpu_shift(cpu, 3, cpu.a);
      cpu.f &= kFlagC;
      break;
    case 0x08: {
      const std::uint16_t address = fetch16(bus);
      cycle_write(bus, address, static_cast<std::uint8_t>(cpu.sp));
      cycle_write(bus, static_cast<std::uint16_t>(address + 1), static_cast<std::uint8_t>(cpu.sp >> 8));
      break;
    }
    case 0x09:
    case 0x19:
    case 0x29:
    case 0x39: {
      const std::uint32_t hl = cpu_hl(cpu);
      const std::uint32_t value = cpu_pair(cpu, op >> 4);
      const std::uint32_t sum = hl + value;
      cpu.f = static_cast<std::uint8_t>((cpu.f & kFlagZ) | (((hl & 0xFFF) + (value & 0xFFF)) > 0xFFF ? kFlagH : 0) |
                                        (sum > 0xFFFF ? kFlagC : 0));
      cpu_set_hl(cpu, static_cast<std::uint16_t>(sum));
      cycle_idle(bus);
      break;
    }
    case 0x10:
      fetch8(bus);
      timer_write_div(console);
      if (console.joypad.pressed == 0) cpu.stopped = 1;
      break;
    case 0x18: {
      const std::int8_t offset = static_cast<std::int8_t>(fetch8(bus));
      cpu.pc = static_cast<std::uint16_t>(cpu.pc + offset);
      cycle_idle(bus);
      break;
    }
    case 0x20:
    case 0x28:
    case 0x30:
    case 0x38: {
      const std::int8_t offset = static_cast<std::int8_t>(fetch8(bus));
      if (cpu_condition(cpu, (op >> 3) & 3)) {
        cpu.pc = static_cast<std::uint16_t>(cpu.pc + offset);
        cycle_idle(bus);
      }
      break;
    }
    case 0x27:
      cpu_daa(cpu);
      break;
    case 0x2F:
      cpu.a = static_cast<std::uint8_t>(~cpu.a);
      cpu.f |= kFlagN | kFlagH;
      break;
    case 0x37:
      cpu.f = static_cast<std::uint8_t>((cpu.f & kFlagZ) | kFlagC);
      break;
    case 0x3F:
      cpu.f = static_cast<std::uint8_t>((cpu.f & kFlagZ) | ((cpu.f & kFlagC) ^ kFlagC));
      break;
    case 0x76:
      cpu_halt(bus);
      break;
    case 0xC0:
    case 0xC8:
    case 0xD0:
    case 0xD8:
      cycle_idle(bus);
      if (cpu_condition(cpu, (op >> 3) & 3)) {
        cpu.pc = pop16(bus);
        cycle_idle(bus);
      }
      break;
    case 0xC1:
    case 0xD1:
    case 0xE1:
      cpu_set_pair(cpu, (op >> 4) & 3, pop16(bus));
      break;
    case 0xF1: {
      const std::uint16_t value = pop16(bus);
      cpu.a = static_cast<std::uint8_t>(value >> 8);
      cpu.f = static_cast<std::uint8_t>(value & 0xF0);
      break;
    }
    case 0xC5:
    case 0xD5:
    case 0xE5:
      cycle_idu(bus, cpu.sp);
      push16(bus, cpu_pair(cpu, (op >> 4) & 3));
      break;
    case 0xF5:
      cycle_idu(bus, cpu.sp);
      push16(bus, static_cast<std::uint16_t>((cpu.a << 8) | cpu.f));
      break;
    case 0xC2:
    case 0xCA:
    case 0xD2:
    case 0xDA: {
      const std::uint16_t target = fetch16(bus);
      if (cpu_condition(cpu, (op >> 3) & 3)) {
        cpu.pc = target;
        cycle_idle(bus);
      }
      break;
    }
    case 0xC3:
      cpu.pc = fetch16(bus);
      cycle_idle(bus);
      break;
    case 0xC4:
    case 0xCC:
    case 0xD4:
    case 0xDC: {
      const std::uint16_t target = fetch16(bus);
      if (cpu_condition(cpu, (op >> 3) & 3)) {
        cycle_idu(bus, cpu.sp);
        push16(bus, cpu.pc);
        cpu.pc = target;
      }
      break;
    }
    case 0xCD: {
      const std::uint16_t target = fetch16(bus);
      cycle_idu(bus, cpu.sp);
      push16(bus, cpu.pc);
      cpu.pc = target;
      break;
    }
    case 0xC6:
    case 0xCE:
    case 0xD6:
    case 0xDE:
    case 0xE6:
    case 0xEE:
    case 0xF6:
    case 0xFE:
      cpu_alu(cpu, (op >> 3) & 7, fetch8(bus));
      break;
    case 0xC7:
    case 0xCF:
    case 0xD7:
    case 0xDF:
    case 0xE7:
    case 0xEF:
    case 0xF7:
    case 0xFF:
      cycle_idu(bus, cpu.sp);
      push16(bus, cpu.pc);
      cpu.pc = static_cast<std::uint16_t>(op & 0x38);
      break;
    case 0xC9:
      cpu.pc = pop16(bus);
      cycle_idle(bus);
      break;
    case 0xD9:
      cpu.pc = pop16(bus);
      cycle_idle(bus);
      cpu.ime = 1;
      break;
    case 0xCB:
      cpu_execute_cb(bus);
      break;
    case 0xE0: {
      const std::uint8_t offset = fetch8(bus);
      cycle_write(bus, static_cast<std::uint16_t>(0xFF00 | offset), cpu.a);
      break;
    }
    case 0xF0: {
      const std::uint8_t offset = fetch8(bus);
      cpu.a = cycle_read(bus, static_cast<std::uint16_t>(0xFF00 | offset));
      break;
    }
    case 0xE2:
      cycle_write(bus, static_cast<std::uint16_t>(0xFF00 | cpu.c), cpu.a);
      break;
    case 0xF2:
      cpu.a = cycle_read(bus, static_cast<std::uint16_t>(0xFF00 | cpu.c));
      break;
    case 0xE8: {
      const std::uint8_t offset = fetch8(bus);
      cpu.sp = cpu_sp_plus_offset(cpu, offset);
      cycle_idle(bus);
      cycle_idle(bus);
      break;
    }
    case 0xF8: {
      const std::uint8_t offset = fetch8(bus);
      cpu_set_hl(cpu, cpu_sp_plus_offset(cpu, offset));
      cycle_idle(bus);
      break;
    }
    case 0xE9:
      cpu.pc = cpu_hl(cpu);
      break;
    case 0xEA:
      cycle_write(bus, fetch16(bus), cpu.a);
      break;
    case 0xFA:
      cpu.a = cycle_read(bus, fetch16(bus));
      break;
    case 0xF3:
      cpu.ime = 0;
      cpu.ei_delay = 0;
      break;
    case 0xFB:
      cpu.ei_delay = 1;
      break;
    case 0xF9:
      cpu.sp = cpu_hl(cpu);
      cycle_idu(bus, cpu.sp);
      break;
    case 0xD3:
    case 0xDB:
    case 0xDD:
    case 0xE3:
    case 0xE4:
    case 0xEB:
    case 0xEC:
    case 0xED:
    case 0xF4:
    case 0xFC:
    case 0xFD:
      // Illegal opcode: the CPU locks up until power-off.
      cpu.halted = 2;
      cpu.pc = static_cast<std::uint16_t>(cpu.pc - 1);
      break;
    default:
      if (op < 0x80) {
        if (op == 0x40) ++console.counters.breakpoints;
        cpu_set_r(bus, (op >> 3) & 7, cpu_get_r(bus, op & 7));
      } else {
        cpu_alu(cpu, (op >> 3) & 7, cpu_get_r(bus, op & 7));
      }
      break;
  }
}

// Runs one instruction, one interrupt dispatch, or one M-cycle of HALT/STOP.
DREAMER_HD_NOINLINE void cpu_step(Bus& bus) {
  Console& console = bus.console;
  CpuState& cpu = console.cpu;
  if (cpu.halted | cpu.stopped) {
    cycle_idle(bus);
    if (cpu.halted == 1 && pending_interrupts(console) != 0) cpu.halted = 0;
    return;
  }
  if (cpu.ime && pending_interrupts(console) != 0) {
    cpu_dispatch_interrupt(bus);
    return;
  }
  if (cpu.ei_delay) {
    cpu.ime = 1;
    cpu.ei_delay = 0;
  }
  const std::uint8_t op = cycle_read(bus, cpu.pc);
  if (cpu.halt_bug) {
    cpu.halt_bug = 0;
  } else {
    cpu.pc = static_cast<std::uint16_t>(cpu.pc + 1);
  }
  ++console.counters.instructions;
  cpu_execute(bus, op);
}

}  // namespace dreamer::gb
