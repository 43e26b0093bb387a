; exit_room.gb: a small overworld task shaped like Pokemon's (DESIGN.md §5).
;
; A walled room of 10 x 8 floor tiles (12 x 10 with its walls) drawn with BG
; tiles, with a door in the bottom wall. The player is OBJ sprite 0 and starts
; in the top-left floor tile; the door is 7 tiles right and 8 down, so the
; shortest way out is 15 moves. The main loop sleeps in HALT until VBlank,
; then, once per frame:
;   - copies the player position into OAM;
;   - while moving, steps 1 pixel (8 frames = one 8-pixel tile), then checks
;     the arrival tile;
;   - while standing, reads the d-pad (0xFF00, active-low) and starts a one-tile
;     move toward a floor or door tile (walls block: nothing happens).
; The frame that starts a move does not move a pixel and the arrival frame
; does not read the d-pad, so a button held for the first 8 frames of a
; 24-frame step gives exactly one tile per step. Arriving on the door shows
; the outside (second BG map at $9C00: grass, trees, the house, a path) with
; the player in front of the door; that screen then stays forever.
; No randomness: the game is a pure function of its inputs.
;
; Screen layout (tile coordinates, 20 x 18):
;   room walls: columns 4..15, rows 4..13; floor: columns 5..14, rows 5..12
;   start: (5, 5); door: (12, 13); outside player: (9, 5)
include "hardware.inc"
; The cartridge type and start-up values rom_start.inc and lcd_on.inc read.
CART_TYPE equ CART_ROM_ONLY
STACK_TOP equ $FFFE
IE_START  equ IE_VBLANK

TILE_VOID   equ 0
TILE_FLOOR  equ 1
TILE_WALL   equ 2
TILE_DOOR   equ 3
TILE_GRASS  equ 4
TILE_TREE   equ 5
TILE_PATH   equ 6
TILE_PLAYER equ 7
TILE_ROOF   equ 8

START_TILE_X   equ 5
START_TILE_Y   equ 5
OUTSIDE_TILE_X equ 9
OUTSIDE_TILE_Y equ 5
MAP_WIDTH      equ 20
MAP_HEIGHT     equ 18

; Variables in HRAM.
hVBlank    equ $FF80   ; set by the VBlank handler
hPixelX    equ $FF81   ; player position on screen, pixels
hPixelY    equ $FF82
hTileX     equ $FF83   ; player position, tiles (updated on arrival)
hTileY     equ $FF84
hMoveCount equ $FF85   ; pixels left in the current move (0 = standing)
hMoveDX    equ $FF86   ; -1, 0, 1 (as $FF, $00, $01)
hMoveDY    equ $FF87
hOutside   equ $FF88   ; 1 once the player went through the door

  org $0040               ; VBlank vector
  jp vblank_handler

  org $0134               ; cartridge title (up to 15 bytes)
  db "EXIT ROOM"
include "rom_start.inc"  ; header, then start: with the LCD off

  ld hl, VRAM_TILES
  ld de, tiles
  ld bc, tiles_end - tiles
  call copy_bytes
  ld hl, MAP_9800
  ld de, room_map
  call copy_map
  ld hl, MAP_9C00
  ld de, outside_map
  call copy_map

  ld hl, OAM
  ld b, 160
  xor a
.clear_oam:
  ld (hl+), a
  dec b
  jr nz, .clear_oam

  ld a, START_TILE_X
  ldh (hTileX), a
  ld a, START_TILE_X * 8
  ldh (hPixelX), a
  ld a, START_TILE_Y
  ldh (hTileY), a
  ld a, START_TILE_Y * 8
  ldh (hPixelY), a
  xor a
  ldh (hMoveCount), a
  ldh (hMoveDX), a
  ldh (hMoveDY), a
  ldh (hOutside), a
  ldh (hVBlank), a
  ldh (rSCX), a
  ldh (rSCY), a
  ld a, %11100100
  ldh (rBGP), a
  ldh (rOBP0), a
  call update_sprite

  ld a, LCDC_ON | LCDC_TILES_8000 | LCDC_OBJ_ON | LCDC_BG_ON
include "lcd_on.inc"

include "vblank_wait.inc"
  call update_sprite
  ldh a, (hOutside)
  and a
  jr nz, main_loop
  ldh a, (hMoveCount)
  and a
  jr nz, .moving

  call read_dpad          ; a: bit 0 right, 1 left, 2 up, 3 down (1 = held)
  ld bc, $0100            ; b = dx, c = dy: right
  bit 0, a
  jr nz, .try_move
  ld b, $FF               ; left
  bit 1, a
  jr nz, .try_move
  ld b, 0
  ld c, $FF               ; up
  bit 2, a
  jr nz, .try_move
  ld c, 1                 ; down
  bit 3, a
  jr nz, .try_move
  jr main_loop

.try_move:
  ldh a, (hTileX)
  add a, b
  ld d, a
  ldh a, (hTileY)
  add a, c
  ld e, a
  push bc
  ld b, d
  ld c, e
  call room_tile_at
  pop bc
  cp TILE_FLOOR
  jr z, .start_move
  cp TILE_DOOR
  jr nz, main_loop
.start_move:
  ld a, b
  ldh (hMoveDX), a
  ld a, c
  ldh (hMoveDY), a
  ld a, 8
  ldh (hMoveCount), a
  jr main_loop

.moving:
  dec a
  ldh (hMoveCount), a
  ld c, a
  ldh a, (hMoveDX)
  ld b, a
  ldh a, (hPixelX)
  add a, b
  ldh (hPixelX), a
  ldh a, (hMoveDY)
  ld b, a
  ldh a, (hPixelY)
  add a, b
  ldh (hPixelY), a
  ld a, c
  and a
  jr nz, main_loop

  ; Arrived: update the tile position and look at the tile.
  ldh a, (hMoveDX)
  ld b, a
  ldh a, (hTileX)
  add a, b
  ldh (hTileX), a
  ld d, a
  ldh a, (hMoveDY)
  ld b, a
  ldh a, (hTileY)
  add a, b
  ldh (hTileY), a
  ld c, a
  ld b, d
  call room_tile_at
  cp TILE_DOOR
  jp nz, main_loop
  call go_outside
  jp main_loop

; Switches to the outside screen (BG map $9C00) with the player on the path.
go_outside:
  ld a, 1
  ldh (hOutside), a
  ld a, OUTSIDE_TILE_X * 8
  ldh (hPixelX), a
  ld a, OUTSIDE_TILE_Y * 8
  ldh (hPixelY), a
  ld a, LCDC_ON | LCDC_TILES_8000 | LCDC_BG_9C00 | LCDC_OBJ_ON | LCDC_BG_ON
  ldh (rLCDC), a
  jp update_sprite

include "vblank_flag.inc"

; a = d-pad state, 1 = held: bit 0 right, 1 left, 2 up, 3 down. Uses b.
read_dpad:
  ld a, P1_DPAD
  ldh (rP1), a
  ldh a, (rP1)            ; read a few times: the lines take a moment to settle
  ldh a, (rP1)
  ldh a, (rP1)
  ldh a, (rP1)
  cpl
  and $0F
  ld b, a
  ld a, P1_NONE
  ldh (rP1), a
  ld a, b
  ret

; OAM entry 0 = the player at (hPixelX, hPixelY). Uses a, hl.
update_sprite:
  ld hl, OAM
  ldh a, (hPixelY)
  add a, 16
  ld (hl+), a
  ldh a, (hPixelX)
  add a, 8
  ld (hl+), a
  ld a, TILE_PLAYER
  ld (hl+), a
  xor a
  ld (hl), a
  ret

; a = room_map[c][b] (b = x, c = y in tiles). Uses de, hl.
room_tile_at:
  ld h, 0
  ld l, c
  add hl, hl
  add hl, hl              ; 4 y
  ld d, h
  ld e, l
  add hl, hl
  add hl, hl              ; 16 y
  add hl, de              ; 20 y
  ld e, b
  ld d, 0
  add hl, de
  ld de, room_map
  add hl, de
  ld a, (hl)
  ret

include "copy_bytes.inc"

; Copies a 20 x 18 map from de into the 32-wide BG map at hl.
copy_map:
  ld c, MAP_HEIGHT
.row:
  ld b, MAP_WIDTH
.column:
  ld a, (de)
  ld (hl+), a
  inc de
  dec b
  jr nz, .column
  push de
  ld de, 32 - MAP_WIDTH
  add hl, de
  pop de
  dec c
  jr nz, .row
  ret

; Tiles, two bytes per row (low bit plane, high bit plane); shade = hi<<1|lo.
tiles:
  ; 0 void: black
  db $FF,$FF, $FF,$FF, $FF,$FF, $FF,$FF, $FF,$FF, $FF,$FF, $FF,$FF, $FF,$FF
  ; 1 floor: white with two light dots
  db $00,$00, $00,$00, $20,$00, $00,$00, $00,$00, $00,$00, $02,$00, $00,$00
  ; 2 wall: dark bricks with black mortar
  db $FF,$FF, $80,$FF, $80,$FF, $80,$FF, $FF,$FF, $08,$FF, $08,$FF, $08,$FF
  ; 3 door: black frame, light panel, black knob
  db $FF,$FF, $FF,$81, $FF,$81, $FF,$81, $FF,$85, $FF,$81, $FF,$81, $FF,$81
  ; 4 grass: white with dark tufts
  db $00,$00, $00,$00, $00,$24, $00,$00, $00,$00, $00,$42, $00,$00, $00,$00
  ; 5 tree: dark canopy with black outline and trunk
  db $3C,$3C, $42,$7E, $81,$FF, $81,$FF, $42,$7E, $3C,$3C, $18,$18, $18,$18
  ; 6 path: light gray with white pebbles
  db $FF,$00, $FF,$00, $FF,$00, $EF,$00, $FF,$00, $FF,$00, $FD,$00, $FF,$00
  ; 7 player (OBJ; index 0 is transparent): black outline, light face, eyes
  db $3C,$3C, $7E,$42, $FF,$A5, $FF,$81, $FF,$99, $7E,$42, $3C,$3C, $24,$24
  ; 8 roof: black / dark checker
  db $AA,$FF, $55,$FF, $AA,$FF, $55,$FF, $AA,$FF, $55,$FF, $AA,$FF, $55,$FF
tiles_end:

; The room: 0 void, 1 floor, 2 wall, 3 door.
room_map:
  db 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  db 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  db 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  db 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  db 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0
  db 0, 0, 0, 0, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 0, 0, 0, 0
  db 0, 0, 0, 0, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 0, 0, 0, 0
  db 0, 0, 0, 0, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 0, 0, 0, 0
  db 0, 0, 0, 0, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 0, 0, 0, 0
  db 0, 0, 0, 0, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 0, 0, 0, 0
  db 0, 0, 0, 0, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 0, 0, 0, 0
  db 0, 0, 0, 0, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 0, 0, 0, 0
  db 0, 0, 0, 0, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 0, 0, 0, 0
  db 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 2, 2, 0, 0, 0, 0
  db 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  db 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  db 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  db 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0

; The outside: 4 grass, 5 tree, 6 path, 8 roof, 2 wall, 3 door.
outside_map:
  db 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4
  db 4, 4, 4, 4, 4, 4, 8, 8, 8, 8, 8, 8, 8, 8, 4, 4, 4, 4, 4, 4
  db 4, 4, 4, 4, 4, 4, 8, 8, 8, 8, 8, 8, 8, 8, 4, 4, 5, 4, 4, 4
  db 4, 4, 5, 4, 4, 4, 2, 2, 2, 2, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4
  db 4, 4, 4, 4, 4, 4, 2, 2, 2, 3, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4
  db 4, 4, 4, 4, 4, 4, 4, 4, 4, 6, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4
  db 4, 4, 4, 4, 4, 4, 4, 4, 4, 6, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4
  db 4, 5, 4, 4, 4, 4, 4, 4, 4, 6, 4, 4, 4, 4, 4, 4, 4, 5, 4, 4
  db 4, 4, 4, 4, 4, 4, 4, 4, 4, 6, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4
  db 4, 4, 4, 4, 4, 4, 4, 4, 4, 6, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4
  db 4, 4, 4, 4, 4, 4, 4, 4, 4, 6, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4
  db 4, 4, 4, 4, 4, 4, 4, 4, 4, 6, 4, 4, 4, 4, 4, 5, 4, 4, 4, 4
  db 4, 4, 4, 5, 4, 4, 4, 4, 4, 6, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4
  db 4, 4, 4, 4, 4, 4, 4, 4, 4, 6, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4
  db 4, 4, 4, 4, 4, 4, 4, 4, 4, 6, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4
  db 4, 4, 4, 4, 4, 4, 4, 4, 4, 6, 4, 4, 5, 4, 4, 4, 4, 4, 4, 4
  db 4, 4, 4, 4, 4, 5, 4, 4, 4, 6, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4
  db 4, 4, 4, 4, 4, 4, 4, 4, 4, 6, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4
