#include "states/gbasm/assembler.hpp"

#include "states/gbasm/cartridge_header.hpp"
#include "states/gbasm/expression.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace dreamer::gbasm {
namespace {

constexpr int kMaxIncludeDepth = 16;
constexpr int kMaxEquDepth = 64;
constexpr std::int64_t kBankEnd = 0x8000;

std::string lowered(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trimmed(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin])) != 0) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1])) != 0) --end;
  return std::string(text.substr(begin, end - begin));
}

std::string without_spaces(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) == 0) out += c;
  }
  return out;
}

std::string hex(std::int64_t value, int digits) {
  std::ostringstream out;
  out << '$' << std::uppercase << std::hex;
  out.width(digits);
  out.fill('0');
  out << value;
  return out.str();
}

// Calls `visit(i)` for each character of `text` outside string and character
// literals, until it returns false; returns that index, or text.size().
template <class Visit>
std::size_t scan_unquoted(std::string_view text, Visit visit) {
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '\'' && i + 2 < text.size() && text[i + 2] == '\'') {
      i += 2;
    } else if (!visit(i)) {
      return i;
    }
  }
  return text.size();
}

// Text after ';' is a comment unless the ';' sits inside quotes.
std::string strip_comment(std::string_view line) {
  return std::string(line.substr(0, scan_unquoted(line, [&](std::size_t i) { return line[i] != ';'; })));
}

// Splits at commas outside quotes and brackets.
std::vector<std::string> split_operands(std::string_view text) {
  std::vector<std::string> parts;
  if (trimmed(text).empty()) return parts;
  int depth = 0;
  std::size_t start = 0;
  scan_unquoted(text, [&](std::size_t i) {
    const char c = text[i];
    if (c == '(' || c == '[') {
      ++depth;
    } else if (c == ')' || c == ']') {
      --depth;
    } else if (c == ',' && depth == 0) {
      parts.push_back(trimmed(text.substr(start, i - start)));
      start = i + 1;
    }
    return true;
  });
  parts.push_back(trimmed(text.substr(start)));
  for (const std::string& part : parts) {
    if (part.empty()) throw Error("empty operand");
  }
  return parts;
}

// One source line after parsing: an optional label and an optional statement.
struct Statement {
  std::string file;
  int line = 0;
  std::string scope;     // the enclosing global label, for `.local` names
  std::string label;     // full name of the label defined here, if any
  std::string mnemonic;  // lower case; empty for a label-only line
  std::vector<std::string> operands;
};

struct Symbol {
  bool is_constant = false;
  bool placed = false;       // labels: defined in the current pass
  std::int64_t address = 0;  // labels
  std::string expression;    // constants
  std::string scope;         // constants: scope for `.local` names inside
  std::string file;
  int line = 0;
};

struct Operand {
  enum class Kind { kRegister, kMemoryRegister, kMemory, kImmediate, kStackOffset };
  Kind kind = Kind::kImmediate;
  std::string name;        // lower case register, condition or memory register
  std::string expression;  // for kMemory, kImmediate, kStackOffset
};

bool is_register_name(const std::string& name) {
  static const std::array<const char*, 15> kNames = {"a",  "b",  "c",  "d",  "e",  "h", "l", "af",
                                                     "bc", "de", "hl", "sp", "nz", "z", "nc"};
  return std::find_if(kNames.begin(), kNames.end(), [&](const char* n) { return name == n; }) != kNames.end();
}

// True when `text` is one bracketed group: "(...)" whose ')' is the last char.
bool is_single_group(const std::string& text) {
  if (text.size() < 2) return false;
  const char open = text.front();
  if (open != '(' && open != '[') return false;
  int depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '(' || text[i] == '[') ++depth;
    if (text[i] == ')' || text[i] == ']') {
      --depth;
      if (depth == 0 && i + 1 != text.size()) return false;
    }
  }
  return depth == 0 && (text.back() == ')' || text.back() == ']');
}

