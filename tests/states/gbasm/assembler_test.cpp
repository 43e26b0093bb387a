// Encodings are checked against the SM83 opcode table of the gbdev Pan Docs
// (https://gbdev.io/gb-opcodes/optables/), typed in here as expected bytes.
#include "states/gbasm/assembler.hpp"
#include "states/gbasm/cartridge_header.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace dreamer::gbasm {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes fragment(const std::string& source, std::uint16_t origin = 0x0150) { return assemble_fragment(source, origin); }

// The error message of assembling `source` as a whole ROM ("" when none).
std::string rom_error(const std::string& source) {
  try {
    assemble(source, "test.asm");
  } catch (const AssemblyError& error) {
    return error.what();
  }
  return "";
}

std::string fragment_error(const std::string& source) {
  try {
    assemble_fragment(source);
  } catch (const AssemblyError& error) {
    return error.what();
  }
  return "";
}

TEST(GbasmEncoding, ImpliedOpsMatchTheOpcodeTable) {
  EXPECT_EQ(fragment("nop"), (Bytes{0x00}));
  EXPECT_EQ(fragment("halt"), (Bytes{0x76}));
  EXPECT_EQ(fragment("stop"), (Bytes{0x10, 0x00}));
  EXPECT_EQ(fragment("di\nei"), (Bytes{0xF3, 0xFB}));
  EXPECT_EQ(fragment("rlca\nrrca\nrla\nrra"), (Bytes{0x07, 0x0F, 0x17, 0x1F}));
  EXPECT_EQ(fragment("daa\ncpl\nscf\nccf"), (Bytes{0x27, 0x2F, 0x37, 0x3F}));
  EXPECT_EQ(fragment("ret\nreti"), (Bytes{0xC9, 0xD9}));
  EXPECT_EQ(fragment("ret nz\nret z\nret nc\nret c"), (Bytes{0xC0, 0xC8, 0xD0, 0xD8}));
}

TEST(GbasmEncoding, EightBitLoadsMatchTheOpcodeTable) {
  EXPECT_EQ(fragment("ld b, b"), (Bytes{0x40}));
  EXPECT_EQ(fragment("ld b, c"), (Bytes{0x41}));
  EXPECT_EQ(fragment("ld c, a"), (Bytes{0x4F}));
  EXPECT_EQ(fragment("ld d, e"), (Bytes{0x53}));
  EXPECT_EQ(fragment("ld h, l"), (Bytes{0x65}));
  EXPECT_EQ(fragment("ld l, (hl)"), (Bytes{0x6E}));
  EXPECT_EQ(fragment("ld (hl), b"), (Bytes{0x70}));
  EXPECT_EQ(fragment("ld [hl], a"), (Bytes{0x77}));
  EXPECT_EQ(fragment("ld a, b"), (Bytes{0x78}));
  EXPECT_EQ(fragment("ld a, a"), (Bytes{0x7F}));
  EXPECT_EQ(fragment("ld b, $12"), (Bytes{0x06, 0x12}));
  EXPECT_EQ(fragment("ld c, 0x34"), (Bytes{0x0E, 0x34}));
  EXPECT_EQ(fragment("ld (hl), %10100101"), (Bytes{0x36, 0xA5}));
  EXPECT_EQ(fragment("ld a, -1"), (Bytes{0x3E, 0xFF}));
  EXPECT_EQ(fragment("ld a, (bc)\nld a, (de)"), (Bytes{0x0A, 0x1A}));
  EXPECT_EQ(fragment("ld (bc), a\nld (de), a"), (Bytes{0x02, 0x12}));
  EXPECT_EQ(fragment("ld (hl+), a\nld (hli), a\nldi (hl), a"), (Bytes{0x22, 0x22, 0x22}));
  EXPECT_EQ(fragment("ld a, (hl+)\nldi a, (hl)"), (Bytes{0x2A, 0x2A}));
  EXPECT_EQ(fragment("ld (hl-), a\nld (hld), a\nldd (hl), a"), (Bytes{0x32, 0x32, 0x32}));
  EXPECT_EQ(fragment("ld a, (hl-)\nldd a, (hl)"), (Bytes{0x3A, 0x3A}));
  EXPECT_EQ(fragment("ld ($C000), a"), (Bytes{0xEA, 0x00, 0xC0}));
  EXPECT_EQ(fragment("ld a, [$FF44]"), (Bytes{0xFA, 0x44, 0xFF}));
  EXPECT_EQ(fragment("ldh ($40), a\nldh ($FF41), a"), (Bytes{0xE0, 0x40, 0xE0, 0x41}));
  EXPECT_EQ(fragment("ldh a, ($FF00)"), (Bytes{0xF0, 0x00}));
  EXPECT_EQ(fragment("ld (c), a\nld ($ff00+c), a\nldh (c), a"), (Bytes{0xE2, 0xE2, 0xE2}));
  EXPECT_EQ(fragment("ld a, (c)"), (Bytes{0xF2}));
}

