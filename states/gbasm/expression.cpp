#include "states/gbasm/expression.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace dreamer::gbasm {

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.'; }

bool is_name_char(char c) { return is_name_start(c) || std::isdigit(static_cast<unsigned char>(c)) != 0; }

namespace {

std::string lowered(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Recursive-descent parser that evaluates while it parses.
class Parser {
 public:
  Parser(std::string_view text, const SymbolLookup& lookup, std::int64_t current_address, bool strict)
      : text_(text), lookup_(lookup), current_address_(current_address), strict_(strict) {}

  ExpressionValue parse_all() {
    skip_space();
    if (at_end()) throw Error("missing expression");
    ExpressionValue value = parse_or();
    skip_space();
    if (!at_end()) throw Error("unexpected '" + std::string(text_.substr(pos_)) + "' in expression");
    return value;
  }

 private:
  using Binary = std::int64_t (*)(std::int64_t, std::int64_t);

  static ExpressionValue combine(ExpressionValue lhs, ExpressionValue rhs, Binary op) {
    return {op(lhs.value, rhs.value), lhs.resolved && rhs.resolved};
  }

  struct BinaryOperator {
    std::string_view token;
    Binary apply;
  };

  // One left-associative level: next (op next)*, op one of `operators`.
  template <std::size_t N>
  ExpressionValue parse_level(ExpressionValue (Parser::*next)(), const std::array<BinaryOperator, N>& operators) {
    ExpressionValue value = (this->*next)();
    for (;;) {
      const auto op = std::find_if(operators.begin(), operators.end(),
                                   [&](const BinaryOperator& candidate) { return accept(candidate.token); });
      if (op == operators.end()) return value;
      value = combine(value, (this->*next)(), op->apply);
    }
  }

  // The levels above the product, loosest first, with C's precedence.
  static constexpr std::array kOr{BinaryOperator{"|", [](std::int64_t a, std::int64_t b) { return a | b; }}};
  static constexpr std::array kXor{BinaryOperator{"^", [](std::int64_t a, std::int64_t b) { return a ^ b; }}};
  static constexpr std::array kAnd{BinaryOperator{"&", [](std::int64_t a, std::int64_t b) { return a & b; }}};
  static constexpr std::array kShift{
      BinaryOperator{"<<", [](std::int64_t a, std::int64_t b) { return a << (b & 63); }},
      BinaryOperator{">>", [](std::int64_t a, std::int64_t b) { return a >> (b & 63); }}};
  static constexpr std::array kSum{BinaryOperator{"+", [](std::int64_t a, std::int64_t b) { return a + b; }},
                                   BinaryOperator{"-", [](std::int64_t a, std::int64_t b) { return a - b; }}};

  ExpressionValue parse_or() { return parse_level(&Parser::parse_xor, kOr); }
  ExpressionValue parse_xor() { return parse_level(&Parser::parse_and, kXor); }
  ExpressionValue parse_and() { return parse_level(&Parser::parse_shift, kAnd); }
  ExpressionValue parse_shift() { return parse_level(&Parser::parse_sum, kShift); }
  ExpressionValue parse_sum() { return parse_level(&Parser::parse_product, kSum); }
  ExpressionValue parse_product() {
    ExpressionValue value = parse_unary();
    for (;;) {
      if (accept("*")) {
        value = combine(value, parse_unary(), [](std::int64_t a, std::int64_t b) { return a * b; });
      } else if (accept("/") || accept("%")) {
        const bool is_modulo = text_[pos_ - 1] == '%';
        const ExpressionValue rhs = parse_unary();
        if (rhs.resolved && value.resolved && rhs.value == 0) throw Error("division by zero");
        if (!rhs.resolved || !value.resolved) {
          value = {0, false};
        } else {
          value = {is_modulo ? value.value % rhs.value : value.value / rhs.value, true};
        }
      } else {
        return value;
      }
    }
  }
  ExpressionValue parse_unary() {
    if (accept("-")) {
      ExpressionValue value = parse_unary();
      return {-value.value, value.resolved};
    }
    if (accept("~")) {
      ExpressionValue value = parse_unary();
      return {~value.value, value.resolved};
    }
    if (accept("+")) return parse_unary();
    return parse_primary();
  }

  ExpressionValue parse_primary() {
    skip_space();
    if (at_end()) throw Error("expression ends early");
    const char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      ExpressionValue value = parse_or();
      expect(')');
      return value;
    }
    if (c == '\'') {
      if (pos_ + 2 >= text_.size() || text_[pos_ + 2] != '\'') throw Error("bad character literal");
      const auto value = static_cast<unsigned char>(text_[pos_ + 1]);
      pos_ += 3;
      return {value, true};
    }
    if (c == '$' && (pos_ + 1 >= text_.size() || !std::isxdigit(static_cast<unsigned char>(text_[pos_ + 1])))) {
      ++pos_;
      return {current_address_, true};
    }
    if (c == '$' || c == '%' || std::isdigit(static_cast<unsigned char>(c))) return parse_number();
    if (is_name_start(c)) {
      const std::size_t start = pos_;
      while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
      const std::string_view name = text_.substr(start, pos_ - start);
      const std::string lower = lowered(name);
      if (lower == "high" || lower == "low") {
        skip_space();
        if (at_end() || text_[pos_] != '(') throw Error(lower + " needs a parenthesised argument");
        ++pos_;
        ExpressionValue value = parse_or();
        expect(')');
        const std::int64_t byte = lower == "high" ? (value.value >> 8) & 0xFF : value.value & 0xFF;
        return {byte, value.resolved};
      }
      const std::optional<ExpressionValue> value = lookup_(name);
      if (value) return *value;
      if (strict_) throw Error("undefined symbol '" + std::string(name) + "'");
      return {0, false};
    }
    throw Error("unexpected '" + std::string(1, c) + "' in expression");
  }

  ExpressionValue parse_number() {
    int base = 10;
    if (text_[pos_] == '$') {
      base = 16;
      ++pos_;
    } else if (text_[pos_] == '%') {
      base = 2;
      ++pos_;
    } else if (text_[pos_] == '0' && pos_ + 1 < text_.size() && (text_[pos_ + 1] == 'x' || text_[pos_ + 1] == 'X')) {
      base = 16;
      pos_ += 2;
    } else if (text_[pos_] == '0' && pos_ + 2 < text_.size() && (text_[pos_ + 1] == 'b' || text_[pos_ + 1] == 'B') &&
               (text_[pos_ + 2] == '0' || text_[pos_ + 2] == '1')) {
      base = 2;
      pos_ += 2;
    }
    const std::size_t start = pos_;
    std::int64_t value = 0;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) != 0 || text_[pos_] == '_')) {
      const char digit_char = static_cast<char>(std::tolower(static_cast<unsigned char>(text_[pos_])));
      ++pos_;
      if (digit_char == '_') continue;
      int digit = 0;
      if (digit_char >= '0' && digit_char <= '9') {
        digit = digit_char - '0';
      } else if (digit_char >= 'a' && digit_char <= 'f') {
        digit = digit_char - 'a' + 10;
      } else {
        digit = 99;
      }
      if (digit >= base) throw Error("bad digit '" + std::string(1, digit_char) + "' in number");
      value = value * base + digit;
      if (value > 0xFFFFFFFFLL) throw Error("number too large");
    }
    if (pos_ == start) throw Error("number without digits");
    return {value, true};
  }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])) != 0) ++pos_;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  bool accept(std::string_view token) {
    skip_space();
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  void expect(char c) {
    skip_space();
    if (at_end() || text_[pos_] != c) throw Error(std::string("expected '") + c + "' in expression");
    ++pos_;
  }

  std::string_view text_;
  const SymbolLookup& lookup_;
  std::int64_t current_address_;
  bool strict_;
  std::size_t pos_ = 0;
};

}  // namespace

ExpressionValue evaluate_expression(std::string_view text, const SymbolLookup& lookup, std::int64_t current_address,
                                    bool strict) {
  return Parser(text, lookup, current_address, strict).parse_all();
}

}  // namespace dreamer::gbasm
