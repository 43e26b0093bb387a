; micro_input.gb: every button on both joypad select lines changes the screen,
; and the CPU never HALTs, so this ROM is also the CPU-heavy benchmark.
;
; Main loop: spins in an arithmetic loop (a 16-bit xorshift-like mix and an
; iteration counter) until the VBlank handler sets a flag; then it
;   - reads the button line (P15 low) and the d-pad line (P14 low);
;   - draws 8 cells in row 2 (A, B, SELECT, START, RIGHT, LEFT, UP, DOWN):
;     tile 2 (filled) when held, tile 1 (empty box) when not;
;   - draws the low byte of the iteration count as 8 cells in row 10 and the
;     high byte of the mixed value as 8 cells in row 12 (tile 3 = 1 bit);
;   - sets SCX to the number of held buttons times 8, SCY to 0.
; The counts shown depend on exact CPU and interrupt timing.
include "hardware.inc"
; The cartridge type and start-up values rom_start.inc reads.
CART_TYPE equ CART_ROM_ONLY
STACK_TOP equ $FFFE

hVBlank   equ $FF80
hPressed  equ $FF81
hCountLow equ $FF82
hMixHigh  equ $FF83
ROW_BUTTONS equ MAP_9800 + 2 * 32 + 2
ROW_COUNT   equ MAP_9800 + 10 * 32 + 2
ROW_MIX     equ MAP_9800 + 12 * 32 + 2

  org $0040
  jp vblank_handler

  org $0134               ; cartridge title (up to 15 bytes)
  db "MICRO INPUT"
include "rom_start.inc"  ; header, then start: with the LCD off

include "copy_tiles.inc"

  ld hl, MAP_9800         ; clear the map to tile 0
  ld bc, 32 * 32
.clear_map:
  xor a
  ld (hl+), a
  dec bc
  ld a, b
  or c
  jr nz, .clear_map

  xor a
  ldh (hVBlank), a
  ldh (hPressed), a
  ldh (hCountLow), a
  ldh (hMixHigh), a
  ldh (rSCX), a
  ldh (rSCY), a
  ld a, %11100100
  ldh (rBGP), a
  ld a, LCDC_ON | LCDC_TILES_8000 | LCDC_BG_ON
  ldh (rLCDC), a
  ld a, IE_VBLANK
  ldh (rIE), a
  xor a
  ldh (rIF), a
  ld bc, 0                ; iteration count
  ld hl, $ACE1            ; mixed value
  ei

busy:
  ; hl = mix(hl): hl ^= hl << 1 (with carry into h), then rotate bytes
  ld d, h
  ld e, l
  add hl, hl
  ld a, l
  xor e
  ld l, a
  ld a, h
  xor d
  ld h, a
  ld a, l
  add a, $3B
  ld l, h
  ld h, a
  inc bc
  ldh a, (hVBlank)
  and a
  jr z, busy

  xor a
  ldh (hVBlank), a
  ld a, c
  ldh (hCountLow), a
  ld a, h
  ldh (hMixHigh), a
  push hl
  call draw_frame
  pop hl
  ld bc, 0
  jr busy

; Reads the joypad and draws the three rows; runs at the start of VBlank.
draw_frame:
  call read_joypad        ; a = 1 bit per held button
  ldh (hPressed), a
  ld de, ROW_BUTTONS
  ld b, a
  ld c, 8
.button:
  ld a, 1
  srl b
  jr nc, .button_off
  inc a
.button_off:
  ld (de), a
  inc de
  inc de
  dec c
  jr nz, .button

  ldh a, (hCountLow)
  ld de, ROW_COUNT
  call draw_bits
  ldh a, (hMixHigh)
  ld de, ROW_MIX
  call draw_bits

  ldh a, (hPressed)       ; SCX = 8 * number of held buttons
  ld b, a
  xor a
  ld c, 8
.count:
  srl b
  jr nc, .count_next
  add a, 8
.count_next:
  dec c
  jr nz, .count
  ldh (rSCX), a
  ret

; Draws a's 8 bits, bit 0 first, as cells at de, de+2, ... (tile 3 = 1).
draw_bits:
  ld b, a
  ld c, 8
.bit:
  xor a
  srl b
  jr nc, .bit_off
  ld a, 3
.bit_off:
  ld (de), a
  inc de
  inc de
  dec c
  jr nz, .bit
  ret

; a = held buttons, 1 bit each: 0 A, 1 B, 2 SELECT, 3 START, 4 RIGHT, 5 LEFT,
; 6 UP, 7 DOWN. Uses b.
read_joypad:
include "read_joypad.inc"
  ld a, b
  ret

include "vblank_flag.inc"

tiles:
  ; 0: blank (white)
  ds 16
  ; 1: empty box
  db $FF,$FF, $81,$81, $81,$81, $81,$81, $81,$81, $81,$81, $81,$81, $FF,$FF
  ; 2: filled box (black frame, dark fill)
  db $FF,$FF, $81,$FF, $81,$FF, $81,$FF, $81,$FF, $81,$FF, $81,$FF, $FF,$FF
  ; 3: light dot block (one bit set)
  db $00,$00, $7E,$00, $7E,$00, $7E,$00, $7E,$00, $7E,$00, $7E,$00, $00,$00
tiles_end:
