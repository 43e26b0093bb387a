; micro_timer_ppu.gb: timer and STAT/LYC interrupts that change the picture
; mid-frame, so only scanline-exact rendering and exact interrupt timing give
; the same frames as a reference emulator.
;
;   VBlank  ($40): frame counter += 1; SCY = frame counter; SCX = 0;
;                  BGP = identity; LYC = 8.
;   STAT    ($48): on LY == LYC: SCX = LY + frame counter (written first, in
;                  mode 2), BGP rotated by one shade slot, LYC += 8 (stops
;                  after line 136).
;   Timer   ($50): TAC = 262144 Hz, TMA = 0: fires every 4096 cycles (about
;                  9.1 lines), unsynchronised with the frame, and flips two
;                  palette slots (BGP ^= %00110011), so the band it paints
;                  drifts from frame to frame.
; Picture: a map of four striped tiles ((x + y) & 3) that shows every SCX/SCY
; and palette change. The main loop only HALTs.
include "hardware.inc"
include "fill_map_pattern.inc"
; The cartridge type and start-up values rom_start.inc and lcd_on.inc read.
CART_TYPE equ CART_ROM_ONLY
STACK_TOP equ $FFFE
IE_START  equ IE_VBLANK | IE_STAT | IE_TIMER

hFrame equ $FF80

  org $0040
  jp vblank_handler
  org $0048
  jp stat_handler
  org $0050
  jp timer_handler

  org $0134               ; cartridge title (up to 15 bytes)
  db "MICRO TIMER PPU"
include "rom_start.inc"  ; header, then start: with the LCD off

include "copy_tiles.inc"

  fill_map_pattern add    ; map[y][x] = (x + y) & 3

  xor a
  ldh (hFrame), a
  ldh (rSCX), a
  ldh (rSCY), a
  ldh (rTMA), a
  ldh (rTIMA), a
  ld a, %11100100
  ldh (rBGP), a
  ld a, 8
  ldh (rLYC), a
  ld a, STAT_LYC_INT
  ldh (rSTAT), a
  ld a, %101              ; timer on, 262144 Hz
  ldh (rTAC), a
  ld a, LCDC_ON | LCDC_TILES_8000 | LCDC_BG_ON
include "lcd_on.inc"
forever:
  halt
  jr forever

vblank_handler:
  push af
  ldh a, (hFrame)
  inc a
  ldh (hFrame), a
  ldh (rSCY), a
  xor a
  ldh (rSCX), a
  ld a, %11100100
  ldh (rBGP), a
  ld a, 8
  ldh (rLYC), a
  pop af
  reti

stat_handler:
  push af
  push bc
  ldh a, (hFrame)
  ld b, a
  ldh a, (rLY)
  add a, b
  ldh (rSCX), a
  ldh a, (rBGP)
  rlca
  rlca
  ldh (rBGP), a
  ldh a, (rLYC)
  add a, 8
  cp 144
  jr nc, .done
  ldh (rLYC), a
.done:
  pop bc
  pop af
  reti

timer_handler:
  push af
  ldh a, (rBGP)
  xor %00110011
  ldh (rBGP), a
  pop af
  reti

tiles:
  ; 0: vertical stripes, two pixels of each shade
  db $33,$0F, $33,$0F, $33,$0F, $33,$0F, $33,$0F, $33,$0F, $33,$0F, $33,$0F
  ; 1: horizontal bands of each shade
  db $00,$00, $00,$00, $FF,$00, $FF,$00, $00,$FF, $00,$FF, $FF,$FF, $FF,$FF
  ; 2: diagonal of black on light
  db $FF,$80, $FF,$40, $FF,$20, $FF,$10, $FF,$08, $FF,$04, $FF,$02, $FF,$01
  ; 3: checkerboard of white and dark
  db $00,$AA, $00,$55, $00,$AA, $00,$55, $00,$AA, $00,$55, $00,$AA, $00,$55
tiles_end:
