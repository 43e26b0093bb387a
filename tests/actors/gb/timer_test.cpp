// DIV/TIMA counting rates and the overflow/reload sequence, against the
// documented frequencies (DIV 16384 Hz = every 64 M-cycles; TAC=5 262144 Hz =
// every 4 M-cycles).
#include <gtest/gtest.h>

#include <memory>

#include "actors/gb/emulator.hpp"
#include "tests/actors/gb/test_rom.hpp"

namespace dreamer::gb {
namespace {

class TimerTest : public ::testing::Test {
 protected:
  TimerTest()
      : rom_(test::make_rom({0x00})), console_(std::make_unique<Console>()), bus_{*console_, rom_.view(), nullptr} {
    power_on(*console_, rom_.view());
  }
  void idle(int m_cycles) {
    for (int i = 0; i < m_cycles; ++i) tick(bus_);
  }
  Rom rom_;
  std::unique_ptr<Console> console_;
  Bus bus_;
};

TEST_F(TimerTest, DivCountsOncePerSixtyFourMachineCycles) {
  bus_write(bus_, 0xFF04, 0);
  idle(64 * 5 + 63);
  EXPECT_EQ(bus_read(bus_, 0xFF04), 5);
  idle(1);
  EXPECT_EQ(bus_read(bus_, 0xFF04), 6);
}

TEST_F(TimerTest, TimaCountsEveryFourMachineCyclesAtTac5) {
  bus_write(bus_, 0xFF04, 0);
  bus_write(bus_, 0xFF05, 0);
  bus_write(bus_, 0xFF07, 0x05);
  idle(40);
  EXPECT_EQ(bus_read(bus_, 0xFF05), 10);
}

TEST_F(TimerTest, OverflowReadsZeroForOneCycleThenReloadsTmaAndRequestsTheInterrupt) {
  bus_write(bus_, 0xFF04, 0);
  bus_write(bus_, 0xFF06, 0xAB);
  bus_write(bus_, 0xFF05, 0xFF);
  bus_write(bus_, 0xFF0F, 0);
  bus_write(bus_, 0xFF07, 0x05);
  idle(4);  // the 4th M-cycle overflows
  EXPECT_EQ(bus_read(bus_, 0xFF05), 0x00);
  EXPECT_EQ(console_->interrupts.if_ & kIntTimer, 0);
  idle(1);
  EXPECT_EQ(bus_read(bus_, 0xFF05), 0xAB);
  EXPECT_NE(console_->interrupts.if_ & kIntTimer, 0);
}

TEST_F(TimerTest, WritingDivWhileTheSelectedBitIsHighIncrementsTima) {
  bus_write(bus_, 0xFF04, 0);
  bus_write(bus_, 0xFF05, 0);
  bus_write(bus_, 0xFF07, 0x05);  // bit 3 of the counter
  idle(2);                        // counter = 8: bit 3 high
  bus_write(bus_, 0xFF04, 0);
  EXPECT_EQ(bus_read(bus_, 0xFF05), 1);
}

}  // namespace
}  // namespace dreamer::gb
