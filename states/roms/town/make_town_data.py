#!/usr/bin/env python3
"""Generates the town game's data files (states/roms/town/*.inc) from the art
and maps drawn below: the project's own graphics, no data from elsewhere.

    python3 make_town_data.py           rewrites the .inc files beside this script
    python3 make_town_data.py --check   exit 1 (one line) if a committed file differs
    python3 make_town_data.py --render-areas DIR   each area's map as DIR/town_area_<area>.png

Output (assembler source for dreamer_gbasm, included by town.asm):
  town_tiles.inc    bank 1: BG tiles, font and sprite tiles, RLE-compressed
  town_blocks.inc   bank 0: block table (4 tile ids per 16x16 block) and
                    the walkable flag of each block
  town_maps.inc     banks 2..5: one RLE-compressed block map per area
  town_music.inc    (bank 6) the note frequency table and the songs, one
                    stream per sound channel

RLE stream (decompressed by town.asm's rle_decompress): a control byte c;
c = 0 ends the stream; 1..127: c literal bytes follow; 128..255: the next
byte repeated (c - 128) + 2 times.
"""
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SHADES = {'.': 0, '-': 1, '+': 2, '#': 3}

# --- 16x16 blocks: picture, walkable ----------------------------------------
# Shades: '.' white, '-' light gray, '+' dark gray, '#' black.


def repeat8(rows8):
    """A 16x16 picture made of one 8x8 pattern repeated 2x2."""
    return [r + r for r in rows8] * 2


GRASS8 = ['........', '..-.....', '........', '.....-..',
          '........', '.-......', '......-.', '........']
PATH8 = ['--------', '--------', '---.----', '--------',
         '-------.', '--------', '-.------', '--------']
FLOOR8 = ['........', '........', '........', '........',
          '........', '........', '........', '-------.']