TEST(GbasmEncoding, SixteenBitLoadsMatchTheOpcodeTable) {
  EXPECT_EQ(fragment("ld bc, $1234"), (Bytes{0x01, 0x34, 0x12}));
  EXPECT_EQ(fragment("ld de, $1234"), (Bytes{0x11, 0x34, 0x12}));
  EXPECT_EQ(fragment("ld hl, $1234"), (Bytes{0x21, 0x34, 0x12}));
  EXPECT_EQ(fragment("ld sp, $FFFE"), (Bytes{0x31, 0xFE, 0xFF}));
  EXPECT_EQ(fragment("ld ($C100), sp"), (Bytes{0x08, 0x00, 0xC1}));
  EXPECT_EQ(fragment("ld sp, hl"), (Bytes{0xF9}));
  EXPECT_EQ(fragment("ld hl, sp+5\nld hl, sp-2\nldhl sp, 3"), (Bytes{0xF8, 0x05, 0xF8, 0xFE, 0xF8, 0x03}));
  EXPECT_EQ(fragment("push bc\npush de\npush hl\npush af"), (Bytes{0xC5, 0xD5, 0xE5, 0xF5}));
  EXPECT_EQ(fragment("pop bc\npop de\npop hl\npop af"), (Bytes{0xC1, 0xD1, 0xE1, 0xF1}));
}

TEST(GbasmEncoding, ArithmeticAndLogicMatchTheOpcodeTable) {
  EXPECT_EQ(fragment("add a, b\nadd b"), (Bytes{0x80, 0x80}));
  EXPECT_EQ(fragment("adc a, c\nsub d\nsbc a, e"), (Bytes{0x89, 0x92, 0x9B}));
  EXPECT_EQ(fragment("and h\nxor l\nor (hl)\ncp a"), (Bytes{0xA4, 0xAD, 0xB6, 0xBF}));
  EXPECT_EQ(fragment("add a, 1\nadc 2\nsub 3\nsbc a, 4"), (Bytes{0xC6, 1, 0xCE, 2, 0xD6, 3, 0xDE, 4}));
  EXPECT_EQ(fragment("and 5\nxor 6\nor 7\ncp 8"), (Bytes{0xE6, 5, 0xEE, 6, 0xF6, 7, 0xFE, 8}));
  EXPECT_EQ(fragment("inc b\ninc c\ninc (hl)\ninc a"), (Bytes{0x04, 0x0C, 0x34, 0x3C}));
  EXPECT_EQ(fragment("dec b\ndec d\ndec (hl)\ndec a"), (Bytes{0x05, 0x15, 0x35, 0x3D}));
  EXPECT_EQ(fragment("inc bc\ninc de\ninc hl\ninc sp"), (Bytes{0x03, 0x13, 0x23, 0x33}));
  EXPECT_EQ(fragment("dec bc\ndec de\ndec hl\ndec sp"), (Bytes{0x0B, 0x1B, 0x2B, 0x3B}));
  EXPECT_EQ(fragment("add hl, bc\nadd hl, de\nadd hl, hl\nadd hl, sp"), (Bytes{0x09, 0x19, 0x29, 0x39}));
  EXPECT_EQ(fragment("add sp, -4"), (Bytes{0xE8, 0xFC}));
}