Operand parse_operand(const std::string& text) {
  Operand operand;
  const std::string lower = lowered(text);
  if (is_register_name(lower)) {
    operand.kind = Operand::Kind::kRegister;
    operand.name = lower;
    return operand;
  }
  if (is_single_group(text)) {
    const std::string inner = trimmed(std::string_view(text).substr(1, text.size() - 2));
    const std::string compact = lowered(without_spaces(inner));
    static const std::map<std::string, std::string> kMemoryRegisters = {
        {"hl", "hl"},   {"bc", "bc"}, {"de", "de"},     {"hl+", "hl+"},    {"hli", "hl+"}, {"hl-", "hl-"},
        {"hld", "hl-"}, {"c", "c"},   {"$ff00+c", "c"}, {"0xff00+c", "c"}, {"ff00+c", "c"}};
    const auto found = kMemoryRegisters.find(compact);
    if (found != kMemoryRegisters.end()) {
      operand.kind = Operand::Kind::kMemoryRegister;
      operand.name = found->second;
      return operand;
    }
    operand.kind = Operand::Kind::kMemory;
    operand.expression = inner;
    return operand;
  }
  const std::string compact = without_spaces(lower);
  if (compact.size() > 2 && compact.starts_with("sp") && (compact[2] == '+' || compact[2] == '-')) {
    operand.kind = Operand::Kind::kStackOffset;
    operand.expression = trimmed(std::string_view(text).substr(text.find_first_of("+-")));
    return operand;
  }
  operand.kind = Operand::Kind::kImmediate;
  operand.expression = text;
  return operand;
}

// b c d e h l (hl) a -> 0..7, or -1.
int register8_code(const Operand& operand) {
  if (operand.kind == Operand::Kind::kMemoryRegister) return operand.name == "hl" ? 6 : -1;
  if (operand.kind != Operand::Kind::kRegister) return -1;
  // Code 6 is (hl), a memory register, handled above.
  static const std::array<const char*, 8> kNames = {"b", "c", "d", "e", "h", "l", "", "a"};
  for (int code = 0; code < 8; ++code) {
    if (code != 6 && operand.name == kNames[static_cast<std::size_t>(code)]) return code;
  }
  return -1;
}

// bc de hl sp (or af when `with_af`) -> 0..3, or -1.
int register16_code(const Operand& operand, bool with_af) {
  if (operand.kind != Operand::Kind::kRegister) return -1;
  if (operand.name == "bc") return 0;
  if (operand.name == "de") return 1;
  if (operand.name == "hl") return 2;
  if (operand.name == (with_af ? "af" : "sp")) return 3;
  return -1;
}

// nz z nc c -> 0..3, or -1.
int condition_code(const Operand& operand) {
  if (operand.kind != Operand::Kind::kRegister) return -1;
  if (operand.name == "nz") return 0;
  if (operand.name == "z") return 1;
  if (operand.name == "nc") return 2;
  if (operand.name == "c") return 3;
  return -1;
}

bool is_register(const Operand& operand, std::string_view name) {
  return operand.kind == Operand::Kind::kRegister && operand.name == name;
}

bool is_memory_register(const Operand& operand, std::string_view name) {
  return operand.kind == Operand::Kind::kMemoryRegister && operand.name == name;
}

bool is_value(const Operand& operand) { return operand.kind == Operand::Kind::kImmediate; }

class Assembler {
 public:
  void load(std::string_view source, const std::string& name, const std::filesystem::path& include_dir, int depth) {
    if (depth > kMaxIncludeDepth) throw AssemblyError(name, 1, "includes nested too deeply");
    std::istringstream lines{std::string(source)};
    std::string raw;
    int line_number = 0;
    while (std::getline(lines, raw)) {
      ++line_number;
      try {
        parse_line(raw, name, line_number, include_dir, depth);
      } catch (const AssemblyError&) {
        throw;
      } catch (const Error& error) {
        throw AssemblyError(name, line_number, error.what());
      }
    }
    if (recording_ && recording_->file == name) {
      throw AssemblyError(name, recording_->line, "macro '" + recording_->name + "' has no endm");
    }
  }

  // Runs both passes; returns the bytes of every emitted statement in order
  // (fragment mode) or the finished ROM.
  std::vector<std::uint8_t> build(bool fragment, std::uint16_t origin, const std::string& source_name) {
    fragment_ = fragment;
    origin_ = origin;
    run_pass(1);
    run_pass(2);
    if (fragment_) return fragment_bytes_;
    return finish_rom(source_name);
  }