BLOCKS = [
    ('void', False, ['#' * 16] * 16),
    ('grass', True, repeat8(GRASS8)),
    ('path', True, repeat8(PATH8)),
    ('flowers', True, [
        '................', '..+.......-.....', '.+.+............', '..+.....-.......',
        '..-.............', '..........+.....', '.........+.+....', '...-......+.....',
        '..........-.....', '..+.............', '.+.+.......-....', '..+.............',
        '..-.......-.....', '.......+........', '......+.+.......', '.......+........']),
    ('tree', False, [
        '.....++++++.....', '...++------++...', '..+--------+-+..', '.+-------+--+-+.',
        '.+------------+.', '+----+-------+-+', '+------------+-+', '+--+--------+--+',
        '.+-------+---++.', '.++----------++.', '..+++-----+++...', '....++++++++....',
        '......+##+......', '......+##+......', '.....++##++.....', '....+++..+++....']),
    ('water', False, repeat8(['--------', '-++-----', '+--+----', '--------',
                              '--------', '-----++-', '----+--+', '--------'])),
    ('roof', False, repeat8(['++++++++', '#+++#+++', '++++++++', '+#+++#++',
                             '++++++++', '#+++#+++', '++++++++', '########'])),
    ('wall', False, repeat8(['--------', '-------+', '--------', '-------+',
                             '--------', '-------+', '--------', '++++++++'])),
    ('window', False, [
        '----------------', '--############--', '--#....#.....#--', '--#.-..#.....#--',
        '--#....#.....#--', '--############--', '--#....#.....#--', '--#....#..-..#--',
        '--#....#.....#--', '--############--', '----------------', '----------------',
        '---------------+', '----------------', '----------------', '++++++++++++++++']),
    ('door', True, [
        '--############--', '--#++++++++++#--', '--#+--------+#--', '--#+--------+#--',
        '--#+--------+#--', '--#+--------+#--', '--#+--------+#--', '--#+------##+#--',
        '--#+------##+#--', '--#+--------+#--', '--#+--------+#--', '--#+--------+#--',
        '--#+--------+#--', '--#+--------+#--', '--#++++++++++#--', '################']),
    ('fence', False, [
        '................', '..##........##..', '.#--#......#--#.', '.#--#......#--#.',
        '################', '#--------------#', '################', '.#--#......#--#.',
        '.#--#......#--#.', '################', '#--------------#', '################',
        '.#--#......#--#.', '.#--#......#--#.', '.####......####.', '................']),
    ('sign', False, [
        '................', '.##############.', '.#------------#.', '.#-++++-+++++-#.',
        '.#------------#.', '.#-+++-++++++-#.', '.#------------#.', '.##############.',
        '.......##.......', '.......##.......', '.......##.......', '.......##.......',
        '......####......', '................', '................', '................']),
    ('floor', True, repeat8(FLOOR8)),
    ('iwall', False, [
        '++++++++++++++++', '+--------------+', '+-+----------+-+', '+--------------+',
        '++++++++++++++++', '----------------', '----------------', '----------------',
        '----------------', '----------------', '----------------', '----------------',
        '----------------', '----------------', '++++++++++++++++', '################']),
    ('mat', True, [
        '................', '.##############.', '.#++++++++++++#.', '.#+##########+#.',
        '.#+#++++++++#+#.', '.#+#++++++++#+#.', '.#+##########+#.', '.#++++++++++++#.',
        '.#+##########+#.', '.#+#++++++++#+#.', '.#+#++++++++#+#.', '.#+##########+#.',
        '.#++++++++++++#.', '.##############.', '................', '...............-']),
    ('stairs_up', True, [
        '################', '#++++++++++++++#', '#--------------#', '################',
        '#++++++++++++++#', '#--------------#', '#--------------#', '################',
        '#++++++++++++++#', '#--------------#', '#..............#', '################',
        '#++++++++++++++#', '#..............#', '#..............#', '################']),
    ('stairs_down', True, [
        '################', '#..............#', '#..............#', '#++++++++++++++#',
        '################', '#..............#', '#--------------#', '#++++++++++++++#',
        '################', '#--------------#', '#--------------#', '#++++++++++++++#',
        '################', '#--------------#', '#++++++++++++++#', '################']),
    ('table', False, [
        '................', '.##############.', '#--------------#', '#-............-#',
        '#-............-#', '#-............-#', '#-............-#', '#--------------#',
        '################', '#++++++++++++++#', '.##..........##.', '.##..........##.',
        '.##..........##.', '.##..........##.', '.##..........##.', '................']),
    ('bed', False, [
        '################', '#..............#', '#.++++++++++++.#', '#.+..........+.#',
        '#.++++++++++++.#', '#--------------#', '#-+----------+-#', '#--------------#',
        '#-+----------+-#', '#--------------#', '#-+----------+-#', '#--------------#',
        '#-+----------+-#', '#--------------#', '################', '#++++++++++++++#']),
    ('shelf', False, [
        '################', '#+#-#.#+#-#.#+##', '#+#-#.#+#-#.#+##', '#+#-#.#+#-#.#+##',
        '################', '#-#+#-#.#-#+#-##', '#-#+#-#.#-#+#-##', '#-#+#-#.#-#+#-##',
        '################', '#.#-#+#-#.#-#+##', '#.#-#+#-#.#-#+##', '#.#-#+#-#.#-#+##',
        '################', '#++++++++++++++#', '#++++++++++++++#', '################']),
    ('counter', False, [
        '################', '#--------------#', '#--------------#', '################',
        '#++++++++++++++#', '#+------------+#', '#+------------+#', '#+------------+#',
        '#+------------+#', '#+------------+#', '#+------------+#', '#+------------+#',
        '#+------------+#', '#++++++++++++++#', '################', '................']),
]
BLOCK_IDS = {name: index for index, (name, _, _) in enumerate(BLOCKS)}

