#include "actors/gb/bench/mgba_runner.hpp"

#include <fcntl.h>

#include <chrono>
#include <vector>

extern "C" {
#include <mgba-util/vfs.h>
#include <mgba/core/config.h>
#include <mgba/core/core.h>
#include <mgba/core/log.h>
#include <mgba/gb/core.h>
}

#include "common/error.hpp"

namespace dreamer::gb::bench {
namespace {

// mGBA logs every unusual register access to stderr; the bench stays quiet.
void discard_log(mLogger*, int, mLogLevel, const char*, va_list) {}
mLogger quiet_logger = {discard_log, nullptr};

}  // namespace

MgbaRun run_mgba(const std::string& rom_path, int frames) {
  mLogSetDefaultLogger(&quiet_logger);
  mCore* core = GBCoreCreate();
  if (core == nullptr || !core->init(core)) throw Error("mGBA: cannot create a GB core");
  mCoreInitConfig(core, nullptr);
  // mGBA picks the model from the cartridge header; CGB-compatible carts
  // would run as CGB, so every model key is overridden to DMG.
  for (const char* key : {"gb.model", "sgb.model", "cgb.model", "cgb.hybridModel", "cgb.sgbModel"}) {
    mCoreConfigSetOverrideValue(&core->config, key, "DMG");
  }
  core->loadConfig(core, &core->config);
  std::vector<color_t> video(256 * 256);
  core->setVideoBuffer(core, video.data(), 256);
  VFile* file = VFileOpen(rom_path.c_str(), O_RDONLY);
  if (file == nullptr || !core->loadROM(core, file)) {
    mCoreConfigDeinit(&core->config);
    core->deinit(core);
    throw Error("mGBA: cannot load ROM '" + rom_path + "'");
  }
  core->reset(core);
  MgbaRun run;
  run.dmg = core->busRead8(core, 0xFF4D) == 0xFF;
  const auto start = std::chrono::steady_clock::now();
  for (int frame = 0; frame < frames; ++frame) core->runFrame(core);
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  mCoreConfigDeinit(&core->config);
  core->deinit(core);
  return run;
}

}  // namespace dreamer::gb::bench
