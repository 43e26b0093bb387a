#pragma once
// Timer and divider (0xFF04-0xFF07), advanced one M-cycle at a time.
//
// DIV is the upper byte of a 16-bit counter that runs at 4 per M-cycle. TIMA
// counts falling edges of (counter bit selected by TAC) AND (TAC enable), so
// writes to DIV or TAC that drop that signal also increment TIMA. On overflow
// TIMA reads 0 for one M-cycle; in the next one it is loaded from TMA and the
// timer interrupt is requested:
//
//   M-cycle:   n (overflow)   n+1 (reload)        n+2
//   TIMA       00             TMA                 ...
//   phase      1              2                   0
//   write TIMA cancels reload ignored             normal
//   write TMA  -              also lands in TIMA  normal
#include <cstdint>

#include "actors/gb/console.hpp"

namespace dreamer::gb {

// Counter bit whose falling edge clocks TIMA, as a mask, for TAC bits 0-1.
DREAMER_HD_INLINE std::uint16_t timer_bit_mask(std::uint8_t tac) {
  // TAC 1, 2, 3, 0 -> bits 3, 5, 7, 9.
  return static_cast<std::uint16_t>(1u << (((tac - 1u) & 3u) * 2u + 3u));
}

DREAMER_HD_INLINE bool timer_signal(const TimerState& timer, std::uint8_t tac) {
  return (tac & 4) != 0 && (timer.divider & timer_bit_mask(tac)) != 0;
}

DREAMER_HD_INLINE void timer_increment(TimerState& timer) {
  if (++timer.tima == 0) timer.reload_phase = 1;
}

DREAMER_HD_INLINE void timer_tick(Console& console) {
  TimerState& timer = console.timer;
  if (timer.reload_phase != 0) {
    if (timer.reload_phase == 1) {
      timer.tima = timer.tma;
      console.interrupts.if_ |= kIntTimer;
      timer.reload_phase = 2;
    } else {
      timer.reload_phase = 0;
    }
  }
  const std::uint16_t before = timer.divider;
  timer.divider = static_cast<std::uint16_t>(before + 4);
  if ((timer.tac & 4) != 0 && (before & ~timer.divider & timer_bit_mask(timer.tac)) != 0) {
    timer_increment(timer);
  }
}

// M-cycles until the timer next needs exact stepping: the tick in which TIMA
// overflows, or 1 while a reload is in progress. ~0u when the timer is off.
DREAMER_HD_INLINE std::uint32_t timer_cycles_to_event(const TimerState& timer) {
  if (timer.reload_phase != 0) return 1;
  if ((timer.tac & 4) == 0) return ~0u;
  const std::uint32_t period = 2u * timer_bit_mask(timer.tac);  // dots per increment
  const std::uint32_t to_edge = period - (timer.divider & (period - 1));
  const std::uint32_t increments_left = 255u - timer.tima;  // edges before the overflowing one
  return (to_edge + increments_left * period) / 4;
}

// Advances the timer by m_cycles during which no overflow happens (the caller
// guarantees m_cycles < timer_cycles_to_event).
DREAMER_HD_INLINE void timer_skip(TimerState& timer, std::uint32_t m_cycles) {
  const std::uint32_t before = timer.divider;
  const std::uint32_t after = before + 4 * m_cycles;
  if ((timer.tac & 4) != 0) {
    const std::uint32_t period = 2u * timer_bit_mask(timer.tac);
    // Falling edges of the selected bit happen at multiples of the period.
    timer.tima = static_cast<std::uint8_t>(timer.tima + (after / period - before / period));
  }
  timer.divider = static_cast<std::uint16_t>(after);
}

// An increment caused by a DIV/TAC write lands mid-M-cycle; if it overflows
// TIMA, the interrupt is requested early enough for the CPU to see it at the
// end of the writing instruction (mooneye rapid_toggle), while the reload
// from TMA still follows one M-cycle later.
DREAMER_HD_INLINE void timer_write_increment(Console& console) {
  timer_increment(console.timer);
  if (console.timer.reload_phase == 1) console.interrupts.if_ |= kIntTimer;
}

DREAMER_HD_NOINLINE void timer_write_div(Console& console) {
  if (timer_signal(console.timer, console.timer.tac)) timer_write_increment(console);
  console.timer.divider = 0;
}

DREAMER_HD_NOINLINE void timer_write_tac(Console& console, std::uint8_t value) {
  TimerState& timer = console.timer;
  const bool before = timer_signal(timer, timer.tac);
  const std::uint8_t tac = value & 7;
  if (before && !timer_signal(timer, tac)) timer_write_increment(console);
  timer.tac = tac;
}

DREAMER_HD_INLINE void timer_write_tima(TimerState& timer, std::uint8_t value) {
  if (timer.reload_phase == 2) return;
  if (timer.reload_phase == 1) timer.reload_phase = 0;
  timer.tima = value;
}

DREAMER_HD_INLINE void timer_write_tma(TimerState& timer, std::uint8_t value) {
  timer.tma = value;
  if (timer.reload_phase == 2) timer.tima = value;
}

}  // namespace dreamer::gb