# --- areas --------------------------------------------------------------------
# Map characters -> blocks.
LEGEND = {
    ' ': 'void', '.': 'grass', '=': 'path', 'f': 'flowers', 'T': 'tree', '~': 'water', 'R': 'roof',
    'W': 'wall', 'O': 'window', 'D': 'door', 'F': 'fence', 'S': 'sign', '_': 'floor', 'w': 'iwall',
    'M': 'mat', 'U': 'stairs_up', 'd': 'stairs_down', 't': 'table', 'b': 'bed', 's': 'shelf',
    'c': 'counter',
}
# (label, bank, border block, rows). The town is 20 x 18 blocks (40 x 36
# tiles); the interiors are 10 x 8 blocks.
AREAS = [
    ('town', 2, 'tree', [
        'TTTTTTTTTTTTTTTTTTTT',
        'T...f.........f....T',
        'T.RRRR.......RRRRR.T',
        'T.RRRR.......RRRRR.T',
        'T.WDOW...S...WOWDW.T',
        'T..=............=..T',
        'T..===============.T',
        'T.........=........T',
        'T.f.......=.....f..T',
        'T.........=........T',
        'TFFFF.....=....~~~.T',
        'T.........=....~~~.T',
        'T..RRRR...=........T',
        'T..RRRR...=.....f..T',
        'T..WOOW...==.......T',
        'T.........f........T',
        'T....f.............T',
        'TTTTTTTTTTTTTTTTTTTT']),
    ('house_1f', 3, 'void', [
        'wwwwwwwwww',
        'ws______Uw',
        'w__tt____w',
        'w__tt____w',
        'w________w',
        'w________w',
        'w________w',
        'wwMwwwwwww']),
    ('house_2f', 4, 'void', [
        'wwwwwwwwww',
        'w_b_____dw',
        'w_b______w',
        'w________w',
        'w____s___w',
        'w________w',
        'w________w',
        'wwwwwwwwww']),
    ('shop', 5, 'void', [
        'wwwwwwwwww',
        'wsssss___w',
        'w________w',
        'wcc______w',
        'w________w',
        'w______t_w',
        'w________w',
        'wwwwwMwwww']),
]

# --- sprites: 16x16 pictures (shade 0 is transparent) ---------------------------
# A person is hair, a face for its facing, a chin and a body; a walk frame
# differs from the standing one only in the body. The dog's walk frame
# differs only in its legs.
HAIR = ['.....######.....', '....#------#....', '...#--------#...', '...#--------#...']
FACE_DOWN = ['...##########...', '...#-#----#-#...', '...#-#----#-#...']
FACE_UP = ['...#--------#...'] * 3
FACE_LEFT = ['...######---#...', '...#-#-----#....', '...#--------#...']
CHIN = ['....#------#....', '.....######.....']
BODY = ['....#++++++#....', '...#+#++++#+#...', '...#-#++++#-#...', '....#++++++#....',
        '....#++##++#....', '.....##..##.....', '................']
BODY_WALK = ['....#++++++#....', '...#+#++++#-#...', '...#-#++++###...', '....#++++++#....',
             '....#++####.....', '.....##.........', '................']
BODY_LEFT = ['.....#++++#.....', '.....#+-++#.....', '.....#+-++#.....', '.....#++++#.....',
             '.....#+##+#.....', '......#..##.....', '................']
BODY_LEFT_WALK = ['....#++++++#....', '...#+#-+++#+#...', '...#-#-+++#-#...', '....#++++++#....',
                  '...#++#..#++#...', '...##.....##....', '................']
DOG = ['................', '................', '................', '................',
       '.##.............', '#--#............', '#---##########..', '#-#-----------#.',
       '.##------------#', '..#----------#.#', '..#---####---#..']
DOG_LEGS = ['..#--#...#--#...', '..#-#....#-#....', '..###....###....', '................', '................']
DOG_LEGS_WALK = ['.#--#....#--#...', '.#-#......#-#...', '.###......###...', '................', '................']
SPRITES = [
    ('person_down', HAIR + FACE_DOWN + CHIN + BODY),
    ('person_down_walk', HAIR + FACE_DOWN + CHIN + BODY_WALK),
    ('person_up', HAIR + FACE_UP + CHIN + BODY),
    ('person_up_walk', HAIR + FACE_UP + CHIN + BODY_WALK),
    ('person_left', HAIR + FACE_LEFT + CHIN + BODY_LEFT),
    ('person_left_walk', HAIR + FACE_LEFT + CHIN + BODY_LEFT_WALK),
    ('dog_left', DOG + DOG_LEGS),
    ('dog_left_walk', DOG + DOG_LEGS_WALK),
]

# --- font: 5 x 7 glyphs in 8 x 8 tiles (black on white) -----------------------
FONT_CHARS = " !'*,-.0123456789:>?ABCDEFGHIJKLMNOPQRSTUVWXYZ"
FONT = {
    ' ': [0, 0, 0, 0, 0, 0, 0], '!': [4, 4, 4, 4, 4, 0, 4], "'": [4, 4, 8, 0, 0, 0, 0],
    '*': [0, 21, 14, 31, 14, 21, 0], ',': [0, 0, 0, 0, 12, 4, 8], '-': [0, 0, 0, 31, 0, 0, 0],
    '.': [0, 0, 0, 0, 0, 12, 12], '0': [14, 17, 19, 21, 25, 17, 14], '1': [4, 12, 4, 4, 4, 4, 14],
    '2': [14, 17, 1, 2, 4, 8, 31], '3': [31, 2, 4, 2, 1, 17, 14], '4': [2, 6, 10, 18, 31, 2, 2],
    '5': [31, 16, 30, 1, 1, 17, 14], '6': [6, 8, 16, 30, 17, 17, 14], '7': [31, 1, 2, 4, 8, 8, 8],
    '8': [14, 17, 17, 14, 17, 17, 14], '9': [14, 17, 17, 15, 1, 2, 12], ':': [0, 12, 12, 0, 12, 12, 0],
    '>': [8, 4, 2, 1, 2, 4, 8], '?': [14, 17, 1, 2, 4, 0, 4], 'A': [14, 17, 17, 31, 17, 17, 17],
    'B': [30, 17, 17, 30, 17, 17, 30], 'C': [14, 17, 16, 16, 16, 17, 14], 'D': [28, 18, 17, 17, 17, 18, 28],
    'E': [31, 16, 16, 30, 16, 16, 31], 'F': [31, 16, 16, 30, 16, 16, 16], 'G': [14, 17, 16, 23, 17, 17, 15],
    'H': [17, 17, 17, 31, 17, 17, 17], 'I': [14, 4, 4, 4, 4, 4, 14], 'J': [7, 2, 2, 2, 2, 18, 12],
    'K': [17, 18, 20, 24, 20, 18, 17], 'L': [16, 16, 16, 16, 16, 16, 31], 'M': [17, 27, 21, 21, 17, 17, 17],
    'N': [17, 17, 25, 21, 19, 17, 17], 'O': [14, 17, 17, 17, 17, 17, 14], 'P': [30, 17, 17, 30, 16, 16, 16],
    'Q': [14, 17, 17, 17, 21, 18, 13], 'R': [30, 17, 17, 30, 20, 18, 17], 'S': [15, 16, 16, 14, 1, 1, 30],
    'T': [31, 4, 4, 4, 4, 4, 4], 'U': [17, 17, 17, 17, 17, 17, 14], 'V': [17, 17, 17, 17, 17, 10, 4],
    'W': [17, 17, 17, 21, 21, 21, 10], 'X': [17, 17, 10, 4, 10, 17, 17], 'Y': [17, 17, 17, 10, 4, 4, 4],
    'Z': [31, 1, 2, 4, 8, 16, 31],
}
# Text box frame tiles, after the font, by rows: top (left, middle, right),
# middle rows, bottom (BG tiles cannot be flipped, so all nine are drawn).
FRAME = {
    'frame_tl': ['........', '........', '........', '...#####', '...#....', '...#.---', '...#.-..', '...#.-..'],
    'frame_t': ['........', '........', '........', '########', '........', '--------', '........', '........'],
    'frame_tr': ['........', '........', '........', '#####...', '....#...', '---.#...', '..-.#...', '..-.#...'],
    'frame_l': ['...#.-..'] * 8,
    'frame_blank': ['........'] * 8,
    'frame_r': ['..-.#...'] * 8,
    'frame_bl': ['...#.-..', '...#.-..', '...#.---', '...#....', '...#####', '........', '........', '........'],
    'frame_b': ['........', '........', '--------', '........', '########', '........', '........', '........'],
    'frame_br': ['..-.#...', '..-.#...', '---.#...', '....#...', '#####...', '........', '........', '........'],
}
FONT_BASE = 0x80    # tile id of FONT_CHARS[0]; the game maps a character through font_index
FRAME_BASE = FONT_BASE + len(FONT_CHARS)
SPRITE_BASE = 0xC0  # 4 tiles per sprite picture: top-left, bottom-left, top-right, bottom-right


# --- music: per song, one line per channel (pulse 1, pulse 2, wave, noise) -------
# Tokens: NOTE/frames (C3..B6, '#' for sharps) or -/frames (a rest). The
# noise channel's "notes" pick noise settings from the same table.
SONGS = [
    ('town', [
        'E5/12 G5/12 C6/24 B5/12 G5/12 A5/24 G5/12 E5/12 F5/12 D5/12 E5/24 -/12 '
        'C5/12 E5/12 G5/24 A5/12 G5/12 F5/12 E5/12 D5/12 E5/12 C5/36 -/12',
        'C4/24 G4/24 F4/24 C4/24 A3/24 E4/24 G3/24 B3/24 '
        'C4/24 G4/24 F4/24 A3/24 D4/24 G3/24 C4/48',
        'C4/12 -/12 G3/12 -/12 F3/12 -/12 C4/12 -/12 A3/12 -/12 E3/12 -/12 G3/12 -/12 B3/12 -/12',
        'C3/6 -/18 G4/6 -/18 C3/6 -/6 C3/6 -/6 G4/6 -/18',
    ]),
    ('house', [
        'G4/16 B4/16 D5/32 C5/16 B4/16 A4/32 B4/16 G4/16 E4/16 F#4/16 G4/48 -/16',
        'G3/32 D4/32 C4/32 D4/32 E3/32 C4/32 D4/64',
        'G3/16 -/16 D3/16 -/16 C3/16 -/16 D3/16 -/16',
        '-/32 G4/4 -/28',
    ]),
]
NOTE_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B']
FIRST_OCTAVE = 3
NOTE_COUNT = 48  # C3..B6


def note_index(name):
    return NOTE_NAMES.index(name[:-1]) + 12 * (int(name[-1]) - FIRST_OCTAVE)


def note_period(index):
    """The 11-bit period register value of a pulse channel for the note."""
    frequency = 130.8128 * 2 ** (index / 12)  # C3
    return 2048 - round(131072 / frequency)


def song_stream(text):
    """Bytes: note index (0..47) or $80 (rest), then frames; $FF loops."""
    out = []
    for token in text.split():
        name, frames = token.split('/')
        out += [0x80 if name == '-' else note_index(name), int(frames)]
    return out + [0xFF]


def tile_bytes(rows):
    """8 rows of 8 shade characters -> 16 bytes of 2bpp tile data."""
    out = []
    for row in rows:
        assert len(row) == 8, row
        low = high = 0
        for column, char in enumerate(row):
            shade = SHADES[char]
            low |= (shade & 1) << (7 - column)
            high |= (shade >> 1) << (7 - column)
        out += [low, high]
    return out