 private:
  void parse_line(const std::string& raw, const std::string& file, int line_number,
                  const std::filesystem::path& include_dir, int depth) {
    std::string text = trimmed(strip_comment(raw));
    if (recording_) {
      if (lowered(text) == "endm") {
        macros_[recording_->name] = std::move(recording_->body);
        recording_.reset();
      } else {
        recording_->body += raw + "\n";
      }
      return;
    }
    if (text.empty()) return;
    Statement statement;
    statement.file = file;
    statement.line = line_number;

    // Label: a name followed by ':' (or '::').
    std::size_t name_end = 0;
    while (name_end < text.size() && is_name_char(text[name_end])) ++name_end;
    if (name_end > 0 && is_name_start(text[0]) && name_end < text.size() && text[name_end] == ':') {
      std::string name = text.substr(0, name_end);
      if (name[0] == '.') {
        if (scope_.empty()) throw Error("local label '" + name + "' before any global label");
        name = scope_ + name;
      } else {
        scope_ = name;
      }
      define_symbol(name, Symbol{false, false, 0, {}, {}, file, line_number});
      statement.label = name;
      std::size_t rest = name_end + 1;
      if (rest < text.size() && text[rest] == ':') ++rest;
      text = trimmed(std::string_view(text).substr(rest));
    }
    statement.scope = scope_;

    if (!text.empty()) {
      std::size_t word_end = 0;
      while (word_end < text.size() && std::isspace(static_cast<unsigned char>(text[word_end])) == 0) ++word_end;
      const std::string first = text.substr(0, word_end);
      const std::string rest = trimmed(std::string_view(text).substr(word_end));

      // NAME equ expr
      std::size_t second_end = 0;
      while (second_end < rest.size() && std::isspace(static_cast<unsigned char>(rest[second_end])) == 0) {
        ++second_end;
      }
      if (lowered(rest.substr(0, second_end)) == "equ") {
        if (!statement.label.empty()) throw Error("a line cannot both define a label and a constant");
        if (!is_name_start(first[0]) || first[0] == '.' ||
            !std::all_of(first.begin(), first.end(), [](char c) { return is_name_char(c); })) {
          throw Error("bad constant name '" + first + "'");
        }
        const std::string expression = trimmed(std::string_view(rest).substr(second_end));
        if (expression.empty()) throw Error("'" + first + " equ' needs a value");
        define_symbol(first, Symbol{true, false, 0, expression, scope_, file, line_number});
        return;
      }

      statement.mnemonic = lowered(first);
      if (statement.mnemonic == "macro") {
        if (!statement.label.empty()) throw Error("a line cannot both define a label and a macro");
        start_macro(rest, file, line_number);
        return;
      }
      if (statement.mnemonic == "endm") throw Error("endm without macro");
      if (const auto macro = macros_.find(statement.mnemonic); macro != macros_.end()) {
        if (!statement.label.empty())
          statements_.push_back(Statement{file, line_number, scope_, statement.label, {}, {}});
        load(expand_macro(macro->first, macro->second, split_operands(rest)),
             file + ":" + std::to_string(line_number) + " (macro " + macro->first + ")", include_dir, depth + 1);
        return;
      }
      if (statement.mnemonic == "include") {
        if (rest.size() < 2 || rest.front() != '"' || rest.back() != '"') {
          throw Error("include needs a quoted file name");
        }
        const std::filesystem::path path = include_dir / rest.substr(1, rest.size() - 2);
        std::ifstream in(path, std::ios::binary);
        if (!in) throw Error("cannot open include file '" + path.string() + "'");
        std::ostringstream content;
        content << in.rdbuf();
        if (!statement.label.empty())
          statements_.push_back(Statement{file, line_number, scope_, statement.label, {}, {}});
        load(content.str(), path.string(), path.parent_path(), depth + 1);
        return;
      }
      statement.operands = split_operands(rest);
    }
    statements_.push_back(std::move(statement));
  }

  // `macro NAME`: the lines up to `endm` are the body of NAME.
  void start_macro(const std::string& name, const std::string& file, int line_number) {
    if (name.empty() || !is_name_start(name[0]) || name[0] == '.' ||
        !std::all_of(name.begin(), name.end(), [](char c) { return is_name_char(c); })) {
      throw Error("bad macro name '" + name + "'");
    }
    if (macros_.count(lowered(name)) > 0) throw Error("duplicate macro '" + name + "'");
    recording_ = MacroRecording{lowered(name), file, line_number, {}};
  }

  // The body of macro `name` with \1 .. \9 replaced by its arguments.
  static std::string expand_macro(const std::string& name, const std::string& body,
                                  const std::vector<std::string>& arguments) {
    std::string text;
    for (std::size_t i = 0; i < body.size(); ++i) {
      if (body[i] == '\\' && i + 1 < body.size() && body[i + 1] >= '1' && body[i + 1] <= '9') {
        const std::size_t index = static_cast<std::size_t>(body[i + 1] - '1');
        if (index >= arguments.size()) {
          throw Error("macro '" + name + "' uses \\" + std::string(1, body[i + 1]) + " but was given " +
                      std::to_string(arguments.size()) + " argument(s)");
        }
        text += arguments[index];
        ++i;
      } else {
        text += body[i];
      }
    }
    return text;
  }

