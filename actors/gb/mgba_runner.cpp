#include "actors/gb/mgba_runner.hpp"

#include "common/error.hpp"

#include <mgba-util/vfs.h>
#include <mgba/core/core.h>
#include <mgba/core/log.h>
#include <mgba/core/timing.h>

#include <cstdarg>
#include <fstream>
#include <iterator>

namespace dreamer::mgba {
namespace {

void discard_log(mLogger*, int, mLogLevel, const char*, va_list) {}

// mGBA logs every unusual IO access to stderr by default; tests keep quiet.
void silence_mgba_log() {
  static mLogger logger{discard_log, nullptr};
  mLogSetDefaultLogger(&logger);
}

// The default DMG grays, written out so that the mapping below cannot drift.
constexpr std::array<int, 4> kPaletteGrays = {0xFFFFFF, 0xAAAAAA, 0x555555, 0x000000};

std::uint8_t shade_of(std::uint32_t color) {
  // mGBA stores 5-bit channels expanded to 8 bits (AA -> AD, 55 -> 52): any
  // channel of a gray, thresholded at the midpoints, gives the shade back.
  const std::uint32_t level = color & 0xFF;
  if (level >= 0xD6) return 0;
  if (level >= 0x80) return 1;
  if (level >= 0x2A) return 2;
  return 3;
}

}  // namespace

MgbaRunner::MgbaRunner(std::span<const std::uint8_t> rom) : rom_(rom.begin(), rom.end()) { load(); }

MgbaRunner MgbaRunner::from_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open ROM '" + path.string() + "'");
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return MgbaRunner(bytes);
}

MgbaRunner::MgbaRunner(MgbaRunner&& other) noexcept
    : rom_(std::move(other.rom_)),
      video_(std::move(other.video_)),
      video_width_(other.video_width_),
      video_height_(other.video_height_),
      core_(other.core_),
      start_cycles_(other.start_cycles_) {
  other.core_ = nullptr;
  // The core keeps pointers to the ROM and video buffers; vectors keep their
  // storage when moved, so those pointers stay valid.
}

MgbaRunner::~MgbaRunner() {
  if (core_ == nullptr) return;
  mCoreConfigDeinit(&core_->config);
  core_->deinit(core_);
}

void MgbaRunner::load() {
  silence_mgba_log();
  core_ = mCoreCreate(mPLATFORM_GB);
  if (core_ == nullptr) throw Error("mGBA: cannot create a GB core");
  if (!core_->init(core_)) throw Error("mGBA: GB core init failed");
  mCoreInitConfig(core_, nullptr);
  // Without these mGBA picks a model from the cartridge header: "gb.model"
  // alone still runs CGB-flagged carts (the Blargg ROMs: header byte 0x143 =
  // 0x80) as a CGB, with CGB register values (A = 0x11).
  for (const char* key : {"gb.model", "sgb.model", "cgb.model", "cgb.hybridModel", "cgb.sgbModel"}) {
    mCoreConfigSetValue(&core_->config, key, "DMG");
  }
  // Real hardware reports LEFT+RIGHT (or UP+DOWN) held together; mGBA
  // filters such pairs out unless told otherwise.
  mCoreConfigSetIntValue(&core_->config, "allowOpposingDirections", 1);
  for (int index = 0; index < 12; ++index) {
    const std::string key = "gb.pal[" + std::to_string(index) + "]";
    mCoreConfigSetIntValue(&core_->config, key.c_str(), kPaletteGrays[static_cast<std::size_t>(index % 4)]);
  }
  core_->loadConfig(core_, &core_->config);
  core_->desiredVideoDimensions(core_, &video_width_, &video_height_);
  DREAMER_ASSERT(video_width_ >= kScreenWidth && video_height_ >= kScreenHeight, "mGBA video buffer too small");
  video_.assign(static_cast<std::size_t>(video_width_) * video_height_, 0);
  core_->setVideoBuffer(core_, reinterpret_cast<color_t*>(video_.data()), video_width_);
  VFile* file = VFileFromConstMemory(rom_.data(), rom_.size());
  if (file == nullptr || !core_->loadROM(core_, file)) throw Error("mGBA rejected the ROM");
  core_->reset(core_);
  start_cycles_ = mTimingGlobalTime(core_->timing);
}

void MgbaRunner::reset() {
  core_->reset(core_);
  start_cycles_ = mTimingGlobalTime(core_->timing);
}

void MgbaRunner::run_frame(std::uint32_t keys) {
  core_->setKeys(core_, keys);
  core_->runFrame(core_);
}

void MgbaRunner::run_frames(int count, std::uint32_t keys) {
  for (int i = 0; i < count; ++i) run_frame(keys);
}

void MgbaRunner::step(int action, int frames_per_step, int hold_frames) {
  DREAMER_ASSERT(action >= 0 && action < static_cast<int>(kActionKeys.size()), "action out of range");
  for (int frame_index = 0; frame_index < frames_per_step; ++frame_index) {
    run_frame(frame_index < hold_frames ? kActionKeys[static_cast<std::size_t>(action)] : 0);
  }
}

Frame MgbaRunner::frame() const {
  Frame shades(static_cast<std::size_t>(kScreenWidth) * kScreenHeight);
  for (int y = 0; y < kScreenHeight; ++y) {
    for (int x = 0; x < kScreenWidth; ++x) {
      const std::uint32_t color = video_[static_cast<std::size_t>(y) * video_width_ + static_cast<std::size_t>(x)];
      shades[static_cast<std::size_t>(y) * kScreenWidth + static_cast<std::size_t>(x)] = shade_of(color);
    }
  }
  return shades;
}

Registers MgbaRunner::registers() const {
  const auto read = [this](const char* name) -> std::uint32_t {
    std::uint32_t value = 0;
    if (!core_->readRegister(core_, name, &value)) throw Error(std::string("mGBA: no register ") + name);
    return value;
  };
  Registers registers;
  registers.a = static_cast<std::uint8_t>(read("a"));
  registers.f = static_cast<std::uint8_t>(read("f"));
  registers.b = static_cast<std::uint8_t>(read("b"));
  registers.c = static_cast<std::uint8_t>(read("c"));
  registers.d = static_cast<std::uint8_t>(read("d"));
  registers.e = static_cast<std::uint8_t>(read("e"));
  registers.h = static_cast<std::uint8_t>(read("h"));
  registers.l = static_cast<std::uint8_t>(read("l"));
  registers.sp = static_cast<std::uint16_t>(read("sp"));
  registers.pc = static_cast<std::uint16_t>(read("pc"));
  return registers;
}

std::uint8_t MgbaRunner::read8(std::uint16_t address) const {
  return static_cast<std::uint8_t>(core_->busRead8(core_, address));
}

std::uint32_t MgbaRunner::frame_counter() const { return core_->frameCounter(core_); }

void MgbaRunner::set_keys(std::uint32_t keys) { core_->setKeys(core_, keys); }

void MgbaRunner::step_instruction() { core_->step(core_); }

// mGBA 0.10 counts GB time in 8 MHz units (two per T-cycle, also in single speed).
std::uint64_t MgbaRunner::cycles() const { return (mTimingGlobalTime(core_->timing) - start_cycles_) / 2; }

}  // namespace dreamer::mgba