def quarters(picture):
    """16x16 picture -> its four 8x8 tiles in the order TL, TR, BL, BR."""
    assert len(picture) == 16 and all(len(r) == 16 for r in picture), picture
    return [[r[x:x + 8] for r in picture[y:y + 8]] for y in (0, 8) for x in (0, 8)]


def font_tile(char):
    rows = ['........']
    for bits in FONT[char]:
        rows.append(''.join('#' if bits & (16 >> i) else '.' for i in range(5)) + '...')
    return ['.' + r[:7] for r in rows]


def rle(data):
    """RLE stream (see the module docstring)."""
    out, literal, i = [], [], 0

    def flush():
        while literal:
            chunk = literal[:127]
            del literal[:127]
            out.extend([len(chunk)] + chunk)

    while i < len(data):
        run = 1
        while i + run < len(data) and data[i + run] == data[i] and run < 129:
            run += 1
        if run >= 3:
            flush()
            out.extend([0x80 + run - 2, data[i]])
            i += run
        else:
            literal.extend(data[i:i + run])
            i += run
    flush()
    out.append(0)
    return out


def unrle(stream):
    out, i = [], 0
    while stream[i] != 0:
        control = stream[i]
        if control < 0x80:
            out.extend(stream[i + 1:i + 1 + control])
            i += 1 + control
        else:
            out.extend([stream[i + 1]] * (control - 0x80 + 2))
            i += 2
    return out


def db_lines(data, per_line=16):
    return ['  db ' + ', '.join('$%02X' % b for b in data[i:i + per_line]) for i in range(0, len(data), per_line)]


def build():
    # BG tiles: deduplicated quarters of every block, in block order.
    bg_tiles, tile_index, block_tiles = [], {}, []
    for name, _, picture in BLOCKS:
        ids = []
        for quarter in quarters(picture):
            key = tuple(quarter)
            if key not in tile_index:
                tile_index[key] = len(bg_tiles)
                bg_tiles.append(quarter)
            ids.append(tile_index[key])
        block_tiles.append(ids)
    assert len(bg_tiles) <= FONT_BASE, len(bg_tiles)
    bg_data = [b for t in bg_tiles for b in tile_bytes(t)]
    font_data = [b for c in FONT_CHARS for b in tile_bytes(font_tile(c))]
    font_data += [b for t in FRAME.values() for b in tile_bytes(t)]
    assert FRAME_BASE + len(FRAME) <= SPRITE_BASE
    sprite_data = []
    for _, picture in SPRITES:
        q = quarters(picture)
        for t in (q[0], q[2], q[1], q[3]):
            sprite_data += tile_bytes(t)
    assert SPRITE_BASE + 4 * len(SPRITES) <= 256

    header = ['; Generated by make_town_data.py from the art drawn there; do not edit.']
    tiles = header + ['; Bank 1: RLE streams decompressed into VRAM at $8000 + 16 * first tile id.',
                      'TILES_BG_COUNT equ %d' % len(bg_tiles), 'TILES_FONT_FIRST equ $%02X' % FONT_BASE,
                      'TILES_FRAME_FIRST equ $%02X' % FRAME_BASE, 'TILES_SPRITE_FIRST equ $%02X' % SPRITE_BASE,
                      'bg_tiles_rle:'] + db_lines(rle(bg_data))
    tiles += ['font_tiles_rle:'] + db_lines(rle(font_data)) + ['sprite_tiles_rle:'] + db_lines(rle(sprite_data))

    blocks = header + ['; Block table: for block id b, 4 BG tile ids (top-left, top-right,',
                       '; bottom-left, bottom-right) at block_tiles + 4 b, and 1 (walkable) or 0',
                       '; at block_walkable + b.']
    blocks += ['BLOCK_%s equ %d' % (name.upper(), i) for i, (name, _, _) in enumerate(BLOCKS)]
    blocks += ['block_tiles:'] + db_lines([t for ids in block_tiles for t in ids])
    blocks += ['block_walkable:'] + db_lines([1 if walkable else 0 for _, walkable, _ in BLOCKS])
    # Character -> tile id for codes 32..95 ($00 for a character the font lacks).
    index = [FONT_BASE + FONT_CHARS.index(chr(code)) if chr(code) in FONT_CHARS else FONT_BASE for code in range(32, 96)]
    blocks += ['; Tile id of each character 32..95 (unknown ones are blank).', 'font_index:'] + db_lines(index)

    maps = list(header)
    for label, bank, border, rows in AREAS:
        width, height = len(rows[0]), len(rows)
        assert all(len(r) == width for r in rows), label
        data = [BLOCK_IDS[LEGEND[c]] for r in rows for c in r]
        stream = rle(data)
        assert unrle(stream) == data
        maps += ['', '  bank %d' % bank, '; %s: %d x %d blocks, border block %s' % (label, width, height, border),
                 'MAP_%s_WIDTH equ %d' % (label.upper(), width), 'MAP_%s_HEIGHT equ %d' % (label.upper(), height),
                 'MAP_%s_BORDER equ BLOCK_%s' % (label.upper(), border.upper()), 'map_%s_rle:' % label]
        maps += db_lines(stream)
    for stream in (bg_data, font_data, sprite_data):
        assert unrle(rle(stream)) == stream

    music = header + ['; Bank 6 (after the texts): period of each note C3..B6 (pulse channels),',
                      '; then per song 4 channel pointers and the streams.', 'music_periods:']
    music += ['  dw ' + ', '.join(str(note_period(i)) for i in range(n, n + 12)) for n in range(0, NOTE_COUNT, 12)]
    for name, channels in SONGS:
        music += ['song_%s:' % name, '  dw ' + ', '.join('song_%s_%d' % (name, c) for c in range(4))]
        for channel, text in enumerate(channels):
            stream = song_stream(text)
            assert all(b < NOTE_COUNT or b in (0x80, 0xFF) for b in stream[0::2]), name
            music += ['song_%s_%d:' % (name, channel)] + db_lines(stream)
    return {'town_tiles.inc': '\n'.join(tiles) + '\n', 'town_blocks.inc': '\n'.join(blocks) + '\n',
            'town_maps.inc': '\n'.join(maps) + '\n', 'town_music.inc': '\n'.join(music) + '\n'}