  void define_symbol(const std::string& name, Symbol symbol) {
    if (is_register_name(lowered(name)) || lowered(name) == "high" || lowered(name) == "low") {
      throw Error("'" + name + "' is a reserved word");
    }
    const auto existing = symbols_.find(name);
    if (existing != symbols_.end()) {
      throw Error("duplicate symbol '" + name + "' (first defined at " + existing->second.file + ":" +
                  std::to_string(existing->second.line) + ")");
    }
    symbols_.emplace(name, std::move(symbol));
  }

  // --- passes ---------------------------------------------------------------

  void run_pass(int pass) {
    pass_ = pass;
    bank_ = 0;
    address_ = fragment_ ? origin_ : 0;
    // Labels keep their first-pass addresses, so the second pass sees every
    // forward reference resolved.
    if (pass_ == 1) {
      for (auto& [name, symbol] : symbols_) symbol.placed = symbol.is_constant;
    }
    for (const Statement& statement : statements_) {
      current_ = &statement;
      try {
        if (!statement.label.empty()) {
          Symbol& symbol = symbols_.at(statement.label);
          if (pass_ == 2 && symbol.address != address_) {
            throw Error("internal: label '" + statement.label + "' moved between passes");
          }
          symbol.address = address_;
          symbol.placed = true;
        }
        if (!statement.mnemonic.empty()) {
          bytes_.clear();
          statement_address_ = address_;
          encode(statement);
          place_bytes();
        }
      } catch (const AssemblyError&) {
        throw;
      } catch (const Error& error) {
        throw AssemblyError(statement.file, statement.line, error.what());
      }
    }
  }

  void place_bytes() {
    if (bytes_.empty()) return;
    const std::int64_t end = address_ + static_cast<std::int64_t>(bytes_.size());
    if (end > kBankEnd) {
      throw Error("code runs past the end of " + (bank_ == 0 ? std::string("bank 0 ($0000-$7FFF)")
                                                             : "bank " + std::to_string(bank_) + " ($4000-$7FFF)"));
    }
    if (pass_ == 2) {
      if (fragment_) {
        fragment_bytes_.insert(fragment_bytes_.end(), bytes_.begin(), bytes_.end());
      } else {
        const std::size_t offset =
            bank_ == 0 ? static_cast<std::size_t>(address_)
                       : static_cast<std::size_t>(bank_) * kBankSize + static_cast<std::size_t>(address_ - 0x4000);
        if (image_.size() < offset + bytes_.size()) {
          image_.resize(offset + bytes_.size(), 0);
          written_.resize(offset + bytes_.size(), false);
        }
        for (std::size_t i = 0; i < bytes_.size(); ++i) {
          if (written_[offset + i]) {
            throw Error("code at " + hex(address_ + static_cast<std::int64_t>(i), 4) + " (ROM offset " +
                        hex(static_cast<std::int64_t>(offset + i), 5) + ") overlaps earlier output");
          }
          written_[offset + i] = true;
          image_[offset + i] = bytes_[i];
        }
      }
    }
    address_ = end;
  }

  std::vector<std::uint8_t> finish_rom(const std::string& source_name) {
    std::size_t size = kMinRomSize;
    while (size < image_.size()) size *= 2;
    image_.resize(size, 0);
    written_.resize(size, false);
    const std::uint8_t size_code = rom_size_code(size);
    if (written_[kRomSizeCodeAddress] && image_[kRomSizeCodeAddress] != size_code) {
      throw AssemblyError(source_name, 1,
                          "ROM size byte at $0148 is " + hex(image_[kRomSizeCodeAddress], 2) + " but the ROM is " +
                              std::to_string(size / 1024) + " KiB (code " + hex(size_code, 2) + ")");
    }
    image_[kRomSizeCodeAddress] = size_code;
    const auto& logo = nintendo_logo();
    if (!std::equal(logo.begin(), logo.end(), image_.begin() + static_cast<std::ptrdiff_t>(kLogoAddress))) {
      throw AssemblyError(source_name, 1, "no Nintendo logo at $0104 (put the `logo` directive there)");
    }
    write_checksums(image_);
    return image_;
  }