TEST(GbasmEncoding, JumpsCallsAndRestartsMatchTheOpcodeTable) {
  EXPECT_EQ(fragment("jp $1234"), (Bytes{0xC3, 0x34, 0x12}));
  EXPECT_EQ(fragment("jp nz, $1234\njp z, $1234"), (Bytes{0xC2, 0x34, 0x12, 0xCA, 0x34, 0x12}));
  EXPECT_EQ(fragment("jp nc, $1234\njp c, $1234"), (Bytes{0xD2, 0x34, 0x12, 0xDA, 0x34, 0x12}));
  EXPECT_EQ(fragment("jp hl\njp (hl)"), (Bytes{0xE9, 0xE9}));
  EXPECT_EQ(fragment("call $4000"), (Bytes{0xCD, 0x00, 0x40}));
  EXPECT_EQ(fragment("call nz, $4000\ncall z, $4000"), (Bytes{0xC4, 0x00, 0x40, 0xCC, 0x00, 0x40}));
  EXPECT_EQ(fragment("call nc, $4000\ncall c, $4000"), (Bytes{0xD4, 0x00, 0x40, 0xDC, 0x00, 0x40}));
  EXPECT_EQ(fragment("rst $00\nrst $08\nrst $10\nrst $18"), (Bytes{0xC7, 0xCF, 0xD7, 0xDF}));
  EXPECT_EQ(fragment("rst $20\nrst $28\nrst $30\nrst $38"), (Bytes{0xE7, 0xEF, 0xF7, 0xFF}));
  // jr offsets count from the byte after the two-byte instruction.
  EXPECT_EQ(fragment("here: jr here"), (Bytes{0x18, 0xFE}));
  EXPECT_EQ(fragment("jr nz, next\nnop\nnext: nop"), (Bytes{0x20, 0x01, 0x00, 0x00}));
  EXPECT_EQ(fragment("jr z, $\njr nc, $\njr c, $"), (Bytes{0x28, 0xFE, 0x30, 0xFE, 0x38, 0xFE}));
}

TEST(GbasmEncoding, CbPrefixedOpsMatchTheOpcodeTable) {
  EXPECT_EQ(fragment("rlc b\nrrc c\nrl d\nrr e"), (Bytes{0xCB, 0x00, 0xCB, 0x09, 0xCB, 0x12, 0xCB, 0x1B}));
  EXPECT_EQ(fragment("sla h\nsra l\nswap (hl)\nsrl a"), (Bytes{0xCB, 0x24, 0xCB, 0x2D, 0xCB, 0x36, 0xCB, 0x3F}));
  EXPECT_EQ(fragment("bit 0, b\nbit 7, a\nbit 3, (hl)"), (Bytes{0xCB, 0x40, 0xCB, 0x7F, 0xCB, 0x5E}));
  EXPECT_EQ(fragment("res 0, b\nres 7, a\nres 2, (hl)"), (Bytes{0xCB, 0x80, 0xCB, 0xBF, 0xCB, 0x96}));
  EXPECT_EQ(fragment("set 0, b\nset 7, a\nset 5, (hl)"), (Bytes{0xCB, 0xC0, 0xCB, 0xFF, 0xCB, 0xEE}));
}

TEST(GbasmEncoding, FirstOpcodeRowEncodesInTableOrderWithTableLengths) {
  // Row $0x of the table, one spelling per opcode, with each instruction's
  // length from the table.
  const std::string source = R"(
    nop
    ld bc, 1
    ld (bc), a
    inc bc
    inc b
    dec b
    ld b, 1
    rlca
    ld (1), sp
    add hl, bc
    ld a, (bc)
    dec bc
    inc c
    dec c
    ld c, 1
    rrca
  )";
  const Bytes bytes = fragment(source);
  const Bytes expected_first = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F};
  Bytes firsts;
  const std::vector<int> lengths = {1, 3, 1, 1, 1, 1, 2, 1, 3, 1, 1, 1, 1, 1, 2, 1};
  std::size_t offset = 0;
  for (int length : lengths) {
    ASSERT_LT(offset, bytes.size());
    firsts.push_back(bytes[offset]);
    offset += static_cast<std::size_t>(length);
  }
  EXPECT_EQ(offset, bytes.size());
  EXPECT_EQ(firsts, expected_first);
}

TEST(GbasmDirectives, DataDirectivesEmitBytesWordsAndFill) {
  EXPECT_EQ(fragment("db 1, $FF, \"AB\", 'c'"), (Bytes{1, 0xFF, 'A', 'B', 'c'}));
  EXPECT_EQ(fragment("dw $1234, 5"), (Bytes{0x34, 0x12, 5, 0}));
  EXPECT_EQ(fragment("ds 3\nds 2, $AA"), (Bytes{0, 0, 0, 0xAA, 0xAA}));
}

