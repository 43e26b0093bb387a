; static_screen.gb: a fixed picture that never changes (Standing Still task).
; Draws an XOR pattern of four tiles that together use all four shades, turns
; the LCD on, then sleeps in HALT, woken only by VBlank; input is ignored, so
; every frame is identical.
include "hardware.inc"
include "fill_map_pattern.inc"
; The cartridge type and start-up values rom_start.inc and lcd_on.inc read.
CART_TYPE equ CART_ROM_ONLY
STACK_TOP equ $FFFE
IE_START  equ IE_VBLANK

  org $0040               ; VBlank vector
  reti

  org $0134               ; cartridge title (up to 15 bytes)
  db "STATIC SCREEN"
include "rom_start.inc"  ; header, then start: with the LCD off

  ld hl, VRAM_TILES
  ld de, tiles
  ld bc, tiles_end - tiles
.copy_tiles:
  ld a, (de)
  ld (hl+), a
  inc de
  dec bc
  ld a, b
  or c
  jr nz, .copy_tiles

  fill_map_pattern xor    ; map[y][x] = (x ^ y) & 3

  ld a, %11100100         ; identity palette: index n -> shade n
  ldh (rBGP), a
  xor a
  ldh (rSCX), a
  ldh (rSCY), a
  ld a, LCDC_ON | LCDC_TILES_8000 | LCDC_BG_ON
include "lcd_on.inc"
forever:
  halt
  jr forever

; Four 8x8 tiles, two bytes per row (low bit plane, high bit plane).
tiles:
  ; 0: white with a light dot in the middle
  db $00,$00, $00,$00, $00,$00, $18,$00, $18,$00, $00,$00, $00,$00, $00,$00
  ; 1: light/white checkerboard
  db $AA,$00, $55,$00, $AA,$00, $55,$00, $AA,$00, $55,$00, $AA,$00, $55,$00
  ; 2: dark gray with black diagonal
  db $80,$FF, $40,$FF, $20,$FF, $10,$FF, $08,$FF, $04,$FF, $02,$FF, $01,$FF
  ; 3: rows of all four shades: white, light, dark, black, twice
  db $00,$00, $FF,$00, $00,$FF, $FF,$FF, $00,$00, $FF,$00, $00,$FF, $FF,$FF
tiles_end:
