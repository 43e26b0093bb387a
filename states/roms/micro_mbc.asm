; micro_mbc.gb: MBC1 ROM banking (64 KiB, 4 banks) with bank-dependent
; output, for emulator equivalence tests.
;
; Banks 1..3 each hold, at $4000: the bank's tile (16 bytes), at $4010 a
; routine that returns the bank number in A, at $4014 a palette byte.
; At start (LCD off) the ROM:
;   - copies each bank's tile into VRAM tile n (n = 1..3; tile 0 is blank);
;   - for each value k in (0, 1, 2, 3, 7) writes k to $2000 and calls $4010,
;     storing the result in table[k index] at $C000. MBC1 maps 0 to bank 1
;     and masks 7 to the ROM's 4 banks (bank 3), so the table must read
;     1, 1, 2, 3, 3;
;   - fills each map row with table[x mod 5], so the screen shows the tiles
;     of the banks that were really mapped.
; Every 32 frames (in VBlank) it selects the next bank (1, 2, 3, 1, ...) and
; copies that bank's palette byte ($4014) into BGP.
include "hardware.inc"
; The cartridge type and start-up values rom_start.inc and lcd_on.inc read.
CART_TYPE equ CART_MBC1
STACK_TOP equ $FFFE
IE_START  equ IE_VBLANK

hVBlank equ $FF80
hFrame  equ $FF81
hBank   equ $FF82
TABLE   equ $C000
MBC1_ROM_BANK equ $2000

  org $0040
  jp vblank_handler

  org $0134               ; cartridge title (up to 15 bytes)
  db "MICRO MBC1"
include "rom_start.inc"  ; header, then start: with the LCD off

  ; tile 0: blank
  ld hl, VRAM_TILES
  ld b, 16
  xor a
.clear_tile:
  ld (hl+), a
  dec b
  jr nz, .clear_tile

  ; tiles 1..3 from banks 1..3 (hl continues at tile 1)
  ld c, 1
.copy_bank_tile:
  ld a, c
  ld (MBC1_ROM_BANK), a
  ld de, $4000
  ld b, 16
.copy_byte:
  ld a, (de)
  ld (hl+), a
  inc de
  dec b
  jr nz, .copy_byte
  inc c
  ld a, c
  cp 4
  jr nz, .copy_bank_tile

  ; table[i] = bank routine result after writing bank_values[i]
  ld hl, bank_values
  ld de, TABLE
.probe:
  ld a, (hl+)
  cp $FF
  jr z, .probe_done
  ld (MBC1_ROM_BANK), a
  push hl
  push de
  call $4010
  pop de
  pop hl
  ld (de), a
  inc de
  jr .probe
.probe_done:

  ; map rows: tile = table[x mod 5]
  ld hl, MAP_9800
  ld c, 18
.row:
  ld de, TABLE
  ld b, 20
.column:
  ld a, (de)
  ld (hl+), a
  inc de
  ld a, e
  cp low(TABLE) + 5
  jr nz, .next
  ld de, TABLE
.next:
  dec b
  jr nz, .column
  push de
  ld de, 12
  add hl, de
  pop de
  dec c
  jr nz, .row

  ld a, 1
  ldh (hBank), a
  ld (MBC1_ROM_BANK), a
  xor a
  ldh (hFrame), a
  ldh (hVBlank), a
  ldh (rSCX), a
  ldh (rSCY), a
  ld a, %11100100
  ldh (rBGP), a
  ld a, LCDC_ON | LCDC_TILES_8000 | LCDC_BG_ON
include "lcd_on.inc"

include "vblank_wait.inc"
  ldh a, (hFrame)
  inc a
  ldh (hFrame), a
  and 31
  jr nz, main_loop
  ldh a, (hBank)
  inc a
  cp 4
  jr nz, .select
  ld a, 1
.select:
  ldh (hBank), a
  ld (MBC1_ROM_BANK), a
  ld a, ($4014)
  ldh (rBGP), a
  jr main_loop

include "vblank_flag.inc"

bank_values:
  db 0, 1, 2, 3, 7, $FF

; --- switchable banks --------------------------------------------------------
  bank 1
  ; tile: light frame
  db $FF,$00, $81,$00, $81,$00, $81,$00, $81,$00, $81,$00, $81,$00, $FF,$00
  ld a, 1
  ret
  ds 1
  db %11100100            ; $4014: identity palette

  bank 2
  ; tile: dark cross
  db $18,$18, $18,$18, $18,$18, $FF,$FF, $FF,$FF, $18,$18, $18,$18, $18,$18
  ld a, 2
  ret
  ds 1
  db %00011011            ; $4014: inverted palette

  bank 3
  ; tile: dark gray diamond on light gray
  db $E7,$18, $C3,$3C, $81,$7E, $00,$FF, $00,$FF, $81,$7E, $C3,$3C, $E7,$18
  ld a, 3
  ret
  ds 1
  db %10010011            ; $4014: rotated palette
