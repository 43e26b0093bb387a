#pragma once
// gbasm: a small two-pass assembler for the SM83 (DMG Game Boy) CPU that
// builds the project's own ROMs (states/roms/*.asm) at build time.
//
// Syntax (one statement per line; case-insensitive mnemonics, registers and
// directives; case-sensitive symbol names):
//
//   ; comment                      everything after ';' (outside quotes)
//   start:                         global label (sets the scope for locals)
//   .loop:                         local label, really `start.loop`; refer to it
//                                  as `.loop` inside the scope or `start.loop`
//   NAME equ expr                  constant; may refer to later labels
//   org expr                       continue at this address in the current bank
//   bank n                         continue in ROM bank n at $4000 (n >= 1);
//                                  bank 0 (the default) spans $0000-$7FFF
//   align n                        zero-fill up to a multiple of n
//   db e, "text", ...              bytes (values -128..255) and ASCII strings
//   dw e, ...                      little-endian words
//   ds count[, fill]               `count` bytes of `fill` (default 0)
//   logo                           the 48 Nintendo logo bytes (put it at $0104)
//   include "file.inc"             textual include, path relative to this file
//   macro NAME                     defines NAME: the lines up to `endm` are its
//     ...                          body, and `NAME x, y` assembles the body with
//   endm                           \1, \2, ... replaced by x, y, ...; local
//                                  labels in it join the scope it is used in
//
// Expressions: see expression.hpp ($hex, 0xhex, %bin, 0bbin, decimal, 'c',
// + - * / % & | ^ << >> ~, high(x), low(x), `$` = current address).
//
// Operands: registers a b c d e h l af bc de hl sp; conditions nz z nc c;
// memory in parentheses or brackets: (hl) (bc) (de) (hl+)/(hli) (hl-)/(hld)
// (c)/($ff00+c) (expr); `sp+e` for `ld hl, sp+e`. An operand that starts with
// '(' and whose matching ')' ends it is a memory operand: write `0+(a+b)*2`
// for a parenthesised immediate.
//
// Instructions: the full SM83 set, CB-prefixed ops included, with the usual
// spellings: `add a, b` or `add b`; `ld (hl+), a` or `ldi (hl), a`;
// `ldh (n), a` takes n as $00-$FF or $FF00-$FFFF; `ld (c), a`;
// `ld hl, sp+e` / `ldhl sp, e`; `jp hl` / `jp (hl)`; `stop` emits 10 00.
// Sizes never depend on values, so there is no automatic short form: write
// `ldh` for high-page accesses and `jr` for short jumps.
//
// Output: the ROM is padded with zeros to the smallest power of two >= 32 KiB
// that holds every emitted byte; 0x0148 (ROM size) is filled in, the Nintendo
// logo at 0x0104 is checked, then the header checksum (0x014D) and the global
// checksum (0x014E-0x014F) are written. Writing the same ROM byte twice is an
// error.
//
// Errors: the first problem is thrown as an AssemblyError whose message is
// "file:line: error: text" (unknown mnemonic, bad operand, undefined symbol,
// out-of-range value or jr, duplicate label, overlapping code, ...).
#include "common/error.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace dreamer::gbasm {

// Bad assembler input; what() is "file:line: error: message".
class AssemblyError : public Error {
 public:
  AssemblyError(const std::string& file, int line, const std::string& message)
      : Error(file + ":" + std::to_string(line) + ": error: " + message), file_(file), line_(line) {}
  const std::string& file() const { return file_; }
  int line() const { return line_; }

 private:
  std::string file_;
  int line_;
};

// Assembles `source` into a finished ROM image. `source_name` appears in
// error messages; `include_dir` resolves `include` paths.
std::vector<std::uint8_t> assemble(std::string_view source, const std::string& source_name,
                                   const std::filesystem::path& include_dir = ".");

// Reads and assembles a file (includes are relative to its folder).
std::vector<std::uint8_t> assemble_file(const std::filesystem::path& path);

// Assembles a fragment of code placed at `origin` and returns only its bytes,
// without header checks or padding (for tests of single instructions).
std::vector<std::uint8_t> assemble_fragment(std::string_view source, std::uint16_t origin = 0x0150);

}  // namespace dreamer::gbasm
