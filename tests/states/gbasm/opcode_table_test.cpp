// Every one of the 245 defined base opcodes and all 256 CB-prefixed opcodes,
// spelled as in the gbdev opcode table (https://gbdev.io/gb-opcodes/optables/),
// must assemble to that opcode with the table's instruction length.
#include "states/gbasm/assembler.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace dreamer::gbasm {
namespace {

struct TableEntry {
  int opcode;
  const char* spelling;
  int length;
};

// Rows $0x-$3x and $Cx-$Fx typed in from the table; $40-$BF follow below.
constexpr std::array<TableEntry, 117> kIrregularRows = {{
    {0x00, "nop", 1},
    {0x01, "ld bc, $1234", 3},
    {0x02, "ld (bc), a", 1},
    {0x03, "inc bc", 1},
    {0x04, "inc b", 1},
    {0x05, "dec b", 1},
    {0x06, "ld b, $12", 2},
    {0x07, "rlca", 1},
    {0x08, "ld ($1234), sp", 3},
    {0x09, "add hl, bc", 1},
    {0x0A, "ld a, (bc)", 1},
    {0x0B, "dec bc", 1},
    {0x0C, "inc c", 1},
    {0x0D, "dec c", 1},
    {0x0E, "ld c, $12", 2},
    {0x0F, "rrca", 1},
    {0x10, "stop", 2},
    {0x11, "ld de, $1234", 3},
    {0x12, "ld (de), a", 1},
    {0x13, "inc de", 1},
    {0x14, "inc d", 1},
    {0x15, "dec d", 1},
    {0x16, "ld d, $12", 2},
    {0x17, "rla", 1},
    {0x18, "jr $", 2},
    {0x19, "add hl, de", 1},
    {0x1A, "ld a, (de)", 1},
    {0x1B, "dec de", 1},
    {0x1C, "inc e", 1},
    {0x1D, "dec e", 1},
    {0x1E, "ld e, $12", 2},
    {0x1F, "rra", 1},
    {0x20, "jr nz, $", 2},
    {0x21, "ld hl, $1234", 3},
    {0x22, "ld (hl+), a", 1},
    {0x23, "inc hl", 1},
    {0x24, "inc h", 1},
    {0x25, "dec h", 1},
    {0x26, "ld h, $12", 2},
    {0x27, "daa", 1},
    {0x28, "jr z, $", 2},
    {0x29, "add hl, hl", 1},
    {0x2A, "ld a, (hl+)", 1},
    {0x2B, "dec hl", 1},
    {0x2C, "inc l", 1},
    {0x2D, "dec l", 1},
    {0x2E, "ld l, $12", 2},
    {0x2F, "cpl", 1},
    {0x30, "jr nc, $", 2},
    {0x31, "ld sp, $1234", 3},
    {0x32, "ld (hl-), a", 1},
    {0x33, "inc sp", 1},
    {0x34, "inc (hl)", 1},
    {0x35, "dec (hl)", 1},
    {0x36, "ld (hl), $12", 2},
    {0x37, "scf", 1},
    {0x38, "jr c, $", 2},
    {0x39, "add hl, sp", 1},
    {0x3A, "ld a, (hl-)", 1},
    {0x3B, "dec sp", 1},
    {0x3C, "inc a", 1},
    {0x3D, "dec a", 1},
    {0x3E, "ld a, $12", 2},
    {0x3F, "ccf", 1},
    {0xC0, "ret nz", 1},
    {0xC1, "pop bc", 1},
    {0xC2, "jp nz, $1234", 3},
    {0xC3, "jp $1234", 3},
    {0xC4, "call nz, $1234", 3},
    {0xC5, "push bc", 1},
    {0xC6, "add a, $12", 2},
    {0xC7, "rst $00", 1},
    {0xC8, "ret z", 1},
    {0xC9, "ret", 1},
    {0xCA, "jp z, $1234", 3},
    {0xCC, "call z, $1234", 3},
    {0xCD, "call $1234", 3},
    {0xCE, "adc a, $12", 2},
    {0xCF, "rst $08", 1},
    {0xD0, "ret nc", 1},
    {0xD1, "pop de", 1},
    {0xD2, "jp nc, $1234", 3},
    {0xD4, "call nc, $1234", 3},
    {0xD5, "push de", 1},
    {0xD6, "sub a, $12", 2},
    {0xD7, "rst $10", 1},
    {0xD8, "ret c", 1},
    {0xD9, "reti", 1},
    {0xDA, "jp c, $1234", 3},
    {0xDC, "call c, $1234", 3},
    {0xDE, "sbc a, $12", 2},
    {0xDF, "rst $18", 1},
    {0xE0, "ldh ($12), a", 2},
    {0xE1, "pop hl", 1},
    {0xE2, "ld (c), a", 1},
    {0xE5, "push hl", 1},
    {0xE6, "and a, $12", 2},
    {0xE7, "rst $20", 1},
    {0xE8, "add sp, $12", 2},
    {0xE9, "jp hl", 1},
    {0xEA, "ld ($1234), a", 3},
    {0xEE, "xor a, $12", 2},
    {0xEF, "rst $28", 1},
    {0xF0, "ldh a, ($12)", 2},
    {0xF1, "pop af", 1},
    {0xF2, "ld a, (c)", 1},
    {0xF3, "di", 1},
    {0xF5, "push af", 1},
    {0xF6, "or a, $12", 2},
    {0xF7, "rst $30", 1},
    {0xF8, "ld hl, sp+$12", 2},
    {0xF9, "ld sp, hl", 1},
    {0xFA, "ld a, ($1234)", 3},
    {0xFB, "ei", 1},
    {0xFE, "cp a, $12", 2},
    {0xFF, "rst $38", 1},
    {0x76, "halt", 1},
}};

// The table's operand order for rows $4x-$Bx and the CB page.
constexpr std::array<const char*, 8> kOperandColumns = {"b", "c", "d", "e", "h", "l", "(hl)", "a"};

TEST(GbasmOpcodeTable, EveryDefinedBaseOpcodeAssemblesFromItsTableSpelling) {
  std::array<bool, 256> covered{};
  for (const TableEntry& entry : kIrregularRows) {
    const std::vector<std::uint8_t> bytes = assemble_fragment(entry.spelling);
    ASSERT_EQ(static_cast<int>(bytes.size()), entry.length) << entry.spelling;
    EXPECT_EQ(bytes[0], entry.opcode) << entry.spelling;
    covered[static_cast<std::size_t>(entry.opcode)] = true;
  }
  // $40-$7F: ld row, column (except $76 halt); $80-$BF: ALU op row, column.
  constexpr std::array<const char*, 8> kAluRows = {"add a,", "adc a,", "sub a,", "sbc a,",
                                                   "and a,", "xor a,", "or a,",  "cp a,"};
  for (int opcode = 0x40; opcode < 0xC0; ++opcode) {
    if (opcode == 0x76) continue;
    const int row = (opcode >> 3) & 7;
    const int column = opcode & 7;
    const std::string spelling = opcode < 0x80 ? std::string("ld ") + kOperandColumns[static_cast<std::size_t>(row)] +
                                                     ", " + kOperandColumns[static_cast<std::size_t>(column)]
                                               : std::string(kAluRows[static_cast<std::size_t>(row)]) + " " +
                                                     kOperandColumns[static_cast<std::size_t>(column)];
    const std::vector<std::uint8_t> bytes = assemble_fragment(spelling);
    ASSERT_EQ(bytes.size(), 1u) << spelling;
    EXPECT_EQ(bytes[0], opcode) << spelling;
    covered[static_cast<std::size_t>(opcode)] = true;
  }
  // The table leaves 11 opcodes undefined, and $CB is the prefix.
  int defined = 0;
  for (bool is_covered : covered) defined += is_covered ? 1 : 0;
  EXPECT_EQ(defined, 256 - 11 - 1);
  for (int unused : {0xD3, 0xDB, 0xDD, 0xE3, 0xE4, 0xEB, 0xEC, 0xED, 0xF4, 0xFC, 0xFD, 0xCB}) {
    EXPECT_FALSE(covered[static_cast<std::size_t>(unused)]) << unused;
  }
}

TEST(GbasmOpcodeTable, EveryCbOpcodeAssemblesFromItsTableSpelling) {
  // CB page: rows $00-$3F rotate/shift (8 ops), then bit, res, set with the
  // bit number in bits 3-5.
  constexpr std::array<const char*, 8> kShiftRows = {"rlc", "rrc", "rl", "rr", "sla", "sra", "swap", "srl"};
  constexpr std::array<const char*, 3> kBitRows = {"bit", "res", "set"};
  for (int opcode = 0; opcode < 256; ++opcode) {
    const int column = opcode & 7;
    const int row = (opcode >> 3) & 7;
    const std::string operand = kOperandColumns[static_cast<std::size_t>(column)];
    const std::string spelling = opcode < 0x40 ? std::string(kShiftRows[static_cast<std::size_t>(row)]) + " " + operand
                                               : std::string(kBitRows[static_cast<std::size_t>(opcode / 0x40 - 1)]) +
                                                     " " + std::to_string(row) + ", " + operand;
    const std::vector<std::uint8_t> bytes = assemble_fragment(spelling);
    ASSERT_EQ(bytes.size(), 2u) << spelling;
    EXPECT_EQ(bytes[0], 0xCB) << spelling;
    EXPECT_EQ(bytes[1], opcode) << spelling;
  }
}

}  // namespace
}  // namespace dreamer::gbasm