TEST(GbasmDirectives, ConstantsAndExpressionsEvaluate) {
  const std::string source = R"(
    BASE equ $C0 << 8
    LATER equ target + 1
    ld hl, BASE + 2 * 3
    db high(BASE | $12), low($ABCD), (7 - 2) * 3, ~0 & $0F
    dw LATER
  target:
    nop
  )";
  // target = $0150 + 3 + 4 + 2 = $0159
  EXPECT_EQ(fragment(source), (Bytes{0x21, 0x06, 0xC0, 0xC0, 0xCD, 15, 0x0F, 0x5A, 0x01, 0x00}));
}

TEST(GbasmLabels, ForwardBackwardAndLocalLabelsResolve) {
  const std::string source = R"(
  first:
    jp second
  .loop:
    jr .loop
  second:
    call first
  .loop:
    jr .loop
    dw first.loop, second.loop
  )";
  // first=$0150, first.loop=$0153, second=$0155, second.loop=$0158
  EXPECT_EQ(fragment(source),
            (Bytes{0xC3, 0x55, 0x01, 0x18, 0xFE, 0xCD, 0x50, 0x01, 0x18, 0xFE, 0x53, 0x01, 0x58, 0x01}));
}

TEST(GbasmLabels, IncludedFilesShareSymbolsAndReportTheirOwnLines) {
  const auto dir = std::filesystem::temp_directory_path() / "gbasm_include_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "defs.inc") << "VALUE equ $42\nhelper:\n  ret\n";
  std::ofstream(dir / "broken.inc") << "nop\n  bogus\n";
  const std::string good = R"(
    org $0100
    nop
    jp start
    logo
    org $0150
    include "defs.inc"
  start:
    ld a, VALUE
    call helper
  )";
  const Bytes rom = assemble(good, "main.asm", dir);
  // helper = $0150 (ret), start = $0151: ld a, $42; call $0150
  EXPECT_EQ(rom[0x150], 0xC9);
  EXPECT_EQ((Bytes{rom.begin() + 0x151, rom.begin() + 0x156}), (Bytes{0x3E, 0x42, 0xCD, 0x50, 0x01}));
  std::string message;
  try {
    assemble("include \"broken.inc\"\n", "main.asm", dir);
  } catch (const AssemblyError& error) {
    message = error.what();
  }
  EXPECT_NE(message.find("broken.inc:2: error: unknown mnemonic 'bogus'"), std::string::npos) << message;
  std::filesystem::remove_all(dir);
}

TEST(GbasmMacros, EachUseAssemblesTheBodyWithItsArguments) {
  const std::string source = R"(
  macro combine_and_store       ; a = a <op> c, then (hl+) = a
    \1 c
    ld (hl+), a
  endm
    combine_and_store xor
    COMBINE_AND_STORE add
  )";
  // xor c = $A9, ld (hl+), a = $22, add a, c = $81
  EXPECT_EQ(fragment(source), (Bytes{0xA9, 0x22, 0x81, 0x22}));
}

TEST(GbasmMacros, LocalLabelsInABodyJoinTheScopeOfEachUse) {
  const std::string source = R"(
  macro count_down
  .loop:
    dec \1
    jr nz, .loop
  endm
  first:
    count_down b
  second:
    count_down c
    dw first.loop, second.loop
  )";
  // first.loop = $0150: dec b; jr nz, -3. second.loop = $0153: dec c; jr nz, -3.
  EXPECT_EQ(fragment(source), (Bytes{0x05, 0x20, 0xFD, 0x0D, 0x20, 0xFD, 0x50, 0x01, 0x53, 0x01}));
}

TEST(GbasmMacros, MisusedMacrosGiveOneClearMessage) {
  EXPECT_NE(fragment_error("nop\nmacro m\n  nop\n").find("<fragment>:2: error: macro 'm' has no endm"),
            std::string::npos);
  EXPECT_NE(fragment_error("nop\nendm\n").find("<fragment>:2: error: endm without macro"), std::string::npos);
  EXPECT_NE(fragment_error("macro m\nendm\nmacro m\nendm\n").find(":3: error: duplicate macro 'm'"), std::string::npos);
  EXPECT_NE(
      fragment_error("macro m\n  ld \\1, \\2\nendm\n  m a\n").find("macro 'm' uses \\2 but was given 1 argument(s)"),
      std::string::npos);
  EXPECT_NE(fragment_error("x: macro m\nendm\n").find("cannot both define a label and a macro"), std::string::npos);
}

