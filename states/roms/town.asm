; town.gb: a small Pokemon-shaped overworld game, the project's CPU-load
; workload (issue 15, docs/roms.md "town").
;
; Areas (block maps of 16x16-pixel blocks, each 2x2 BG tiles):
;   0 town      20 x 18 blocks (40 x 36 tiles), larger than the screen; the
;               game starts on its path at (10, 9)
;   1 house_1f  10 x 8, door mat to the town, stairs up
;   2 house_2f  10 x 8, stairs down
;   3 shop      10 x 8, door mat to the town
; Doors, mats and stairs are warps (warp tables below). An area load fades
; the palettes out, switches the LCD off in VBlank, decompresses the area's
; block map (RLE, ROM banks 2..5) into WRAM and the tile sets (bank 1) into
; VRAM, draws the 12 x 11 blocks around the player, and fades back in.
;
; Frame loop: HALT until the VBlank handler ran (it copies the shadow OAM by
; OAM DMA from an HRAM routine, applies queued VRAM writes, and the shadow
; scroll, palette, window and LCDC registers), read the joypad, then either
; the text box or the START menu, or the game: sprite collisions, the
; player, the NPCs (scripts in bank 7), sprite assembly; then animate the
; water, play the music (4 channels from bank 6, vibrato on the pulse
; channels) and publish queued VRAM writes.
; Work that overruns a frame simply skips the HALT of the next one.
;
; The player walks one block (16 pixels, 1 pixel per frame) per step; the
; camera keeps it at screen pixel (64, 64) and scrolls with SCX/SCY; each
; step queues the newly exposed row or column of blocks into the 32x32 BG
; map, which wraps. NPCs follow looping scripts (walk, face, wait) and are
; blocked by the map and by every other actor. Facing an NPC and pressing A
; opens a text box (window) printed one character per frame; A or B closes
; it once printed. START opens the menu (window); B, START, or A on EXIT
; closes it. No randomness: the game is a pure function of its inputs.
;
; Fixed addresses, for tasks and tests:
;   $C100 area id   $C101 text box open   $C102 menu open   $C103 menu cursor
;   $C104 characters printed in the open text box
;   $C200 actor 0 = the player: $C201 tile x, $C202 tile y, $C203 facing
;         (0 down, 1 up, 2 left, 3 right), $C204 pixels left in the step
;   $C210 + 16 n: actor n (NPCs), same layout
;   $FF9E frame counter (VBlank count)
include "hardware.inc"
; The cartridge type rom_start.inc reads (and STACK_TOP, in the WRAM map below).
CART_TYPE equ CART_MBC1

MBC1_ROM_BANK equ $2000
TILES_BANK    equ 1
TEXT_BANK     equ 6
MUSIC_BANK    equ 6
SCRIPT_BANK   equ 7

AREA_TOWN     equ 0
AREA_HOUSE_1F equ 1
AREA_HOUSE_2F equ 2
AREA_SHOP     equ 3

START_AREA equ AREA_TOWN
START_X    equ 10
START_Y    equ 9

FACING_DOWN  equ 0
FACING_UP    equ 1
FACING_LEFT  equ 2
FACING_RIGHT equ 3

BTN_A      equ 0
BTN_B      equ 1
BTN_START  equ 3
BTN_RIGHT  equ 4
BTN_LEFT   equ 5
BTN_UP     equ 6
BTN_DOWN   equ 7

; Actors: 9 records of 16 bytes at wActors (16-byte aligned, one page).
ACTOR_SIZE   equ 16
MAX_ACTORS   equ 9
ACT_KIND     equ 0    ; 0 none, KIND_*
ACT_X        equ 1    ; tile (block) position; the destination while moving
ACT_Y        equ 2
ACT_FACING   equ 3
ACT_LEFT     equ 4    ; pixels left in the current step (0 = standing)
ACT_PHASE    equ 5    ; toggles each step (walk-cycle mirror)
ACT_WAIT     equ 6    ; script wait frames
ACT_PC       equ 7    ; 2 bytes: next script command (bank 7)
ACT_START    equ 9    ; 2 bytes: script start
ACT_TEXT     equ 11   ; text id
ACT_ATTR     equ 12   ; OAM attributes (palette)
ACT_BLOCKED  equ 13   ; bit per direction: another actor's sprite is in the way
ACT_VISIBLE  equ 14   ; 1: on the screen or within a block of it (only those move)
KIND_PLAYER  equ 1
KIND_PERSON  equ 2
KIND_DOG     equ 3
STEP_PIXELS  equ 16

; NPC script commands (bank 7).
SCRIPT_WAIT  equ $00  ; + n (1..63): wait 4 n frames
SCRIPT_WALK  equ $40  ; + direction: one step (retried each frame while blocked)
SCRIPT_FACE  equ $80  ; + direction
SCRIPT_LOOP  equ $FF  ; back to the start

; Sprite pictures (4 tiles each from TILES_SPRITE_FIRST: TL, BL, TR, BR).
PIC_PERSON_DOWN equ 0
PIC_PERSON_UP   equ 2
PIC_PERSON_SIDE equ 4
PIC_DOG_SIDE    equ 6

QUEUE_MAX    equ 48   ; VRAM writes per VBlank
FADE_FRAMES  equ 4
TEXT_NEWLINE equ $0A
TEXT_BOX_Y   equ 96   ; WY of the text box (6 tile rows at the bottom)
MENU_X       equ 95   ; WX of the START menu (9 tile columns at the right)
MENU_ITEMS   equ 6
MENU_EXIT    equ 5
TEXT_MENU_FIRST equ 7     ; text id of the first menu item's box
LCDC_GAME    equ LCDC_ON | LCDC_WIN_9C00 | LCDC_TILES_8000 | LCDC_OBJ_ON | LCDC_BG_ON
TILE_BLANK   equ TILES_FONT_FIRST          ; the font's space
TILE_CURSOR  equ TILES_FONT_FIRST + 18     ; '>' (FONT_CHARS in make_town_data.py)

; WRAM
wShadowOam  equ $C000   ; 160 bytes, copied to OAM by DMA every VBlank
wArea       equ $C100
wTextOpen   equ $C101
wMenuOpen   equ $C102
wMenuCursor equ $C103
wTextCount  equ $C104
wTextPtr    equ $C105   ; 2: next character in bank 6 (high byte 0: all printed)
wTextColumn equ $C107
wTextRow    equ $C108
wMapWidth   equ $C110
wMapHeight  equ $C111
wMapBorder  equ $C112
wWarps      equ $C113   ; 2
wNpcs       equ $C115   ; 2
wCamX       equ $C117   ; 2: map pixel at the screen's left edge
wCamY       equ $C119   ; 2
wOamPtr     equ $C11B   ; low byte of the next free shadow OAM entry
wSprX       equ $C11C   ; 2: OAM x of the actor being assembled
wSprY       equ $C11E   ; 2
wSprTile    equ $C120
wSprAttr    equ $C121
wSprFlip    equ $C122   ; 0 or 2
wSprGrass   equ $C127   ; $80 (behind the BG) for the bottom half in tall grass
wQueueCount equ $C123   ; published entries, applied and zeroed by VBlank
wQueueFill  equ $C124   ; entries added since the last publish
wQueuePtr   equ $C125   ; 2
wWaterTile  equ $C130   ; 16: the animated water tile
wRowOffsets equ $C140   ; 2 x height: address of each map row
wPixels     equ $C1C0   ; 4 x MAX_ACTORS: each actor's pixel x, y (16-bit) this frame
wOuter      equ $C190   ; collision detection: low byte of the actor checked
wMask       equ $C191   ; its ACT_BLOCKED so far
wDx         equ $C192   ; 2: the other actor's offset
wDy         equ $C194   ; 2
wSong       equ $C198   ; 2: the area's song
wMoved      equ $C19A   ; 1: a sprite moved or turned this frame
wMusicNote  equ $C196   ; music: the event being started
wVibrato    equ $C197   ; music: this frame's period offset
wMusic      equ $C1A0   ; 8 x 4 channels: stream (2), frames left, note, vibrato
                        ; phase, stream start (2)
wActors     equ $C200
wQueue      equ $C300   ; QUEUE_MAX x (address low, address high, value)
wMap        equ $D000   ; the area's block map
STACK_TOP   equ $E000

; HRAM
OAM_DMA     equ $FF80   ; the DMA routine, copied from oam_dma_code
hVBlank     equ $FF90
hJoyHeld    equ $FF91
hJoyPressed equ $FF92
hScx        equ $FF93
hScy        equ $FF94
hBgp        equ $FF95
hObp0       equ $FF96
hObp1       equ $FF97
hLcdc       equ $FF98
hWx         equ $FF99
hWy         equ $FF9A
hOamBusy    equ $FF9C   ; 1 while build_oam runs: VBlank keeps the last OAM and scroll
hFrame      equ $FF9E

  org $0040               ; VBlank vector
  jp vblank_handler

  org $0134               ; cartridge title (up to 15 bytes)
  db "DREAMER TOWN"
include "rom_start.inc"  ; header, then start: with the LCD off
  ld hl, $C000
  ld bc, STACK_TOP - $100 - $C000 ; all WRAM below the stack's page
  call clear_bytes
  ld hl, hVBlank
  ld bc, hFrame + 1 - hVBlank
  call clear_bytes
  ld hl, OAM_DMA
  ld de, oam_dma_code
  ld bc, oam_dma_code_end - oam_dma_code
  call copy_bytes
  ld hl, OAM
  ld bc, 160
  call clear_bytes
  ld a, low(wQueue)
  ld (wQueuePtr), a
  ld a, high(wQueue)
  ld (wQueuePtr + 1), a
  call sound_on
  ld a, 3
  call set_fade           ; white until the first fade-in
  ld a, START_AREA
  ld b, START_X
  ld c, START_Y
  ld d, FACING_DOWN
  call load_area
  ld a, IE_VBLANK
  ldh (rIE), a
  xor a
  ldh (rIF), a
  ei
  call screen_on

main_loop:
  call wait_frame
  call read_joypad
  call update_game
  call animate_water
  call music_update
  call queue_publish
  jr main_loop

update_game:
  ld a, (wTextOpen)
  and a
  jp nz, text_update
  ld a, (wMenuOpen)
  and a
  jp nz, menu_update
  ld a, (wMoved)          ; positions as the last detection saw them: its
  and a                   ; results still hold
  call nz, detect_collisions
  xor a
  ld (wMoved), a
  call player_update
  call npcs_update
  ld a, (wMoved)          ; nothing moved or turned: the OAM stays
  and a
  ret z
  jp build_oam

; --- interrupts and frame pacing ---------------------------------------------

vblank_handler:
  push af
  push bc
  push de
  push hl
  ldh a, (hOamBusy)
  and a
  jr nz, .queue           ; a half-built OAM would tear: keep the last one
  call OAM_DMA
  ldh a, (hScx)
  ldh (rSCX), a
  ldh a, (hScy)
  ldh (rSCY), a
.queue:
  ld a, (wQueueCount)
  and a
  jr z, .registers
  ld b, a
  ld hl, wQueue
.entry:
  ld a, (hl+)
  ld e, a
  ld a, (hl+)
  ld d, a
  ld a, (hl+)
  ld (de), a
  dec b
  jr nz, .entry
  xor a
  ld (wQueueCount), a
.registers:
  ldh a, (hBgp)
  ldh (rBGP), a
  ldh a, (hObp0)
  ldh (rOBP0), a
  ldh a, (hObp1)
  ldh (rOBP1), a
  ldh a, (hWx)
  ldh (rWX), a
  ldh a, (hWy)
  ldh (rWY), a
  ldh a, (hLcdc)
  ldh (rLCDC), a
  ldh a, (hFrame)
  inc a
  ldh (hFrame), a
  ld a, 1
  ldh (hVBlank), a
  pop hl
  pop de
  pop bc
  pop af
  reti

; Copied to OAM_DMA (HRAM): the CPU may only touch HRAM during OAM DMA.
oam_dma_code:
  ld a, high(wShadowOam)
  ldh (rDMA), a
  ld a, 40
.wait:
  dec a
  jr nz, .wait
  ret
oam_dma_code_end:

; Sleeps in HALT until the VBlank handler has run since the last call.
; Uses a.
wait_frame:
  ldh a, (hVBlank)
  and a
  jr nz, .done
  halt
  jr wait_frame
.done:
  xor a
  ldh (hVBlank), a
  ret

; Waits b frames. Uses a, b.
wait_frames:
  call wait_frame
  dec b
  jr nz, wait_frames
  ret

; --- VRAM write queue ----------------------------------------------------------
; The main loop adds (address, value) entries; queue_publish hands them to
; the VBlank handler, which applies and clears them. Adding waits (HALT)
; while a published batch is pending or the queue is full.

; Writes a to VRAM address hl: directly while the LCD is off, else queued.
; Keeps bc, de, hl.
put_tile:
  push af
  ldh a, (rLCDC)
  bit 7, a
  jr nz, .queue
  pop af
  ld (hl), a
  ret
.queue:
  pop af
  push de
  push hl
  ld d, h
  ld e, l
  push af
.wait_free:
  ld a, (wQueueCount)
  and a
  jr z, .free
  call wait_frame
  jr .wait_free
.free:
  ld a, (wQueueFill)
  cp QUEUE_MAX
  jr c, .append
  call queue_publish
  jr .wait_free
.append:
  inc a
  ld (wQueueFill), a
  ld hl, wQueuePtr
  ld a, (hl+)
  ld h, (hl)
  ld l, a
  ld (hl), e
  inc hl
  ld (hl), d
  inc hl
  pop af
  ld (hl+), a
  ld a, l
  ld (wQueuePtr), a
  ld a, h
  ld (wQueuePtr + 1), a
  pop hl
  pop de
  ret

; Hands the added entries to the next VBlank. Uses a.
queue_publish:
  ld a, (wQueueFill)
  and a
  ret z
  ld (wQueueCount), a
  xor a
  ld (wQueueFill), a
  ld a, low(wQueue)
  ld (wQueuePtr), a
  ld a, high(wQueue)
  ld (wQueuePtr + 1), a
  ret

; --- joypad --------------------------------------------------------------------

; hJoyHeld = buttons held (bit 0 A, 1 B, 2 SELECT, 3 START, 4 RIGHT, 5 LEFT,
; 6 UP, 7 DOWN); hJoyPressed = those not held last frame. Uses a, b.
read_joypad:
include "read_joypad.inc"
  ldh a, (hJoyHeld)
  cpl
  and b
  ldh (hJoyPressed), a
  ld a, b
  ldh (hJoyHeld), a
  ret

; --- banks, copies, decompression ----------------------------------------------

; Maps ROM bank a at $4000. Keeps everything.
set_bank:
  ld (MBC1_ROM_BANK), a
  ret

; Zeroes bc bytes at hl. Uses a.
clear_bytes:
  xor a
  ld (hl+), a
  dec bc
  ld a, b
  or c
  jr nz, clear_bytes
  ret

include "copy_bytes.inc"

; Decompresses the RLE stream at de (make_town_data.py's format) to hl.
; Leaves de after the stream. Uses a, b.
rle_decompress:
  ld a, (de)
  inc de
  and a
  ret z
  bit 7, a
  jr nz, .run
  ld b, a
.literal:
  ld a, (de)
  inc de
  ld (hl+), a
  dec b
  jr nz, .literal
  jr rle_decompress
.run:
  and $7F
  add a, 2
  ld b, a
  ld a, (de)
  inc de
.fill:
  ld (hl+), a
  dec b
  jr nz, .fill
  jr rle_decompress

; --- palettes and area loads ---------------------------------------------------

; Palette level a (0 normal .. 3 white) into the shadow registers. Uses a, de, hl.
set_fade:
  ld l, a
  add a, a
  add a, l
  ld e, a
  ld d, 0
  ld hl, fade_table
  add hl, de
  ld a, (hl+)
  ldh (hBgp), a
  ld a, (hl+)
  ldh (hObp0), a
  ld a, (hl)
  ldh (hObp1), a
  ret

fade_out:
  ld a, 1
.level:
  push af
  call set_fade
  ld b, FADE_FRAMES
  call wait_frames
  pop af
  inc a
  cp 4
  jr nz, .level
  ret

fade_in:
  ld a, 2
.level:
  push af
  call set_fade
  ld b, FADE_FRAMES
  call wait_frames
  pop af
  dec a
  cp $FF
  jr nz, .level
  ret

; Switches the LCD on (the area is drawn) and fades in.
screen_on:
  ld a, LCDC_GAME
  ldh (hLcdc), a
  ldh (rLCDC), a
  jp fade_in

; Goes to area a with the player at (b, c) facing d: fade out, LCD off at
; the next VBlank, load, LCD on, fade in.
warp_to:
  push af
  push bc
  push de
  call fade_out
  xor a
  ldh (hLcdc), a
.lcd_off:
  call wait_frame
  ldh a, (rLCDC)
  bit 7, a
  jr nz, .lcd_off
  pop de
  pop bc
  pop af
  call load_area
  jp screen_on

; Loads area a with the player at (b, c) facing d. The LCD must be off.
load_area:
  ld (wArea), a
  push bc
  push de
  swap a
  ld e, a
  ld d, 0
  ld hl, area_table
  add hl, de
  ld a, (hl+)
  call set_bank
  ld a, (hl+)
  ld e, a
  ld a, (hl+)
  ld d, a
  ld a, (hl+)
  ld (wMapWidth), a
  ld a, (hl+)
  ld (wMapHeight), a
  ld a, (hl+)
  ld (wMapBorder), a
  ld a, (hl+)
  ld (wWarps), a
  ld a, (hl+)
  ld (wWarps + 1), a
  ld a, (hl+)
  ld (wNpcs), a
  ld a, (hl+)
  ld (wNpcs + 1), a
  ld a, (hl+)
  ld (wSong), a
  ld a, (hl)
  ld (wSong + 1), a
  ld hl, wMap
  call rle_decompress
  call build_row_offsets
  call load_tiles
  ld hl, wSong
  ld a, (hl+)
  ld h, (hl)
  ld l, a
  call music_start
  pop de
  pop bc
  call load_actors
  xor a
  ld (wTextOpen), a
  ld (wMenuOpen), a
  ld hl, MAP_9C00
  ld bc, $400
.clear_window:
  ld a, TILE_BLANK
  ld (hl+), a
  dec bc
  ld a, b
  or c
  jr nz, .clear_window
  ld a, 1
  ld (wMoved), a
  call draw_view
  call build_oam          ; the camera, then who is visible from it
  call detect_collisions
  jp build_oam

; wRowOffsets[y] = wMap + y * width. Uses a, bc, de, hl.
build_row_offsets:
  ld a, (wMapWidth)
  ld c, a
  ld b, 0
  ld de, wMap
  ld hl, wRowOffsets
  ld a, (wMapHeight)
.row:
  push af
  ld a, e
  ld (hl+), a
  ld a, d
  ld (hl+), a
  ld a, e
  add a, c
  ld e, a
  ld a, d
  adc a, b
  ld d, a
  pop af
  dec a
  jr nz, .row
  ret

; Tile sets from bank 1 into VRAM, and the water tile into wWaterTile.
load_tiles:
  ld a, TILES_BANK
  call set_bank
  ld de, bg_tiles_rle
  ld hl, VRAM_TILES
  call rle_decompress
  ld de, font_tiles_rle
  ld hl, VRAM_TILES + 16 * TILES_FONT_FIRST
  call rle_decompress
  ld de, sprite_tiles_rle
  ld hl, VRAM_TILES + 16 * TILES_SPRITE_FIRST
  call rle_decompress
  ld a, (block_tiles + 4 * BLOCK_WATER)
  call tile_address
  ld d, h
  ld e, l
  ld hl, wWaterTile
  ld bc, 16
  jp copy_bytes

; hl = VRAM address of tile a. Uses a.
tile_address:
  ld l, a
  ld h, 0
  add hl, hl
  add hl, hl
  add hl, hl
  add hl, hl
  ld a, h
  add a, high(VRAM_TILES)
  ld h, a
  ret

; The player at (b, c) facing d, then the area's NPCs from its table.
load_actors:
  push bc
  ld hl, wActors
  ld bc, ACTOR_SIZE * MAX_ACTORS
  call clear_bytes
  pop bc
  ld hl, wActors
  ld (hl), KIND_PLAYER
  inc hl
  ld (hl), b
  inc hl
  ld (hl), c
  inc hl
  ld (hl), d
  ld hl, wNpcs
  ld a, (hl+)
  ld d, (hl)
  ld e, a
  ld hl, wActors + ACTOR_SIZE
.npc:
  ld a, (de)              ; kind, x, y, facing, script (2), text, attributes
  and a
  ret z
  ld (hl+), a
  inc de
  ld b, 3
.position:
  ld a, (de)
  inc de
  ld (hl+), a
  dec b
  jr nz, .position
  ld a, l
  and $F0
  or ACT_PC
  ld l, a
  ld a, (de)
  inc de
  ld (hl+), a
  ld b, a
  ld a, (de)
  inc de
  ld (hl+), a
  ld c, a
  ld a, b
  ld (hl+), a             ; ACT_START
  ld a, c
  ld (hl+), a
  ld a, (de)
  inc de
  ld (hl+), a             ; ACT_TEXT
  ld a, (de)
  inc de
  ld (hl), a              ; ACT_ATTR
  ld a, l
  and $F0
  add a, ACTOR_SIZE
  ld l, a
  jr .npc

; Draws blocks x-5..x+6, y-5..y+5 around the player (the invariant the
; scrolling keeps: one block beyond every screen edge).
draw_view:
  ld a, (wActors + ACT_Y)
  sub 5
  ld c, a
  ld e, 11
.row:
  ld a, (wActors + ACT_X)
  sub 5
  ld b, a
  ld d, 12
.column:
  call put_block
  inc b
  dec d
  jr nz, .column
  inc c
  dec e
  jr nz, .row
  ret

; --- map -----------------------------------------------------------------------

; a = block at (b, c); the border block outside the map. Uses de, hl.
block_at:
  ld a, (wMapWidth)
  ld e, a
  ld a, b
  cp e
  jr nc, .border
  ld a, (wMapHeight)
  ld e, a
  ld a, c
  cp e
  jr nc, .border
  ld a, c
  add a, a
  add a, low(wRowOffsets)
  ld l, a
  ld h, high(wRowOffsets)
  ld a, (hl+)
  ld h, (hl)
  ld l, a
  ld e, b
  ld d, 0
  add hl, de
  ld a, (hl)
  ret
.border:
  ld a, (wMapBorder)
  ret

; Writes the 4 tiles of block (b, c) to its place in the wrapping BG map
; ($9800 + (c & 15) * 64 + (b & 15) * 2), through put_tile. Keeps bc, de.
put_block:
  push de
  call block_at
  add a, a
  add a, a
  ld e, a
  ld d, 0
  ld hl, block_tiles
  add hl, de
  push hl
  ld a, c
  and 15
  ld l, a
  ld h, 0
  add hl, hl
  add hl, hl
  add hl, hl
  add hl, hl
  add hl, hl
  add hl, hl
  ld a, b
  and 15
  add a, a
  ld e, a
  ld d, high(MAP_9800)
  add hl, de
  pop de
  ld a, (de)
  inc de
  call put_tile
  inc hl
  ld a, (de)
  inc de
  call put_tile
  ld a, l
  add a, 31
  ld l, a
  ld a, h
  adc a, 0
  ld h, a
  ld a, (de)
  inc de
  call put_tile
  inc hl
  ld a, (de)
  call put_tile
  pop de
  ret

; (b, c) moved one step in direction d. Keeps d, e. Uses a, hl.
step_target:
  ld hl, direction_dx
  ld a, l
  add a, d
  ld l, a
  ld a, (hl)
  add a, b
  ld b, a
  ld a, l
  add a, 4
  ld l, a
  ld a, (hl)
  add a, c
  ld c, a
  ret

; Carry set if block (b, c) is walkable and no actor stands on it. Keeps bc.
tile_free:
  call block_at
  ld e, a
  ld d, 0
  ld hl, block_walkable
  add hl, de
  ld a, (hl)
  and a
  ret z
  ld hl, wActors
.actor:
  ld a, (hl)
  and a
  jr z, .next
  inc hl
  ld a, (hl+)
  cp b
  jr nz, .other
  ld a, (hl)
  cp c
  jr nz, .other
  and a                   ; occupied: carry clear
  ret
.other:
  ld a, l
  and $F0
  ld l, a
.next:
  ld a, l
  add a, ACTOR_SIZE
  ld l, a
  cp low(wActors + ACTOR_SIZE * MAX_ACTORS)
  jr nz, .actor
  scf
  ret

; Actor hl turns to direction d and starts a step if the block ahead is
; free and no other actor's sprite is in the way (ACT_BLOCKED). Carry: the
; step started. Keeps hl, d.
actor_try_step:
  push hl
  ld a, l
  or ACT_FACING
  ld l, a
  ld a, (hl)
  cp d
  jr z, .facing_kept
  ld (hl), d
  ld a, 1
  ld (wMoved), a
.facing_kept:
  ld a, l
  and $F0
  or ACT_BLOCKED
  ld l, a
  ld b, (hl)
  ld a, d
  call direction_bit
  and b
  pop hl
  jr z, .unblocked
  and a                   ; blocked by a sprite: carry clear
  ret
.unblocked:
  push hl
  inc hl
  ld b, (hl)
  inc hl
  ld c, (hl)
  call step_target
  push de
  call tile_free
  pop de
  pop hl
  ret nc
  push hl
  inc hl
  ld (hl), b
  inc hl
  ld (hl), c
  inc hl
  inc hl
  ld (hl), STEP_PIXELS
  inc hl
  ld a, (hl)
  xor 1
  ld (hl), a
  pop hl
  ld a, 1
  ld (wMoved), a
  scf
  ret

; a = 1 << a (a = direction 0..3). Keeps the other registers.
direction_bit:
  push hl
  ld hl, direction_bits
  add a, l
  ld l, a
  ld a, (hl)
  pop hl
  ret

; Sprite collision (Pokemon's "collision between sprites"): for every
; actor, the directions in which another actor's 16x16 sprite, at its pixel
; position, overlaps the block one step away; moving actors count where
; they are, not only where they go. ACT_BLOCKED holds the result. It runs
; in the frames after a sprite moved or turned (else the last results
; hold), over all actor pairs, and also marks each actor ACT_VISIBLE: as in
; Pokemon, actors away from the screen stand still.
detect_collisions:
  ld hl, wActors
.cache:
  ld a, (hl)
  and a
  call nz, cache_pixel
  ld a, l
  and $F0
  add a, ACTOR_SIZE
  ld l, a
  cp low(wActors + ACTOR_SIZE * MAX_ACTORS)
  jr nz, .cache
  ld hl, wActors
.outer:
  ld a, (hl)
  and a
  jr z, .next_outer
  ld a, l
  ld (wOuter), a
  xor a
  ld (wMask), a
  ld l, low(wActors)
.inner:
  ld a, (wOuter)
  cp l
  jr z, .next_inner
  ld a, (hl)
  and a
  jr z, .next_inner
  push hl
  ld a, l
  rrca
  rrca
  add a, low(wPixels)
  ld e, a
  ld a, (wOuter)
  rrca
  rrca
  add a, low(wPixels)
  ld l, a
  ld h, high(wPixels)
  ld d, h
  ld a, (de)
  sub (hl)
  ld (wDx), a
  inc e
  inc l
  ld a, (de)
  sbc a, (hl)
  ld (wDx + 1), a
  inc e
  inc l
  ld a, (de)
  sub (hl)
  ld (wDy), a
  inc e
  inc l
  ld a, (de)
  sbc a, (hl)
  ld (wDy + 1), a
  call pair_directions
  ld b, a
  ld a, (wMask)
  or b
  ld (wMask), a
  pop hl
.next_inner:
  ld a, l
  add a, ACTOR_SIZE
  ld l, a
  cp low(wActors + ACTOR_SIZE * MAX_ACTORS)
  jr nz, .inner
  ld a, (wOuter)
  or ACT_BLOCKED
  ld l, a
  ld a, (wMask)
  ld (hl), a
  ld a, l
  and $F0
  ld l, a
.next_outer:
  ld a, l
  add a, ACTOR_SIZE
  ld l, a
  cp low(wActors + ACTOR_SIZE * MAX_ACTORS)
  jr nz, .outer
  ret

; wPixels entry of actor hl = its actor_pixel, and its ACT_VISIBLE: within
; 16 pixels of the screen (the camera of the last frame). Keeps hl.
cache_pixel:
  call actor_pixel
  push hl
  ld a, l
  rrca
  rrca
  add a, low(wPixels)
  ld l, a
  ld h, high(wPixels)
  ld (hl), e
  inc l
  ld (hl), d
  inc l
  ld (hl), c
  inc l
  ld (hl), b
  ld hl, wCamX
  ld a, e
  sub (hl)
  ld e, a
  inc hl
  ld a, d
  sbc a, (hl)
  ld d, a
  inc hl
  ld a, c
  sub (hl)
  ld c, a
  inc hl
  ld a, b
  sbc a, (hl)
  ld b, a
  ld hl, 16
  add hl, de
  ld a, h
  and a
  jr nz, .away
  ld a, l
  cp 160 + 32
  jr nc, .away
  ld hl, 16
  add hl, bc
  ld a, h
  and a
  jr nz, .away
  ld a, l
  cp 144 + 32
  jr nc, .away
  ld a, 1
  jr .store
.away:
  xor a
.store:
  pop hl
  push hl
  ld b, a
  ld a, l
  or ACT_VISIBLE
  ld l, a
  ld (hl), b
  pop hl
  ret

; a = the direction bit (if any) in which a sprite at offset (wDx, wDy)
; overlaps the block one step away: level within 16 pixels and 1..31
; pixels to the side, or the same vertically.
pair_directions:
  ld a, (wDy)
  ld l, a
  ld a, (wDy + 1)
  ld h, a
  call within_16
  jr nc, .vertical
  ld a, (wDx)
  ld l, a
  ld a, (wDx + 1)
  ld h, a
  ld b, 1 << FACING_RIGHT
  ld c, 1 << FACING_LEFT
  jr near_side
.vertical:
  ld a, (wDx)
  ld l, a
  ld a, (wDx + 1)
  ld h, a
  call within_16
  jr nc, no_direction
  ld a, (wDy)
  ld l, a
  ld a, (wDy + 1)
  ld h, a
  ld b, 1 << FACING_DOWN
  ld c, 1 << FACING_UP
  ; fall through

; a = b if 1 <= hl <= 31, c if -31 <= hl <= -1, else 0.
near_side:
  ld a, h
  and a
  jr nz, .negative
  ld a, l
  and a
  jr z, no_direction
  cp 32
  jr nc, no_direction
  ld a, b
  ret
.negative:
  inc a
  jr nz, no_direction
  ld a, l
  cp $E1
  jr c, no_direction
  ld a, c
  ret
no_direction:
  xor a
  ret

; Carry if -16 < hl < 16 (signed). Uses a.
within_16:
  ld a, h
  and a
  jr nz, .negative
  ld a, l
  cp 16
  ret
.negative:
  inc a
  jr nz, .far
  ld a, l
  cp $F1
  ccf
  ret
.far:
  and a
  ret

; --- player --------------------------------------------------------------------

player_update:
  ld hl, wActors + ACT_LEFT
  ld a, (hl)
  and a
  jr z, .standing
  dec a
  ld (hl), a
  ld a, 1
  ld (wMoved), a
  ld a, (hl)
  and a
  ret nz
  jp check_warp
.standing:
  ldh a, (hJoyPressed)
  bit BTN_START, a
  jp nz, menu_open
  bit BTN_A, a
  jp nz, player_talk
  ldh a, (hJoyHeld)
  ld d, FACING_DOWN
  bit BTN_DOWN, a
  jr nz, .walk
  ld d, FACING_UP
  bit BTN_UP, a
  jr nz, .walk
  ld d, FACING_LEFT
  bit BTN_LEFT, a
  jr nz, .walk
  ld d, FACING_RIGHT
  bit BTN_RIGHT, a
  ret z
.walk:
  ld hl, wActors
  call actor_try_step
  ret nc
  ; fall through: the player moved one block in direction d

; Queues the row or column of blocks that the step in direction d brings
; into the drawn margin (see draw_view).
queue_edge:
  ld a, (wActors + ACT_X)
  ld b, a
  ld a, (wActors + ACT_Y)
  ld c, a
  ld a, d
  cp FACING_DOWN
  jr z, .down
  cp FACING_UP
  jr z, .up
  ld a, c
  sub 5
  ld c, a
  ld a, d
  cp FACING_LEFT
  ld a, b
  jr z, .left
  add a, 6
  jr .column
.left:
  sub 5
.column:
  ld b, a
  ld e, 11
.column_block:
  call put_block
  inc c
  dec e
  jr nz, .column_block
  ret
.down:
  ld a, c
  add a, 5
  jr .row
.up:
  ld a, c
  sub 5
.row:
  ld c, a
  ld a, b
  sub 5
  ld b, a
  ld e, 12
.row_block:
  call put_block
  inc b
  dec e
  jr nz, .row_block
  ret

; After a step: a warp on the player's block loads its area.
check_warp:
  ld a, (wActors + ACT_X)
  ld b, a
  ld a, (wActors + ACT_Y)
  ld c, a
  ld hl, wWarps
  ld a, (hl+)
  ld h, (hl)
  ld l, a
.warp:                    ; x, y, area, x, y, facing
  ld a, (hl+)
  cp $FF
  ret z
  cp b
  jr nz, .skip5
  ld a, (hl+)
  cp c
  jr nz, .skip4
  ld a, (hl+)
  ld e, a
  ld a, (hl+)
  ld b, a
  ld a, (hl+)
  ld c, a
  ld d, (hl)
  ld a, e
  jp warp_to
.skip5:
  inc hl
.skip4:
  inc hl
  inc hl
  inc hl
  inc hl
  jr .warp

; A: the NPC on the block the player faces turns to it and talks.
player_talk:
  ld hl, wActors + ACT_X
  ld a, (hl+)
  ld b, a
  ld a, (hl+)
  ld c, a
  ld d, (hl)
  call step_target
  ld hl, wActors + ACTOR_SIZE
.actor:
  ld a, (hl)
  and a
  jr z, .next
  inc hl
  ld a, (hl+)
  cp b
  jr nz, .other
  ld a, (hl+)
  cp c
  jr z, .found
.other:
  ld a, l
  and $F0
  ld l, a
.next:
  ld a, l
  add a, ACTOR_SIZE
  ld l, a
  cp low(wActors + ACTOR_SIZE * MAX_ACTORS)
  jr nz, .actor
  ret
.found:
  inc hl
  ld a, (hl)              ; a walking NPC finishes its step first
  dec hl
  and a
  ret nz
  ld a, d
  xor 1                   ; the opposite direction
  ld (hl), a
  ld a, 1
  ld (wMoved), a
  ld a, l
  and $F0
  or ACT_TEXT
  ld l, a
  ld a, (hl)
  jp text_open

; --- NPCs ----------------------------------------------------------------------

npcs_update:
  ld a, SCRIPT_BANK
  call set_bank
  ld hl, wActors + ACTOR_SIZE
.actor:
  ld a, (hl)
  and a
  call nz, npc_update
  ld a, l
  and $F0
  add a, ACTOR_SIZE
  ld l, a
  cp low(wActors + ACTOR_SIZE * MAX_ACTORS)
  jr nz, .actor
  ret

; One frame of NPC hl, if visible: finish the step, count down a wait, or
; run the next script command. Keeps h and the high nibble of l.
npc_update:
  ld a, l
  or ACT_VISIBLE
  ld l, a
  ld a, (hl)
  and a
  ret z
  ld a, l
  and $F0
  or ACT_LEFT
  ld l, a
  ld a, (hl)
  and a
  jr z, .standing
  dec (hl)
  ld a, 1
  ld (wMoved), a
  ret
.standing:
  ld a, l
  and $F0
  or ACT_WAIT
  ld l, a
  ld a, (hl)
  and a
  jr z, .command
  dec (hl)
  ret
.command:
  inc hl                  ; ACT_PC
  ld a, (hl+)
  ld d, (hl)
  ld e, a
  ld a, l
  and $F0
  ld l, a
  ld a, (de)
  cp SCRIPT_LOOP
  jr z, .restart
  cp SCRIPT_FACE
  jr nc, .face
  cp SCRIPT_WALK
  jr nc, .walk
  add a, a
  add a, a
  ld b, a
  ld a, l
  or ACT_WAIT
  ld l, a
  ld (hl), b
  jr .advance
.face:
  and 3
  ld b, a
  ld a, l
  or ACT_FACING
  ld l, a
  ld (hl), b
  ld a, 1
  ld (wMoved), a
  jr .advance
.walk:
  and 3
  ld d, a
  call actor_try_step
  ret nc                  ; blocked: try again next frame
.advance:
  ld a, l
  and $F0
  or ACT_PC
  ld l, a
  ld a, (hl)
  add a, 1
  ld (hl+), a
  ld a, (hl)
  adc a, 0
  ld (hl), a
  ret
.restart:
  ld a, l
  or ACT_START
  ld l, a
  ld a, (hl+)
  ld d, (hl)
  ld e, a
  ld a, l
  and $F0
  or ACT_PC
  ld l, a
  ld a, e
  ld (hl+), a
  ld (hl), d
  ret

; --- sprites -------------------------------------------------------------------

; The camera from the player's position, 4 OAM entries per visible actor,
; the rest hidden; then the shadow scroll registers. hOamBusy keeps the
; VBlank handler from copying a half-built OAM.
build_oam:
  ld a, 1
  ldh (hOamBusy), a
  ld hl, wActors
  call actor_pixel
  ld a, e
  sub 64
  ld (wCamX), a
  ld a, d
  sbc a, 0
  ld (wCamX + 1), a
  ld a, c
  sub 64
  ld (wCamY), a
  ld a, b
  sbc a, 0
  ld (wCamY + 1), a
  xor a
  ld (wOamPtr), a
  ld hl, wActors
.actor:
  ld a, (hl)
  and a
  call nz, oam_actor
  ld a, l
  and $F0
  add a, ACTOR_SIZE
  ld l, a
  cp low(wActors + ACTOR_SIZE * MAX_ACTORS)
  jr nz, .actor
  ld a, (wOamPtr)
  ld l, a
  ld h, high(wShadowOam)
.hide:
  ld a, l
  cp 160
  jr nc, .done
  ld (hl), 0
  add a, 4
  ld l, a
  jr .hide
.done:
  ld a, (wCamX)           ; the scroll goes with the sprites
  ldh (hScx), a
  ld a, (wCamY)
  ldh (hScy), a
  xor a
  ldh (hOamBusy), a
  ret

; de = x, bc = y: the pixel position of actor hl in the map. Keeps hl.
actor_pixel:
  push hl
  inc hl
  ld a, (hl+)
  ld e, a
  swap a
  and $0F
  ld d, a
  ld a, e
  swap a
  and $F0
  ld e, a
  ld a, (hl+)
  ld c, a
  swap a
  and $0F
  ld b, a
  ld a, c
  swap a
  and $F0
  ld c, a
  ld a, (hl+)             ; facing
  ld l, (hl)              ; pixels left
  ld h, 0
  and a
  jr z, .down
  dec a
  jr z, .up
  dec a
  jr z, .left
  ld a, e                 ; right: still left of the destination
  sub l
  ld e, a
  ld a, d
  sbc a, h
  ld d, a
  jr .done
.left:
  add hl, de
  ld d, h
  ld e, l
  jr .done
.down:
  ld a, c
  sub l
  ld c, a
  ld a, b
  sbc a, h
  ld b, a
  jr .done
.up:
  add hl, bc
  ld b, h
  ld c, l
.done:
  pop hl
  ret

; Appends actor hl's 16x16 metasprite (4 entries) to the shadow OAM if it
; is visible. Keeps h and the high nibble of l.
oam_actor:
  ld a, l
  or ACT_VISIBLE
  ld l, a
  ld b, (hl)
  ld a, l
  and $F0
  ld l, a
  ld a, b
  and a
  ret z
  call actor_pixel
  push hl
  ld a, (wCamX)
  ld l, a
  ld a, (wCamX + 1)
  ld h, a
  ld a, e
  sub l
  ld e, a
  ld a, d
  sbc a, h
  ld d, a
  ld hl, 8
  add hl, de
  ld a, l
  ld (wSprX), a
  ld a, h
  ld (wSprX + 1), a
  ld a, (wCamY)
  ld l, a
  ld a, (wCamY + 1)
  ld h, a
  ld a, c
  sub l
  ld c, a
  ld a, b
  sbc a, h
  ld b, a
  ld hl, 16
  add hl, bc
  ld a, l
  ld (wSprY), a
  ld a, h
  ld (wSprY + 1), a
  pop hl
  call actor_picture
  call actor_grass
  ld c, 0
.entry:
  ld a, c                 ; x offset: 8 for the right column (swapped when flipped)
  and 2
  ld b, a
  ld a, (wSprFlip)
  xor b
  add a, a
  add a, a
  ld e, a
  ld d, 0
  push hl
  ld hl, wSprX
  ld a, (hl+)
  ld h, (hl)
  ld l, a
  add hl, de
  ld a, h
  and a
  jr nz, .hidden
  ld a, l
  and a
  jr z, .hidden
  ld b, l
  ld a, c                 ; y offset: 8 for the bottom row
  and 1
  add a, a
  add a, a
  add a, a
  ld e, a
  ld hl, wSprY
  ld a, (hl+)
  ld h, (hl)
  ld l, a
  add hl, de
  ld a, h
  and a
  jr nz, .hidden
  ld a, l
  cp 160
  jr nc, .hidden
  and a
  jr z, .hidden
  ld d, a
  ld a, (wOamPtr)
  cp 160
  jr nc, .hidden
  ld l, a
  ld h, high(wShadowOam)
  ld (hl), d
  inc l
  ld (hl), b
  inc l
  ld a, (wSprTile)
  add a, c
  ld (hl+), a
  ld a, c
  and 1
  ld a, (wSprAttr)
  jr z, .attributes
  ld b, a
  ld a, (wSprGrass)
  or b
.attributes:
  ld (hl+), a
  ld a, l
  ld (wOamPtr), a
.hidden:
  pop hl
  inc c
  ld a, c
  cp 4
  jr nz, .entry
  ret

; wSprTile, wSprAttr, wSprFlip for actor hl: its picture by kind and facing,
; the walking picture in the first half of a step, mirrored on every other
; step when walking up or down, and mirrored when facing right. Keeps hl.
actor_picture:
  push hl
  ld a, l
  and $F0
  or ACT_ATTR
  ld l, a
  ld a, (hl)
  ld (wSprAttr), a
  ld a, l
  and $F0
  or ACT_FACING
  ld l, a
  ld a, (hl+)
  ld c, a                 ; facing
  ld a, (hl+)
  cp STEP_PIXELS / 2 + 1
  ld a, 0
  jr c, .still
  inc a
.still:
  ld b, a                 ; 1: walking picture
  ld e, (hl)              ; phase
  ld a, l
  and $F0
  ld l, a
  xor a
  ld (wSprFlip), a
  ld a, c
  cp FACING_RIGHT
  jr nz, .not_right
  ld a, 2
  ld (wSprFlip), a
.not_right:
  ld a, (hl)
  cp KIND_DOG
  ld a, PIC_DOG_SIDE
  jr z, .picture
  ld a, c
  cp FACING_LEFT
  ld a, PIC_PERSON_SIDE
  jr nc, .picture
  ld a, c
  add a, a                ; PIC_PERSON_DOWN or PIC_PERSON_UP
  ld d, a
  ld a, b
  and e                   ; walking on an odd step: mirrored
  add a, a
  ld (wSprFlip), a
  ld a, d
.picture:
  add a, b
  add a, a
  add a, a
  add a, TILES_SPRITE_FIRST
  ld (wSprTile), a
  ld a, (wSprFlip)
  and a
  jr z, .done
  ld a, (wSprAttr)
  or $20                  ; X flip
  ld (wSprAttr), a
.done:
  pop hl
  ret

; wSprGrass for actor hl: in tall grass (the flowers block) the bottom
; half of the sprite goes behind the BG's non-white pixels, as in Pokemon.
; Keeps hl.
actor_grass:
  push hl
  inc hl
  ld a, (hl+)
  ld b, a
  ld c, (hl)
  call block_at
  cp BLOCK_FLOWERS
  ld a, 0
  jr nz, .store
  ld a, $80
.store:
  ld (wSprGrass), a
  pop hl
  ret

; Every 16 frames in the town, the water tile's rows rotate one pixel.
animate_water:
  ld a, (wArea)
  cp AREA_TOWN
  ret nz
  ldh a, (hFrame)
  and 15
  ret nz
  ld a, (block_tiles + 4 * BLOCK_WATER)
  call tile_address
  ld de, wWaterTile
  ld b, 16
.byte:
  ld a, (de)
  rrca
  ld (de), a
  inc de
  call put_tile
  inc hl
  dec b
  jr nz, .byte
  ret

; --- music ---------------------------------------------------------------------

sound_on:
  ld a, $80
  ldh (rNR52), a
  ld a, $77
  ldh (rNR50), a
  ld a, $FF
  ldh (rNR51), a
  ld a, $80               ; 50% duty
  ldh (rNR11), a
  ldh (rNR21), a
  ldh (rNR30), a          ; wave DAC on
  ld hl, $FF30
  ld de, wave_pattern
  ld bc, 16
  jp copy_bytes

; Starts the song at hl (bank 6): four channel pointers.
music_start:
  ld a, MUSIC_BANK
  call set_bank
  ld de, wMusic
  ld b, 4
.channel:
  ld a, (hl+)
  ld c, a
  ld (de), a              ; stream
  inc de
  ld a, (hl+)
  ld (de), a
  inc de
  push af
  xor a
  ld (de), a              ; frames left: the first event plays next frame
  inc de
  ld (de), a
  inc de
  ld (de), a
  inc de
  ld a, c
  ld (de), a              ; stream start
  inc de
  pop af
  ld (de), a
  inc de
  inc de
  dec b
  jr nz, .channel
  ret

music_update:
  ld a, MUSIC_BANK
  call set_bank
  ld hl, wMusic
  ld b, 0
.channel:
  call music_channel
  ld a, l
  add a, 8
  ld l, a
  inc b
  ld a, b
  cp 4
  jr nz, .channel
  ret

; One frame of channel b (state at hl): count down the note, with vibrato
; on the pulse channels, or start the stream's next event. Keeps b, hl.
music_channel:
  push hl
  inc hl
  inc hl
  ld a, (hl)
  and a
  jr z, .event
  dec (hl)
  ld a, b
  cp 2
  jr nc, .done
  inc hl
  ld a, (hl+)
  bit 7, a
  jr nz, .done            ; a rest
  ld (wMusicNote), a
  inc (hl)
  ld a, (hl)
  and 7
  add a, low(vibrato)
  ld l, a
  ld h, high(vibrato)
  ld a, (hl)
  ld (wVibrato), a
  ld a, (wMusicNote)
  call note_period
  ld a, (wVibrato)
  ld l, a
  add a, a
  sbc a, a
  ld h, a
  add hl, de
  call channel_register
  inc c
  ld a, l
  ld (c), a
  inc c
  ld a, h
  and 7
  ld (c), a
.done:
  pop hl
  ret
.event:
  pop hl
  push hl
  ld a, (hl+)
  ld d, (hl)
  ld e, a
  ld a, (de)
  cp $FF
  jr nz, .play
  ld a, l
  add a, 4
  ld l, a
  ld a, (hl+)             ; back to the stream's start
  ld d, (hl)
  ld e, a
  ld a, (de)
.play:
  ld (wMusicNote), a
  inc de
  ld a, (de)
  inc de
  dec a
  pop hl
  push hl
  ld (hl), e
  inc hl
  ld (hl), d
  inc hl
  ld (hl+), a
  ld a, (wMusicNote)
  ld (hl+), a
  xor a
  ld (hl), a              ; vibrato phase
  call channel_register
  ld a, (wMusicNote)
  bit 7, a
  jr z, .note
  xor a                   ; a rest: envelope 0 silences the channel
  ld (c), a
  jr .done
.note:
  ld a, b
  add a, low(channel_envelopes)
  ld l, a
  ld h, high(channel_envelopes)
  ld a, (hl)
  ld (c), a
  ld a, (wMusicNote)
  call note_period
  inc c
  ld a, e
  ld (c), a
  inc c
  ld a, d
  or $80                  ; trigger
  ld (c), a
  jr .done

; c = low byte of channel b's envelope register (NRx2; the period follows).
; Uses a.
channel_register:
  ld a, b
  add a, low(channel_envelope_registers)
  ld c, a
  push hl
  ld l, c
  ld h, high(channel_envelope_registers)
  ld c, (hl)
  pop hl
  ret

; de = the period of note a (music_periods, bank 6). Keeps hl.
note_period:
  push hl
  ld e, a
  ld d, 0
  ld hl, music_periods
  add hl, de
  add hl, de
  ld a, (hl+)
  ld d, (hl)
  ld e, a
  pop hl
  ret

; --- window: text box and START menu ------------------------------------------

; Draws a frame of b x c tiles at the window map's top-left.
draw_frame:
  ld hl, MAP_9C00
  ld e, TILES_FRAME_FIRST  ; top row: corner, edge, corner
.row:
  push hl
  push bc
  ld a, e
  call put_tile
  inc hl
  dec b
  dec b
.middle:
  ld a, e
  inc a
  call put_tile
  inc hl
  dec b
  jr nz, .middle
  ld a, e
  add a, 2
  call put_tile
  pop bc
  pop hl
  ld a, l
  add a, 32
  ld l, a
  ld a, h
  adc a, 0
  ld h, a
  dec c
  ret z
  ld e, TILES_FRAME_FIRST + 3 ; middle rows: left edge, blank, right edge
  ld a, c
  cp 1
  jr nz, .row
  ld e, TILES_FRAME_FIRST + 6 ; bottom row
  jr .row

; Opens the text box with text a (bank 6).
text_open:
  add a, a
  ld e, a
  ld d, 0
  ld hl, text_table
  add hl, de
  ld a, (hl+)
  ld (wTextPtr), a
  ld a, (hl)
  ld (wTextPtr + 1), a
  ld a, 1
  ld (wTextOpen), a
  xor a
  ld (wTextCount), a
  ld a, 1
  ld (wTextColumn), a
  ld a, 2
  ld (wTextRow), a
  call build_oam          ; the NPC turned
  ld b, 20
  ld c, 6
  call draw_frame
  call queue_publish
  call wait_frame         ; the frame is on screen before the window shows
  ld a, 7
  ldh (hWx), a
  ld a, TEXT_BOX_Y
  ldh (hWy), a
  ldh a, (hLcdc)
  or LCDC_WIN_ON
  ldh (hLcdc), a
  ret

; One character per frame; once printed, A or B closes the box.
text_update:
  ld a, (wTextPtr + 1)
  and a
  jr z, .printed
  ld a, TEXT_BANK
  call set_bank
  ld hl, wTextPtr
  ld a, (hl+)
  ld h, (hl)
  ld l, a
  ld a, (hl+)
  ld b, a
  ld a, l
  ld (wTextPtr), a
  ld a, h
  ld (wTextPtr + 1), a
  ld a, b
  and a
  jr z, .end
  cp TEXT_NEWLINE
  jr z, .newline
  sub 32
  ld e, a
  ld d, 0
  ld hl, font_index
  add hl, de
  ld b, (hl)
  ld a, (wTextRow)
  ld l, a
  ld h, 0
  add hl, hl
  add hl, hl
  add hl, hl
  add hl, hl
  add hl, hl
  ld a, (wTextColumn)
  ld e, a
  ld d, high(MAP_9C00)
  add hl, de
  ld a, b
  call put_tile
  ld hl, wTextColumn
  inc (hl)
  ld hl, wTextCount
  inc (hl)
  ret
.newline:
  ld a, 1
  ld (wTextColumn), a
  ld a, (wTextRow)
  add a, 2
  ld (wTextRow), a
  ret
.end:
  ld (wTextPtr + 1), a
  ret
.printed:
  ldh a, (hJoyPressed)
  and (1 << BTN_A) | (1 << BTN_B)
  ret z
  xor a
  ld (wTextOpen), a
  ld a, (wMenuOpen)
  and a
  jr nz, menu_draw        ; a box opened from the menu goes back to it
  ; fall through

window_close:
  ldh a, (hLcdc)
  and $FF - LCDC_WIN_ON
  ldh (hLcdc), a
  ret

menu_open:
  ld a, 1
  ld (wMenuOpen), a
  xor a
  ld (wMenuCursor), a
  ; fall through

; Draws the menu with its cursor and shows it.
menu_draw:
  ld b, 9
  ld c, 18
  call draw_frame
  ld hl, MAP_9C00 + 2 * 32 + 2
  ld de, menu_items
.item:
  ld a, (de)
  inc de
  and a
  jr z, .items_done
  cp TEXT_NEWLINE
  jr z, .next_item
  sub 32
  push de
  push hl
  ld e, a
  ld d, 0
  ld hl, font_index
  add hl, de
  ld a, (hl)
  pop hl
  pop de
  call put_tile
  inc hl
  jr .item
.next_item:
  ld a, l
  and $E0
  add a, 64 + 2
  ld l, a
  ld a, h
  adc a, 0
  ld h, a
  jr .item
.items_done:
  ld a, TILE_CURSOR
  call menu_cursor_put
  call queue_publish
  call wait_frame
  ld a, MENU_X
  ldh (hWx), a
  xor a
  ldh (hWy), a
  ldh a, (hLcdc)
  or LCDC_WIN_ON
  ldh (hLcdc), a
  ret

; Writes tile a at the cursor's place (column 1 of item wMenuCursor).
menu_cursor_put:
  push af
  ld a, (wMenuCursor)
  ld l, a
  ld h, 0
  add hl, hl
  add hl, hl
  add hl, hl
  add hl, hl
  add hl, hl
  add hl, hl              ; 64 per item: two rows of 32
  ld de, MAP_9C00 + 2 * 32 + 1
  add hl, de
  pop af
  jp put_tile

; Up/down move the cursor; A on an item opens its text box (which returns
; to the menu), B, START, or A on EXIT close the menu.
menu_update:
  ldh a, (hJoyPressed)
  ld b, a
  and (1 << BTN_B) | (1 << BTN_START)
  jr nz, .close
  bit BTN_A, b
  jr z, .move
  ld a, (wMenuCursor)
  cp MENU_EXIT
  jr z, .close
  add a, TEXT_MENU_FIRST
  jp text_open
.close:
  xor a
  ld (wMenuOpen), a
  jp window_close
.move:
  ld c, 1
  bit BTN_DOWN, b
  jr nz, .step
  ld c, MENU_ITEMS - 1
  bit BTN_UP, b
  ret z
.step:
  ld a, TILE_BLANK
  call menu_cursor_put
  ld a, (wMenuCursor)
  add a, c
  cp MENU_ITEMS
  jr c, .store
  sub MENU_ITEMS
.store:
  ld (wMenuCursor), a
  ld a, TILE_CURSOR
  jp menu_cursor_put

; --- tables --------------------------------------------------------------------

  align 8
direction_dx:               ; by facing: down, up, left, right
  db 0, 0, -1, 1
direction_dy:
  db 1, -1, 0, 0
direction_bits:
  db 1 << FACING_DOWN, 1 << FACING_UP, 1 << FACING_LEFT, 1 << FACING_RIGHT
  align 8
vibrato:                    ; period offsets over 8 frames
  db 0, 1, 2, 1, 0, -1, -2, -1
channel_envelope_registers: ; NR12, NR22, NR32, NR42
  db low(rNR12), low(rNR22), low(rNR32), low(rNR42)
channel_envelopes:          ; volume envelopes (NR32: output level 100%)
  db $A4, $84, $20, $A2
wave_pattern:
  db $01, $23, $45, $67, $89, $AB, $CD, $EF, $FE, $DC, $BA, $98, $76, $54, $32, $10

; Palette levels for the fades: BGP, OBP0 (player), OBP1 (NPCs).
fade_table:
  db %11100100, %11100100, %11010000
  db %10010000, %10010000, %10000000
  db %01000000, %01000000, %01000000
  db %00000000, %00000000, %00000000

; Per area (16 bytes): map bank, map stream, width, height, border block,
; warps, NPCs, song (bank 6).
area_table:
  db 2
  dw map_town_rle
  db MAP_TOWN_WIDTH, MAP_TOWN_HEIGHT, MAP_TOWN_BORDER
  dw town_warps, town_npcs
  dw song_town
  ds 4
  db 3
  dw map_house_1f_rle
  db MAP_HOUSE_1F_WIDTH, MAP_HOUSE_1F_HEIGHT, MAP_HOUSE_1F_BORDER
  dw house_1f_warps, house_1f_npcs
  dw song_house
  ds 4
  db 4
  dw map_house_2f_rle
  db MAP_HOUSE_2F_WIDTH, MAP_HOUSE_2F_HEIGHT, MAP_HOUSE_2F_BORDER
  dw house_2f_warps, house_2f_npcs
  dw song_house
  ds 4
  db 5
  dw map_shop_rle
  db MAP_SHOP_WIDTH, MAP_SHOP_HEIGHT, MAP_SHOP_BORDER
  dw shop_warps, shop_npcs
  dw song_town
  ds 4

; Warps: x, y, destination area, x, y, facing; $FF ends.
town_warps:
  db 3, 4, AREA_HOUSE_1F, 2, 6, FACING_UP       ; player's house door
  db 16, 4, AREA_SHOP, 5, 6, FACING_UP          ; shop door
  db $FF
house_1f_warps:
  db 2, 7, AREA_TOWN, 3, 5, FACING_DOWN         ; door mat
  db 8, 1, AREA_HOUSE_2F, 7, 1, FACING_LEFT     ; stairs up
  db $FF
house_2f_warps:
  db 8, 1, AREA_HOUSE_1F, 7, 1, FACING_LEFT     ; stairs down
  db $FF
shop_warps:
  db 5, 7, AREA_TOWN, 16, 5, FACING_DOWN        ; door mat
  db $FF

; NPCs: kind, x, y, facing, script (bank 7), text id, OAM attributes; 0 ends.
town_npcs:
  db KIND_PERSON, 5, 8, FACING_RIGHT
  dw script_square
  db 0, $10
  db KIND_PERSON, 12, 9, FACING_DOWN
  dw script_pond
  db 1, $10
  db KIND_PERSON, 14, 15, FACING_LEFT
  dw script_stroll
  db 2, $10
  db KIND_PERSON, 6, 1, FACING_RIGHT
  dw script_fence
  db 3, $10
  db KIND_DOG, 16, 12, FACING_RIGHT
  dw script_dog
  db 4, $00
  db KIND_PERSON, 8, 12, FACING_DOWN
  dw script_kid
  db 12, $10
  db KIND_PERSON, 13, 13, FACING_LEFT
  dw script_old_man
  db 13, $10
  db KIND_PERSON, 16, 8, FACING_LEFT
  dw script_gardener
  db 17, $10
  db 0
house_1f_npcs:
  db KIND_PERSON, 6, 4, FACING_LEFT
  dw script_mom
  db 5, $10
  db KIND_PERSON, 2, 5, FACING_RIGHT
  dw script_sister
  db 14, $10
  db 0
house_2f_npcs:
  db KIND_DOG, 6, 5, FACING_LEFT
  dw script_cat
  db 15, $00
  db 0
shop_npcs:
  db KIND_PERSON, 4, 3, FACING_DOWN
  dw script_clerk
  db 6, $10
  db KIND_PERSON, 7, 4, FACING_UP
  dw script_customer
  db 16, $10
  db 0

text_table:
  dw text_square, text_pond, text_stroll, text_fence, text_dog, text_mom, text_clerk
  dw text_dex, text_items, text_player, text_save, text_option
  dw text_kid, text_old_man, text_sister, text_cat, text_customer, text_gardener

menu_items:
  db "DEX", TEXT_NEWLINE, "ITEMS", TEXT_NEWLINE, "PLAYER", TEXT_NEWLINE
  db "SAVE", TEXT_NEWLINE, "OPTION", TEXT_NEWLINE, "EXIT", 0

include "town/town_blocks.inc"

; --- bank 1: tiles -------------------------------------------------------------
  bank 1
include "town/town_tiles.inc"

; --- banks 2..5: maps ----------------------------------------------------------
include "town/town_maps.inc"

; --- bank 6: texts (at most 2 lines of 18 characters) -------------------------
  bank 6
text_square:
  db "I WALK AROUND THE", TEXT_NEWLINE, "FIELD ALL DAY.", 0
text_pond:
  db "THE POND IS COLD", TEXT_NEWLINE, "IN THE MORNING.", 0
text_stroll:
  db "HAVE YOU BEEN TO", TEXT_NEWLINE, "THE SHOP YET?", 0
text_fence:
  db "THE TREES KEEP US", TEXT_NEWLINE, "IN THIS TOWN.", 0
text_dog:
  db "WOOF! WOOF!", 0
text_mom:
  db "OFF YOU GO! COME", TEXT_NEWLINE, "BACK FOR DINNER.", 0
text_clerk:
  db "WELCOME! WE ARE", TEXT_NEWLINE, "OUT OF STOCK.", 0
text_dex:
  db "NO ENTRIES SEEN", TEXT_NEWLINE, "IN THIS TOWN YET.", 0
text_items:
  db "THE BAG IS EMPTY.", 0
text_player:
  db "PLAYER: YOU", TEXT_NEWLINE, "STEPS: MANY", 0
text_save:
  db "THERE IS NOWHERE", TEXT_NEWLINE, "TO SAVE. SORRY!", 0
text_option:
  db "TEXT SPEED: ONE", TEXT_NEWLINE, "LETTER A FRAME.", 0
text_kid:
  db "I CAN RUN FASTER", TEXT_NEWLINE, "THAN THE DOG!", 0
text_old_man:
  db "THIS TOWN WAS ALL", TEXT_NEWLINE, "GRASS, LONG AGO.", 0
text_sister:
  db "MOM SAYS DINNER IS", TEXT_NEWLINE, "AT SIX.", 0
text_cat:
  db "MEOW.", 0
text_customer:
  db "I CAME FOR MILK.", TEXT_NEWLINE, "NONE LEFT!", 0
text_gardener:
  db "THESE FLOWERS NEED", TEXT_NEWLINE, "WATER EVERY DAY.", 0
include "town/town_music.inc"

; --- bank 7: NPC scripts -------------------------------------------------------
  bank 7
script_square:
  db SCRIPT_WALK + FACING_RIGHT, SCRIPT_WALK + FACING_RIGHT, SCRIPT_WALK + FACING_RIGHT, SCRIPT_WAIT + 16
  db SCRIPT_WALK + FACING_DOWN, SCRIPT_WALK + FACING_DOWN, SCRIPT_WAIT + 8
  db SCRIPT_WALK + FACING_LEFT, SCRIPT_WALK + FACING_LEFT, SCRIPT_WALK + FACING_LEFT, SCRIPT_WAIT + 16
  db SCRIPT_WALK + FACING_UP, SCRIPT_WALK + FACING_UP, SCRIPT_WAIT + 8, SCRIPT_LOOP
script_pond:
  db SCRIPT_WALK + FACING_DOWN, SCRIPT_WALK + FACING_DOWN, SCRIPT_FACE + FACING_RIGHT, SCRIPT_WAIT + 20
  db SCRIPT_WALK + FACING_UP, SCRIPT_WALK + FACING_UP, SCRIPT_WALK + FACING_UP, SCRIPT_WAIT + 12
  db SCRIPT_WALK + FACING_DOWN, SCRIPT_WAIT + 12, SCRIPT_LOOP
script_stroll:
  db SCRIPT_WALK + FACING_LEFT, SCRIPT_WALK + FACING_LEFT, SCRIPT_WALK + FACING_LEFT, SCRIPT_WALK + FACING_LEFT
  db SCRIPT_FACE + FACING_UP, SCRIPT_WAIT + 10
  db SCRIPT_WALK + FACING_RIGHT, SCRIPT_WALK + FACING_RIGHT, SCRIPT_WALK + FACING_RIGHT, SCRIPT_WALK + FACING_RIGHT
  db SCRIPT_FACE + FACING_DOWN, SCRIPT_WAIT + 10, SCRIPT_LOOP
script_fence:
  db SCRIPT_WALK + FACING_RIGHT, SCRIPT_WALK + FACING_RIGHT, SCRIPT_WALK + FACING_RIGHT
  db SCRIPT_WALK + FACING_RIGHT, SCRIPT_WALK + FACING_RIGHT, SCRIPT_WAIT + 12
  db SCRIPT_WALK + FACING_LEFT, SCRIPT_WALK + FACING_LEFT, SCRIPT_WALK + FACING_LEFT
  db SCRIPT_WALK + FACING_LEFT, SCRIPT_WALK + FACING_LEFT, SCRIPT_WAIT + 12, SCRIPT_LOOP
script_dog:
  db SCRIPT_WALK + FACING_RIGHT, SCRIPT_WAIT + 1, SCRIPT_WALK + FACING_DOWN, SCRIPT_WAIT + 2
  db SCRIPT_WALK + FACING_LEFT, SCRIPT_WAIT + 1, SCRIPT_WALK + FACING_UP, SCRIPT_WAIT + 3, SCRIPT_LOOP
script_mom:
  db SCRIPT_WALK + FACING_LEFT, SCRIPT_WALK + FACING_LEFT, SCRIPT_WAIT + 10
  db SCRIPT_WALK + FACING_RIGHT, SCRIPT_WALK + FACING_RIGHT, SCRIPT_FACE + FACING_DOWN, SCRIPT_WAIT + 10, SCRIPT_LOOP
script_kid:
  db SCRIPT_WALK + FACING_DOWN, SCRIPT_WALK + FACING_DOWN, SCRIPT_WALK + FACING_DOWN, SCRIPT_WAIT + 5
  db SCRIPT_WALK + FACING_UP, SCRIPT_WALK + FACING_UP, SCRIPT_WALK + FACING_UP, SCRIPT_WAIT + 5, SCRIPT_LOOP
script_old_man:
  db SCRIPT_WALK + FACING_LEFT, SCRIPT_FACE + FACING_DOWN, SCRIPT_WAIT + 20
  db SCRIPT_WALK + FACING_RIGHT, SCRIPT_FACE + FACING_LEFT, SCRIPT_WAIT + 20, SCRIPT_LOOP
script_sister:
  db SCRIPT_WALK + FACING_UP, SCRIPT_WALK + FACING_UP, SCRIPT_WAIT + 8
  db SCRIPT_WALK + FACING_DOWN, SCRIPT_WALK + FACING_DOWN, SCRIPT_FACE + FACING_RIGHT, SCRIPT_WAIT + 8, SCRIPT_LOOP
script_cat:
  db SCRIPT_WALK + FACING_LEFT, SCRIPT_WAIT + 6, SCRIPT_WALK + FACING_RIGHT, SCRIPT_WAIT + 12, SCRIPT_LOOP
script_customer:
  db SCRIPT_WAIT + 10, SCRIPT_WALK + FACING_RIGHT, SCRIPT_FACE + FACING_UP, SCRIPT_WAIT + 10
  db SCRIPT_WALK + FACING_LEFT, SCRIPT_FACE + FACING_UP, SCRIPT_LOOP
script_gardener:
  db SCRIPT_WALK + FACING_LEFT, SCRIPT_FACE + FACING_DOWN, SCRIPT_WAIT + 12
  db SCRIPT_WALK + FACING_RIGHT, SCRIPT_FACE + FACING_DOWN, SCRIPT_WAIT + 12, SCRIPT_LOOP
script_clerk:
  db SCRIPT_FACE + FACING_DOWN, SCRIPT_WAIT + 16, SCRIPT_FACE + FACING_LEFT, SCRIPT_WAIT + 8
  db SCRIPT_FACE + FACING_DOWN, SCRIPT_WAIT + 16, SCRIPT_FACE + FACING_RIGHT, SCRIPT_WAIT + 8, SCRIPT_LOOP
