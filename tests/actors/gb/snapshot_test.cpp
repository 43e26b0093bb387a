// Snapshots: save -> restore -> run is bit-identical to running straight
// through; bad files are rejected with a message naming the field.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "actors/gb/emulator.hpp"
#include "actors/gb/snapshot.hpp"
#include "common/error.hpp"
#include "tests/actors/gb/test_rom.hpp"

namespace dreamer::gb {
namespace {

Rom busy_rom() { return test::interrupt_loop_rom(0x05, "busy"); }

TEST(Snapshot, RestoredRunIsBitIdenticalToRunningStraightThrough) {
  const Rom rom = busy_rom();
  auto straight = std::make_unique<Console>();
  power_on(*straight, rom.view());
  for (int i = 0; i < 30; ++i) run_frame(*straight, rom.view(), FrameSink{});
  const std::vector<std::uint8_t> saved = save_snapshot(*straight, rom);
  std::vector<std::uint8_t> observation_a(1440), observation_b(1440);
  for (int i = 0; i < 30; ++i) run_frame(*straight, rom.view(), FrameSink{nullptr, observation_a.data()});

  auto restored = std::make_unique<Console>();
  std::memset(restored.get(), 0xAA, sizeof(Console));
  restore_snapshot(*restored, saved, rom);
  for (int i = 0; i < 30; ++i) run_frame(*restored, rom.view(), FrameSink{nullptr, observation_b.data()});

  EXPECT_GT(straight->counters.instructions, 1000u);
  EXPECT_GT(straight->serial.out_count, 10u);
  EXPECT_EQ(std::memcmp(straight.get(), restored.get(), sizeof(Console)), 0);
  EXPECT_EQ(observation_a, observation_b);
}

TEST(Snapshot, RejectsWrongVersionAndWrongSizeWithClearErrors) {
  const Rom rom = busy_rom();
  auto console = std::make_unique<Console>();
  power_on(*console, rom.view());
  std::vector<std::uint8_t> bytes = save_snapshot(*console, rom);

  std::vector<std::uint8_t> wrong_version = bytes;
  wrong_version[8] = 99;
  try {
    restore_snapshot(*console, wrong_version, rom);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("version 99 at offset 8"), std::string::npos) << error.what();
  }

  std::vector<std::uint8_t> truncated(bytes.begin(), bytes.end() - 100);
  try {
    restore_snapshot(*console, truncated, rom);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("payload size"), std::string::npos) << error.what();
  }

  // Same cartridge type, another image: refused, naming the ROM.
  std::vector<std::uint8_t> other_bytes = rom.bytes();
  other_bytes[0x150] ^= 0xFF;
  const Rom other(std::move(other_bytes), "other");
  try {
    restore_snapshot(*console, bytes, other);
    FAIL() << "a snapshot of another ROM image was restored";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("another ROM image"), std::string::npos) << error.what();
  }

  std::vector<std::uint8_t> bad_magic = bytes;
  bad_magic[0] = 'X';
  EXPECT_THROW(restore_snapshot(*console, bad_magic, rom), Error);
}

}  // namespace
}  // namespace dreamer::gb