TEST(GbasmErrors, OutOfRangeJrIsReportedWithFileAndLine) {
  const std::string message = fragment_error("start:\n  jr far\n  ds 200\nfar:\n  nop\n");
  EXPECT_NE(message.find("<fragment>:2: error: jr target out of range"), std::string::npos) << message;
  EXPECT_EQ(fragment_error("start:\n  jr far\n  ds 127\nfar:\n"), "");
  EXPECT_NE(fragment_error("back:\n  ds 127\n  jr back\n").find(":3: error: jr target out of range"),
            std::string::npos);
}

TEST(GbasmErrors, BadInputGivesOneClearMessage) {
  EXPECT_NE(fragment_error("nop\n  frob a\n").find("<fragment>:2: error: unknown mnemonic 'frob'"), std::string::npos);
  EXPECT_NE(fragment_error("ld a, hl").find(":1: error: bad operand(s) for 'ld'"), std::string::npos);
  EXPECT_NE(fragment_error("jp nowhere").find(":1: error: undefined symbol 'nowhere'"), std::string::npos);
  EXPECT_NE(fragment_error("x:\nnop\nx:\n").find(":3: error: duplicate symbol 'x'"), std::string::npos);
  EXPECT_NE(fragment_error("ld a, 256").find(":1: error: byte value 256 out of range"), std::string::npos);
  EXPECT_NE(fragment_error("bit 8, a").find("bit number 8 out of range"), std::string::npos);
  EXPECT_NE(fragment_error("rst 3").find("rst vector"), std::string::npos);
  EXPECT_NE(fragment_error("ld (hl), (hl)").find("does not exist"), std::string::npos);
}

// A minimal ROM: entry, logo, header, code.
std::string minimal_rom(const std::string& extra) {
  return R"(
    org $0100
    nop
    jp start
    logo
    db "TEST"
    org $0147
    db $00
    org $0150
  start:
    halt
    jr start
  )" + extra;
}

TEST(GbasmRom, HeaderChecksumsMatchAnIndependentComputation) {
  const Bytes rom = assemble(minimal_rom(""), "test.asm");
  ASSERT_EQ(rom.size(), 32768u);
  int header = 0;
  for (int address = 0x134; address <= 0x14C; ++address) header = header - rom[static_cast<std::size_t>(address)] - 1;
  EXPECT_EQ(rom[0x14D], static_cast<std::uint8_t>(header & 0xFF));
  unsigned global = 0;
  for (std::size_t address = 0; address < rom.size(); ++address) {
    if (address != 0x14E && address != 0x14F) global += rom[address];
  }
  EXPECT_EQ(rom[0x14E], (global >> 8) & 0xFF);
  EXPECT_EQ(rom[0x14F], global & 0xFF);
  // Hand-worked: title "TEST" and zeros elsewhere in $134..$14C:
  // -(0x54+0x45+0x53+0x54) - 25 = -(0x140) - 25 = -345 = 0xA7 (mod 256).
  EXPECT_EQ(rom[0x14D], 0xA7);
  EXPECT_EQ(rom[0x148], 0x00);
  EXPECT_EQ(rom[0x100], 0x00);
  EXPECT_EQ(rom[0x101], 0xC3);
  EXPECT_EQ(rom[0x104], 0xCE);
  EXPECT_EQ(rom[0x133], 0x3E);
}

TEST(GbasmRom, BankedRomsGrowToAPowerOfTwoAndRecordTheirSize) {
  const Bytes rom = assemble(minimal_rom("  bank 3\n  db $42\n  bank 1\n  db $41\n"), "test.asm");
  ASSERT_EQ(rom.size(), 65536u);
  EXPECT_EQ(rom[0x148], 0x01);
  EXPECT_EQ(rom[3 * 0x4000], 0x42);
  EXPECT_EQ(rom[1 * 0x4000], 0x41);
}

TEST(GbasmRom, MissingLogoAndOverlapsAreErrors) {
  EXPECT_NE(rom_error("org $0150\nnop\n").find("no Nintendo logo"), std::string::npos);
  EXPECT_NE(rom_error(minimal_rom("  org $0150\n  nop\n")).find("overlaps"), std::string::npos);
  EXPECT_NE(rom_error(minimal_rom("  org $0148\n  db 3\n")).find("ROM size byte"), std::string::npos);
}

}  // namespace
}  // namespace dreamer::gbasm
