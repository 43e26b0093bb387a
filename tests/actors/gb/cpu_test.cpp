// Instruction timing in M-cycles (values from the SM83 opcode tables, not
// from this emulator), interrupt dispatch, EI delay, the HALT bug and EI
// followed by HALT.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "actors/gb/emulator.hpp"
#include "states/gbasm/assembler.hpp"
#include "tests/actors/gb/test_rom.hpp"

namespace dreamer::gb {
namespace {

struct Case {
  std::vector<std::uint8_t> program;
  std::uint64_t m_cycles;
};

// M-cycles the first instruction of program takes (HL points at WRAM 0xC000,
// SP at HRAM; flags after power-on: Z=1, C=1).
std::uint64_t first_instruction_cycles(const std::vector<std::uint8_t>& program) {
  const Rom rom = test::make_rom(program);
  auto console = std::make_unique<Console>();
  power_on(*console, rom.view());
  console->cpu.h = 0xC0;
  console->cpu.l = 0x00;
  console->cpu.sp = 0xFFF0;
  Bus bus{*console, rom.view(), nullptr};
  const std::uint64_t before = console->counters.cycles;
  cpu_step(bus);
  return console->counters.cycles - before;
}

// A powered-on console running `rom` with the timer interrupt enabled in IE
// and pending in IF; IME stays as power_on leaves it.
std::unique_ptr<Console> console_with_timer_pending(const Rom& rom) {
  auto console = std::make_unique<Console>();
  power_on(*console, rom.view());
  console->interrupts.ie = kIntTimer;
  console->interrupts.if_ = kIntTimer;
  return console;
}

TEST(CpuTiming, InstructionsTakeTheirDocumentedMachineCycles) {
  const std::vector<Case> cases = {
      {{0x00}, 1},              // NOP
      {{0x01, 0x34, 0x12}, 3},  // LD BC,d16
      {{0x36, 0x55}, 3},        // LD (HL),d8
      {{0x34}, 3},              // INC (HL)
      {{0x03}, 2},              // INC BC
      {{0x08, 0x00, 0xC0}, 5},  // LD (a16),SP
      {{0x18, 0x00}, 3},        // JR e
      {{0x20, 0x00}, 2},        // JR NZ,e (Z set: not taken)
      {{0x28, 0x00}, 3},        // JR Z,e (taken)
      {{0xC3, 0x00, 0x02}, 4},  // JP a16
      {{0xC2, 0x00, 0x02}, 3},  // JP NZ (not taken)
      {{0xCD, 0x00, 0x02}, 6},  // CALL a16
      {{0xC4, 0x00, 0x02}, 3},  // CALL NZ (not taken)
      {{0xCC, 0x00, 0x02}, 6},  // CALL Z (taken)
      {{0xC9}, 4},              // RET
      {{0xC0}, 2},              // RET NZ (not taken)
      {{0xC8}, 5},              // RET Z (taken)
      {{0xC5}, 4},              // PUSH BC
      {{0xC1}, 3},              // POP BC
      {{0xFF}, 4},              // RST 38
      {{0xE8, 0x01}, 4},        // ADD SP,e
      {{0xF8, 0x01}, 3},        // LD HL,SP+e
      {{0xF9}, 2},              // LD SP,HL
      {{0xE0, 0x80}, 3},        // LDH (a8),A
      {{0xEA, 0x00, 0xC0}, 4},  // LD (a16),A
      {{0xCB, 0x11}, 2},        // RL C
      {{0xCB, 0x46}, 3},        // BIT 0,(HL)
      {{0xCB, 0xC6}, 4},        // SET 0,(HL)
      {{0xE9}, 1},              // JP HL
  };
  for (const Case& c : cases) {
    EXPECT_EQ(first_instruction_cycles(c.program), c.m_cycles)
        << "opcode 0x" << std::hex << int(c.program[0]) << (c.program[0] == 0xCB ? int(c.program[1]) : 0);
  }
}

TEST(CpuInterrupts, DispatchTakesFiveCyclesAndJumpsToTheVector) {
  const Rom rom = test::make_rom({0x00});
  auto console = console_with_timer_pending(rom);
  console->cpu.ime = 1;
  Bus bus{*console, rom.view(), nullptr};
  const std::uint64_t before = console->counters.cycles;
  cpu_step(bus);
  EXPECT_EQ(console->counters.cycles - before, 5u);
  EXPECT_EQ(console->cpu.pc, 0x50);
  EXPECT_EQ(console->interrupts.if_ & kIntTimer, 0);
  EXPECT_EQ(console->cpu.ime, 0);
}

TEST(CpuInterrupts, EiEnablesInterruptsOnlyAfterTheNextInstruction) {
  const Rom rom = test::make_rom({0xFB, 0x00, 0x00});  // EI; NOP; NOP
  auto console = console_with_timer_pending(rom);
  Bus bus{*console, rom.view(), nullptr};
  cpu_step(bus);  // EI
  cpu_step(bus);  // NOP still runs
  EXPECT_EQ(console->cpu.pc, 0x102);
  cpu_step(bus);  // now the interrupt is taken
  EXPECT_EQ(console->cpu.pc, 0x50);
}

TEST(CpuHalt, HaltWithImeClearAndPendingInterruptRepeatsTheNextByte) {
  // HALT; INC A; (INC A read twice because of the HALT bug)
  const Rom rom = test::make_rom({0x76, 0x3C, 0x00});
  auto console = console_with_timer_pending(rom);
  console->cpu.a = 0;
  Bus bus{*console, rom.view(), nullptr};
  cpu_step(bus);
  EXPECT_EQ(console->cpu.halted, 0);
  cpu_step(bus);
  cpu_step(bus);
  EXPECT_EQ(console->cpu.a, 2);
  EXPECT_EQ(console->cpu.pc, 0x102);
}

// Pan Docs "halt" (HALT bug section, after SameSuite interrupt/ei_delay_halt
// on hardware): when EI immediately precedes HALT and an interrupt is already
// pending, the interrupt is serviced, but it returns to the HALT, which runs
// again and waits for the next interrupt. Before this was emulated the
// return address was HALT + 1.
TEST(CpuHalt, EiThenHaltWithAnInterruptPendingReturnsToTheHaltItself) {
  // 0x0100: EI; HALT; INC B        0x0050 (timer vector): RETI
  std::vector<std::uint8_t> bytes = test::make_rom_bytes({0xFB, 0x76, 0x04});
  bytes[0x50] = 0xD9;
  const Rom rom(std::move(bytes), "EI HALT test ROM");
  auto console = console_with_timer_pending(rom);
  console->cpu.b = 0;
  console->cpu.sp = 0xFFF0;
  Bus bus{*console, rom.view(), nullptr};
  cpu_step(bus);  // EI
  cpu_step(bus);  // HALT: does not halt, the interrupt is pending
  EXPECT_EQ(console->cpu.halted, 0);
  cpu_step(bus);  // interrupt dispatch
  EXPECT_EQ(console->cpu.pc, 0x50);
  EXPECT_EQ(console->hram[0xFFEE - 0xFF80], 0x01) << "return address low byte: the HALT at 0x0101";
  EXPECT_EQ(console->hram[0xFFEF - 0xFF80], 0x01) << "return address high byte";
  cpu_step(bus);  // RETI
  EXPECT_EQ(console->cpu.pc, 0x101);
  cpu_step(bus);  // HALT again, nothing pending now: the CPU halts
  EXPECT_EQ(console->cpu.halted, 1);
  EXPECT_EQ(console->cpu.pc, 0x102);
  EXPECT_EQ(console->cpu.b, 0) << "INC B must wait for the next interrupt";
}

// The same rule end to end, with the real timer: the expected registers are
// those of SameSuite interrupt/ei_delay_halt on hardware (the buffered
// interrupt is handled once, HALT then waits for the timer, and the
// instruction after HALT runs once, after the timer handler). With the
// return address at HALT + 1, INC A would run before the timer handler
// (E = $FF); with a plain HALT bug it would run twice (A = $0A).
TEST(CpuHalt, EiThenHaltMicroRomWaitsInTheHaltAgainAfterTheBufferedInterrupt) {
  const Rom rom(gbasm::assemble(R"(
    org $0050               ; timer
    dec c
    reti
    org $0058               ; serial: never requested by the hardware here
    inc b
    reti
    org $0100
    nop
    jp start
    logo
    org $0150
  start:
    di
    ld sp, $FFFE
    xor a
    ldh ($FF06), a          ; TMA
    ldh ($FF05), a          ; TIMA: overflows 1024 M-cycles after TAC
    ld a, $05
    ldh ($FF07), a          ; TAC: on, one count per 4 M-cycles
    ld b, $FF
    ld c, $FF
    ld e, $FF
    ld a, $0C
    ldh ($FFFF), a          ; IE = timer | serial
    ld a, $08
    ldh ($FF0F), a          ; IF = serial: buffered
    ei
    halt
    inc a
    ld e, c                 ; C as the code after HALT first sees it
    di                      ; the next overflow is 1024 M-cycles away
  .done:
    jr .done
  )",
                                "ei_halt.asm"),
                "EI HALT micro-ROM");
  auto console = std::make_unique<Console>();
  power_on(*console, rom.view());
  run_frame(*console, rom.view(), FrameSink{});
  EXPECT_EQ(console->cpu.b, 0x00) << "the buffered serial interrupt is serviced once";
  EXPECT_EQ(console->cpu.c, 0xFE) << "the timer interrupt is serviced once";
  EXPECT_EQ(console->cpu.e, 0xFE) << "the HALT waited for the timer before INC A ran";
  EXPECT_EQ(console->cpu.a, 0x09) << "INC A ran once (no HALT bug)";
}

TEST(CpuHalt, HaltedCpuWakesOnTheVBlankInterruptWithinOneFrame) {
  // DI; LD A,1; LDH (FF),A (IE = VBlank); XOR A; LDH (0F),A; HALT; INC B; JR -2
  const Rom rom = test::make_rom({0xF3, 0x3E, 0x01, 0xE0, 0xFF, 0xAF, 0xE0, 0x0F, 0x76, 0x04, 0x18, 0xFE});
  auto console = std::make_unique<Console>();
  power_on(*console, rom.view());
  console->cpu.b = 0;
  run_frame(*console, rom.view(), FrameSink{});
  run_frame(*console, rom.view(), FrameSink{});
  EXPECT_EQ(console->cpu.b, 1);
  EXPECT_GT(console->counters.halt_skipped, 0u);
}

}  // namespace
}  // namespace dreamer::gb