  // --- values -----------------------------------------------------------------

  ExpressionValue evaluate(const std::string& expression, const std::string& scope, int depth) {
    const SymbolLookup lookup = [&](std::string_view name) -> std::optional<ExpressionValue> {
      std::string full(name);
      if (full[0] == '.') full = scope + full;
      const auto found = symbols_.find(full);
      if (found == symbols_.end()) return std::nullopt;
      Symbol& symbol = found->second;
      if (symbol.is_constant) {
        if (depth >= kMaxEquDepth) throw Error("constant '" + full + "' refers to itself");
        return evaluate(symbol.expression, symbol.scope, depth + 1);
      }
      if (!symbol.placed) return ExpressionValue{0, false};
      return ExpressionValue{symbol.address, true};
    };
    return evaluate_expression(expression, lookup, statement_address_, pass_ == 2);
  }

  std::int64_t value(const std::string& expression) { return evaluate(expression, current_->scope, 0).value; }

  // For values that decide addresses or sizes: known in the first pass.
  std::int64_t early_value(const std::string& expression) {
    const ExpressionValue result = evaluate(expression, current_->scope, 0);
    if (!result.resolved) throw Error("'" + expression + "' must not depend on labels defined later");
    return result.value;
  }

  void check_range(std::int64_t v, std::int64_t low, std::int64_t high, const std::string& what) {
    if (pass_ == 2 && (v < low || v > high)) {
      throw Error(what + " " + std::to_string(v) + " out of range " + std::to_string(low) + ".." +
                  std::to_string(high));
    }
  }

  void emit(int byte) { bytes_.push_back(static_cast<std::uint8_t>(byte & 0xFF)); }
  void emit8(const std::string& expression) {
    const std::int64_t v = value(expression);
    check_range(v, -128, 255, "byte value");
    emit(static_cast<int>(v));
  }
  void emit_signed8(const std::string& expression) {
    const std::int64_t v = value(expression);
    check_range(v, -128, 127, "signed offset");
    emit(static_cast<int>(v));
  }
  void emit16(const std::string& expression) {
    const std::int64_t v = value(expression);
    check_range(v, -32768, 65535, "word value");
    emit(static_cast<int>(v & 0xFF));
    emit(static_cast<int>((v >> 8) & 0xFF));
  }
  void emit_high_page(const std::string& expression) {
    std::int64_t v = value(expression);
    if (v >= 0xFF00 && v <= 0xFFFF) v -= 0xFF00;
    check_range(v, 0, 0xFF, "ldh address (use $00-$FF or $FF00-$FFFF)");
    emit(static_cast<int>(v));
  }

  // --- statements ---------------------------------------------------------------

  [[noreturn]] void bad_operands(const Statement& statement) {
    std::string text = statement.mnemonic;
    for (std::size_t i = 0; i < statement.operands.size(); ++i) {
      text += (i == 0 ? " " : ", ") + statement.operands[i];
    }
    throw Error("bad operand(s) for '" + statement.mnemonic + "': " + text);
  }

  void expect_count(const Statement& statement, std::size_t count) {
    if (statement.operands.size() != count) {
      throw Error("'" + statement.mnemonic + "' takes " + std::to_string(count) + " operand(s), got " +
                  std::to_string(statement.operands.size()));
    }
  }

