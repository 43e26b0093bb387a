#pragma once
// Integer expressions of the gbasm syntax (see assembler.hpp for the whole
// language). Grammar, lowest precedence first:
//
//   expr    := or
//   or      := xor ('|' xor)*        xor := and ('^' and)*
//   and     := shift ('&' shift)*    shift := sum (('<<' | '>>') sum)*
//   sum     := product (('+' | '-') product)*
//   product := unary (('*' | '/' | '%') unary)*
//   unary   := ('-' | '~' | '+') unary | primary
//   primary := number | 'c' | name | '$' | '(' expr ')'
//            | high '(' expr ')' | low '(' expr ')'
//   number  := decimal | $hex | 0xhex | %binary | 0bbinary
//
// `$` alone is the address of the current instruction. Names are looked up
// through a callback, so the evaluator knows nothing about labels or passes.
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace dreamer::gbasm {

// A value, or a placeholder for one that depends on a symbol not yet defined
// (the first pass sizes instructions before every label is known).
struct ExpressionValue {
  std::int64_t value = 0;
  bool resolved = true;
};

// Returns the symbol's value, or nullopt when no such symbol exists (yet).
using SymbolLookup = std::function<std::optional<ExpressionValue>(std::string_view name)>;

// Evaluates `text`. Throws dreamer::Error (message without location) on a
// syntax error, division by zero, or, when `strict`, an unknown symbol;
// otherwise an unknown symbol yields an unresolved value.
ExpressionValue evaluate_expression(std::string_view text, const SymbolLookup& lookup, std::int64_t current_address,
                                    bool strict);

// True for characters that may start / continue a symbol name.
bool is_name_start(char c);
bool is_name_char(char c);

}  // namespace dreamer::gbasm
