#pragma once
// MgbaRunner: mGBA (Debian's libmgba 0.10.1) driven as an independent DMG
// emulator: the project's ROM tests and the emulator-oracle (lockstep) tests
// use it to check behaviour against a second implementation, and
// `dreamer_bench gb --mgba` (launch/gb_bench.cpp) times it as the speed
// reference. Built only where libmgba is found.
//
//   MgbaRunner runner(rom_bytes);          // DMG model, no boot ROM
//   runner.run_frame(MgbaRunner::kUp);     // one frame with UP held
//   Frame shades = runner.frame();         // 160 x 144 shades 0..3
//   Registers regs = runner.registers();   // A F B C D E H L SP PC
//
// A frame ends where mGBA's frame counter advances (the start of VBlank), so
// the picture returned by frame() is the one the LCD just finished drawing.
// Shades are recovered from mGBA's output colors: the DMG palette is forced to
// the grays FF/AA/55/00 (mGBA's defaults), which map back to shades 0..3 after
// the game's BGP/OBP palettes have been applied.
//
// Not thread-safe: one runner per thread; several runners may coexist.
#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

struct mCore;

namespace dreamer::mgba {

inline constexpr int kScreenWidth = 160;
inline constexpr int kScreenHeight = 144;

// Row-major 160 x 144 shades: 0 white, 1 light gray, 2 dark gray, 3 black.
using Frame = std::vector<std::uint8_t>;

struct Registers {
  std::uint8_t a = 0, f = 0, b = 0, c = 0, d = 0, e = 0, h = 0, l = 0;
  std::uint16_t sp = 0, pc = 0;
};

class MgbaRunner {
 public:
  // Joypad bits for run_frame (mGBA's GB key order, the same order as the
  // low/high nibble of the joypad register: buttons, then d-pad).
  static constexpr std::uint32_t kA = 1u << 0;
  static constexpr std::uint32_t kB = 1u << 1;
  static constexpr std::uint32_t kSelect = 1u << 2;
  static constexpr std::uint32_t kStart = 1u << 3;
  static constexpr std::uint32_t kRight = 1u << 4;
  static constexpr std::uint32_t kLeft = 1u << 5;
  static constexpr std::uint32_t kUp = 1u << 6;
  static constexpr std::uint32_t kDown = 1u << 7;

  // The 8 actions of the pokemonred_puffer_v1 codec, in codec order:
  // NOOP, A, B, START, UP, DOWN, LEFT, RIGHT.
  static constexpr std::array<std::uint32_t, 8> kActionKeys = {0, kA, kB, kStart, kUp, kDown, kLeft, kRight};

  // Loads a copy of `rom` into a fresh DMG core and resets it. Throws
  // dreamer::Error when mGBA rejects the ROM.
  explicit MgbaRunner(std::span<const std::uint8_t> rom);
  static MgbaRunner from_file(const std::filesystem::path& path);
  ~MgbaRunner();
  MgbaRunner(MgbaRunner&& other) noexcept;
  MgbaRunner& operator=(MgbaRunner&&) = delete;
  MgbaRunner(const MgbaRunner&) = delete;
  MgbaRunner& operator=(const MgbaRunner&) = delete;

  // Back to the post-boot state with the same ROM.
  void reset();

  // Runs one frame with `keys` (a mask of the k* bits) held throughout.
  void run_frame(std::uint32_t keys);
  void run_frames(int count, std::uint32_t keys);

  // One environment step of the pokemonred_puffer_v1 schedule: the action's
  // button held for `hold_frames` frames, then released for the rest of
  // `frames_per_step` frames.
  void step(int action, int frames_per_step = 24, int hold_frames = 8);

  // The last finished frame as shades 0..3.
  Frame frame() const;

  Registers registers() const;

  // A read through the CPU's bus (no side effects for RAM; IO reads of
  // registers that change on read are not used by the tests).
  std::uint8_t read8(std::uint16_t address) const;

  std::uint32_t frame_counter() const;

  // Instruction-level driving for lockstep tests: hold `keys` from now on,
  // run exactly one instruction (a halted CPU advances to its next event),
  // and read mGBA's clock in T-cycles since the last load or reset.
  void set_keys(std::uint32_t keys);
  void step_instruction();
  std::uint64_t cycles() const;

 private:
  void load();

  std::vector<std::uint8_t> rom_;
  std::vector<std::uint32_t> video_;
  unsigned video_width_ = 0;
  unsigned video_height_ = 0;
  mCore* core_ = nullptr;
  std::uint64_t start_cycles_ = 0;
};

}  // namespace dreamer::mgba