  void encode(const Statement& statement) {
    const std::string& m = statement.mnemonic;
    std::vector<Operand> ops;
    if (m != "db") {
      for (const std::string& text : statement.operands) ops.push_back(parse_operand(text));
    }
    if (encode_directive(statement)) return;

    static const std::map<std::string, int> kImplied = {
        {"nop", 0x00}, {"halt", 0x76}, {"di", 0xF3},  {"ei", 0xFB},  {"rlca", 0x07}, {"rrca", 0x0F}, {"rla", 0x17},
        {"rra", 0x1F}, {"daa", 0x27},  {"cpl", 0x2F}, {"scf", 0x37}, {"ccf", 0x3F},  {"reti", 0xD9}};
    static const std::map<std::string, int> kAlu = {{"add", 0}, {"adc", 1}, {"sub", 2}, {"sbc", 3},
                                                    {"and", 4}, {"xor", 5}, {"or", 6},  {"cp", 7}};
    static const std::map<std::string, int> kRotate = {{"rlc", 0}, {"rrc", 1}, {"rl", 2},   {"rr", 3},
                                                       {"sla", 4}, {"sra", 5}, {"swap", 6}, {"srl", 7}};
    static const std::map<std::string, int> kBitOps = {{"bit", 0x40}, {"res", 0x80}, {"set", 0xC0}};

    if (const auto found = kImplied.find(m); found != kImplied.end()) {
      expect_count(statement, 0);
      emit(found->second);
      return;
    }
    if (m == "stop") {
      expect_count(statement, 0);
      emit(0x10);
      emit(0x00);
      return;
    }
    if (m == "ret") {
      if (ops.empty()) return emit(0xC9);
      expect_count(statement, 1);
      const int cc = condition_code(ops[0]);
      if (cc < 0) bad_operands(statement);
      return emit(0xC0 | cc << 3);
    }
    if (const auto found = kAlu.find(m); found != kAlu.end()) return encode_alu(statement, ops, found->second);
    if (m == "inc" || m == "dec") {
      expect_count(statement, 1);
      const int r = register8_code(ops[0]);
      if (r >= 0) return emit((m == "inc" ? 0x04 : 0x05) | r << 3);
      const int rr = register16_code(ops[0], false);
      if (rr >= 0) return emit((m == "inc" ? 0x03 : 0x0B) | rr << 4);
      bad_operands(statement);
    }
    if (m == "ld") return encode_ld(statement, ops);
    if (m == "ldh") {
      expect_count(statement, 2);
      if (ops[0].kind == Operand::Kind::kMemory && is_register(ops[1], "a")) {
        emit(0xE0);
        return emit_high_page(ops[0].expression);
      }
      if (is_register(ops[0], "a") && ops[1].kind == Operand::Kind::kMemory) {
        emit(0xF0);
        return emit_high_page(ops[1].expression);
      }
      if (is_memory_register(ops[0], "c") && is_register(ops[1], "a")) return emit(0xE2);
      if (is_register(ops[0], "a") && is_memory_register(ops[1], "c")) return emit(0xF2);
      bad_operands(statement);
    }
    if (m == "ldi" || m == "ldd") {
      expect_count(statement, 2);
      const int base = m == "ldi" ? 0x22 : 0x32;
      if (is_memory_register(ops[0], "hl") && is_register(ops[1], "a")) return emit(base);
      if (is_register(ops[0], "a") && is_memory_register(ops[1], "hl")) return emit(base | 0x08);
      bad_operands(statement);
    }
    if (m == "ldhl") {
      expect_count(statement, 2);
      if (!is_register(ops[0], "sp") || !is_value(ops[1])) bad_operands(statement);
      emit(0xF8);
      return emit_signed8(ops[1].expression);
    }
    if (m == "jp" || m == "call") {
      // Both take a16 (jp $C3, call $CD) and cc,a16 (jp $C2, call $C4, | cc << 3).
      const bool jump = m == "jp";
      if (jump && ops.size() == 1 && (is_register(ops[0], "hl") || is_memory_register(ops[0], "hl"))) return emit(0xE9);
      if (ops.size() == 1 && is_value(ops[0])) {
        emit(jump ? 0xC3 : 0xCD);
        return emit16(ops[0].expression);
      }
      if (ops.size() == 2 && condition_code(ops[0]) >= 0 && is_value(ops[1])) {
        emit((jump ? 0xC2 : 0xC4) | condition_code(ops[0]) << 3);
        return emit16(ops[1].expression);
      }
      bad_operands(statement);
    }
    if (m == "jr") {
      const Operand* target = nullptr;
      if (ops.size() == 1 && is_value(ops[0])) {
        emit(0x18);
        target = &ops[0];
      } else if (ops.size() == 2 && condition_code(ops[0]) >= 0 && is_value(ops[1])) {
        emit(0x20 | condition_code(ops[0]) << 3);
        target = &ops[1];
      } else {
        bad_operands(statement);
      }
      const std::int64_t offset = value(target->expression) - (statement_address_ + 2);
      if (pass_ == 2 && (offset < -128 || offset > 127)) {
        throw Error("jr target out of range (offset " + std::to_string(offset) + ", allowed -128..127)");
      }
      return emit(static_cast<int>(offset));
    }
    if (m == "rst") {
      expect_count(statement, 1);
      if (!is_value(ops[0])) bad_operands(statement);
      const std::int64_t vector = value(ops[0].expression);
      if (pass_ == 2 && (vector < 0 || vector > 0x38 || vector % 8 != 0)) {
        throw Error("rst vector must be one of $00,$08,...,$38");
      }
      return emit(0xC7 | static_cast<int>(vector & 0x38));
    }
    if (m == "push" || m == "pop") {
      expect_count(statement, 1);
      const int rr = register16_code(ops[0], true);
      if (rr < 0) bad_operands(statement);
      return emit((m == "push" ? 0xC5 : 0xC1) | rr << 4);
    }
    if (const auto found = kRotate.find(m); found != kRotate.end()) {
      expect_count(statement, 1);
      const int r = register8_code(ops[0]);
      if (r < 0) bad_operands(statement);
      emit(0xCB);
      return emit(found->second << 3 | r);
    }
    if (const auto found = kBitOps.find(m); found != kBitOps.end()) {
      expect_count(statement, 2);
      const int r = register8_code(ops[1]);
      if (!is_value(ops[0]) || r < 0) bad_operands(statement);
      const std::int64_t bit = value(ops[0].expression);
      check_range(bit, 0, 7, "bit number");
      emit(0xCB);
      return emit(found->second | static_cast<int>(bit & 7) << 3 | r);
    }
    throw Error("unknown mnemonic '" + m + "'");
  }