def write_png(path, rows):
    """An 8-bit gray PNG of rows of shades (0 white .. 3 black)."""
    raw = b''.join(b'\x00' + bytes(255 - 85 * shade for shade in row) for row in rows)

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
    header = struct.pack('>IIBBBBB', len(rows[0]), len(rows), 8, 0, 0, 0, 0)
    with open(path, 'wb') as out:
        out.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', zlib.compress(raw, 9)) +
                  chunk(b'IEND', b''))


def render_areas(folder):
    """Each area's whole block map, drawn from the blocks the ROM is built from
    (docs/roms.md shows them): town_area_<label>.png, one pixel a GB pixel."""
    pictures = {name: picture for name, _, picture in BLOCKS}
    for label, _, _, rows in AREAS:
        image = [[SHADES[pictures[LEGEND[rows[y // 16][x // 16]]][y % 16][x % 16]] for x in range(16 * len(rows[0]))]
                 for y in range(16 * len(rows))]
        write_png(os.path.join(folder, 'town_area_%s.png' % label), image)


def main():
    if sys.argv[1:2] == ['--render-areas'] and len(sys.argv) == 3:
        render_areas(sys.argv[2])
        return 0
    check = sys.argv[1:] == ['--check']
    stale = []
    for name, text in build().items():
        path = os.path.join(HERE, name)
        if check:
            if not os.path.exists(path) or open(path).read() != text:
                stale.append(name)
        else:
            with open(path, 'w') as out:
                out.write(text)
    if stale:
        print('stale (run states/roms/town/make_town_data.py): ' + ', '.join(stale))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
