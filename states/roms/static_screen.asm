; static_screen.gb: a fixed picture that never changes (Standing Still task).
; Draws an XOR pattern of four tiles that together use all four shades, turns
; the LCD on, then sleeps in HALT, woken only by VBlank; input is ignored, so
; every frame is identical.
include "hardware.inc"

  org $0040               ; VBlank vector
  reti

  org $0100
  nop
  jp start
  logo
  db "STATIC SCREEN"      ; title (up to 15 bytes at $0134)
  org $0147
  db CART_ROM_ONLY
  org $0149
  db $00, $01, $33, $00   ; no RAM, non-Japanese, old licensee byte, version

  org $0150
start:
  di
  ld sp, $FFFE
.wait_vblank:
  ldh a, (rLY)            ; the LCD may only be switched off in VBlank
  cp 144
  jr c, .wait_vblank
  xor a
  ldh (rLCDC), a

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

  ; map[y][x] = (x ^ y) & 3 over the whole 32 x 32 map
  ld hl, MAP_9800
  ld c, 0                 ; y
.row:
  ld b, 0                 ; x
.column:
  ld a, b
  xor c
  and 3
  ld (hl+), a
  inc b
  ld a, b
  cp 32
  jr nz, .column
  inc c
  ld a, c
  cp 32
  jr nz, .row

  ld a, %11100100         ; identity palette: index n -> shade n
  ldh (rBGP), a
  xor a
  ldh (rSCX), a
  ldh (rSCY), a
  ld a, LCDC_ON | LCDC_TILES_8000 | LCDC_BG_ON
  ldh (rLCDC), a
  ld a, IE_VBLANK
  ldh (rIE), a
  xor a
  ldh (rIF), a
  ei
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