  void encode_alu(const Statement& statement, const std::vector<Operand>& ops, int operation) {
    if (statement.mnemonic == "add" && ops.size() == 2 && is_register(ops[0], "hl")) {
      const int rr = register16_code(ops[1], false);
      if (rr < 0) bad_operands(statement);
      return emit(0x09 | rr << 4);
    }
    if (statement.mnemonic == "add" && ops.size() == 2 && is_register(ops[0], "sp")) {
      if (!is_value(ops[1])) bad_operands(statement);
      emit(0xE8);
      return emit_signed8(ops[1].expression);
    }
    const Operand* source = nullptr;
    if (ops.size() == 2 && is_register(ops[0], "a")) {
      source = &ops[1];
    } else if (ops.size() == 1) {
      source = &ops[0];
    } else {
      bad_operands(statement);
    }
    const int r = register8_code(*source);
    if (r >= 0) return emit(0x80 | operation << 3 | r);
    if (!is_value(*source)) bad_operands(statement);
    emit(0xC6 | operation << 3);
    emit8(source->expression);
  }

  void encode_ld(const Statement& statement, const std::vector<Operand>& ops) {
    expect_count(statement, 2);
    const Operand& dst = ops[0];
    const Operand& src = ops[1];
    const int d = register8_code(dst);
    const int s = register8_code(src);
    if (d >= 0 && s >= 0) {
      if (d == 6 && s == 6) throw Error("'ld (hl), (hl)' does not exist (that opcode is halt)");
      return emit(0x40 | d << 3 | s);
    }
    if (d >= 0 && is_value(src)) {
      emit(0x06 | d << 3);
      return emit8(src.expression);
    }
    static const std::map<std::string, int> kIndirect = {{"bc", 0x02}, {"de", 0x12}, {"hl+", 0x22}, {"hl-", 0x32}};
    if (is_register(dst, "a") && src.kind == Operand::Kind::kMemoryRegister) {
      if (src.name == "c") return emit(0xF2);
      if (const auto found = kIndirect.find(src.name); found != kIndirect.end()) return emit(found->second | 0x08);
    }
    if (dst.kind == Operand::Kind::kMemoryRegister && is_register(src, "a")) {
      if (dst.name == "c") return emit(0xE2);
      if (const auto found = kIndirect.find(dst.name); found != kIndirect.end()) return emit(found->second);
    }
    if (is_register(dst, "a") && src.kind == Operand::Kind::kMemory) {
      emit(0xFA);
      return emit16(src.expression);
    }
    if (dst.kind == Operand::Kind::kMemory && is_register(src, "a")) {
      emit(0xEA);
      return emit16(dst.expression);
    }
    if (dst.kind == Operand::Kind::kMemory && is_register(src, "sp")) {
      emit(0x08);
      return emit16(dst.expression);
    }
    const int rr = register16_code(dst, false);
    if (rr >= 0 && is_value(src)) {
      emit(0x01 | rr << 4);
      return emit16(src.expression);
    }
    if (is_register(dst, "sp") && is_register(src, "hl")) return emit(0xF9);
    if (is_register(dst, "hl") && src.kind == Operand::Kind::kStackOffset) {
      emit(0xF8);
      return emit_signed8(src.expression);
    }
    bad_operands(statement);
  }

  // Returns true when `statement` is a directive (and handles it).
  bool encode_directive(const Statement& statement) {
    const std::string& m = statement.mnemonic;
    const auto& operands = statement.operands;
    if (m == "db") {
      if (operands.empty()) throw Error("db needs at least one value");
      for (const std::string& operand : operands) {
        if (operand.front() == '"') {
          if (operand.size() < 2 || operand.back() != '"') throw Error("unterminated string");
          for (std::size_t i = 1; i + 1 < operand.size(); ++i) {
            char c = operand[i];
            if (c == '\\' && i + 2 < operand.size()) c = operand[++i];
            emit(static_cast<unsigned char>(c));
          }
        } else {
          emit8(operand);
        }
      }
      return true;
    }
    if (m == "dw") {
      if (operands.empty()) throw Error("dw needs at least one value");
      for (const std::string& operand : operands) emit16(operand);
      return true;
    }
    if (m == "ds") {
      if (operands.empty() || operands.size() > 2) throw Error("ds takes a count and an optional fill byte");
      const std::int64_t count = early_value(operands[0]);
      if (count < 0 || count > kBankEnd) throw Error("ds count " + std::to_string(count) + " out of range");
      const std::int64_t fill = operands.size() == 2 ? value(operands[1]) : 0;
      check_range(fill, -128, 255, "fill byte");
      bytes_.assign(static_cast<std::size_t>(count), static_cast<std::uint8_t>(fill & 0xFF));
      return true;
    }
    if (m == "align") {
      expect_count(statement, 1);
      const std::int64_t alignment = early_value(operands[0]);
      if (alignment <= 0 || !std::has_single_bit(static_cast<std::uint64_t>(alignment))) {
        throw Error("align needs a power of two");
      }
      const std::int64_t padding = (alignment - address_ % alignment) % alignment;
      bytes_.assign(static_cast<std::size_t>(padding), 0);
      return true;
    }
    if (m == "org") {
      expect_count(statement, 1);
      const std::int64_t address = early_value(operands[0]);
      const std::int64_t low = bank_ == 0 ? 0 : 0x4000;
      if (address < low || address >= kBankEnd) {
        throw Error("org " + hex(address, 4) + " outside bank " + std::to_string(bank_) + " (" + hex(low, 4) +
                    "-$7FFF)");
      }
      address_ = address;
      return true;
    }
    if (m == "bank") {
      expect_count(statement, 1);
      if (fragment_) throw Error("bank is not allowed in a fragment");
      const std::int64_t bank = early_value(operands[0]);
      if (bank < 0 || bank > 511) throw Error("bank " + std::to_string(bank) + " out of range 0..511");
      bank_ = bank;
      address_ = bank == 0 ? 0 : 0x4000;
      return true;
    }
    if (m == "logo") {
      expect_count(statement, 0);
      const auto& logo = nintendo_logo();
      bytes_.assign(logo.begin(), logo.end());
      return true;
    }
    return false;
  }

  // A macro between its `macro NAME` line and its `endm`.
  struct MacroRecording {
    std::string name;  // lowered: macros are used like mnemonics
    std::string file;
    int line = 0;
    std::string body;
  };

  std::vector<Statement> statements_;
  std::map<std::string, Symbol> symbols_;
  std::string scope_;
  std::optional<MacroRecording> recording_;
  std::map<std::string, std::string> macros_;  // lowered name -> body

  bool fragment_ = false;
  std::uint16_t origin_ = 0;
  int pass_ = 1;
  std::int64_t bank_ = 0;
  std::int64_t address_ = 0;
  std::int64_t statement_address_ = 0;
  const Statement* current_ = nullptr;
  std::vector<std::uint8_t> bytes_;
  std::vector<std::uint8_t> image_;
  std::vector<bool> written_;
  std::vector<std::uint8_t> fragment_bytes_;
};

}  // namespace

std::vector<std::uint8_t> assemble(std::string_view source, const std::string& source_name,
                                   const std::filesystem::path& include_dir) {
  Assembler assembler;
  assembler.load(source, source_name, include_dir, 0);
  return assembler.build(false, 0, source_name);
}

std::vector<std::uint8_t> assemble_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open '" + path.string() + "'");
  std::ostringstream content;
  content << in.rdbuf();
  return assemble(content.str(), path.string(), path.parent_path());
}

std::vector<std::uint8_t> assemble_fragment(std::string_view source, std::uint16_t origin) {
  Assembler assembler;
  assembler.load(source, "<fragment>", ".", 0);
  return assembler.build(true, origin, "<fragment>");
}

}  // namespace dreamer::gbasm
