#!/usr/bin/python3
"""Grayscale image sets that are not MNIST, built offline from installed Debian packages.

Usage (from the repository root; use the Debian interpreter, not the pyenv
`python3` on PATH, which lacks numpy/PIL):

    /usr/bin/python3 bench/datasets/make.py            # writes bench/datasets/out/
    /usr/bin/python3 bench/datasets/make.py --out DIR  # or elsewhere

Debian packages it reads (verified with `dpkg -S` on every file used):

    apt-get install -y python3-numpy python3-pil python3-fonttools python3-sklearn \
        fonts-dejavu-core fonts-dejavu-extra fonts-liberation2 fonts-lato fonts-lyx

  python3-sklearn     /usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz
                      (only that data file is read; sklearn itself is imported, if
                      present, just to cross-check against load_digits())
  python3-pil         rendering (FreeType via PIL.ImageFont), contact sheets
  python3-fonttools   each font's cmap (which code points it really has)
  fonts-dejavu-core   dejavu/DejaVuSans{,-Bold}, DejaVuSansMono{,-Bold}, DejaVuSerif{,-Bold}
  fonts-dejavu-extra  the other 16 files in /usr/share/fonts/truetype/dejavu/
  fonts-liberation2   /usr/share/fonts/truetype/liberation2/*.ttf (12)
  fonts-lato          /usr/share/fonts/truetype/lato/*.ttf (18)
  fonts-lyx           /usr/share/fonts/truetype/lyx/*.ttf (12 TeX fonts: cmr10, msbm10, ...)
  (fonts-font-awesome is installed too but deliberately NOT used: icons, not characters.)

Outputs (bench/datasets/out/, git-ignored; all uint8, C order, np.save format):

  digits.npy        (1797, 8, 8), values 0..16. scikit-learn's bundled copy of the UCI
                    "optdigits" test set, in the file's order (labels are not saved).
  glyphs.npy        (N, 32, 32), values 0..255 (0 = background, 255 = ink). Printed
                    characters from the fonts above, antialiased, white on black.
  glyphs-20x12.npy  (M, 20, 12), values 0/1. The same characters, in the same order,
                    re-rendered at 20x12 and thresholded (>= 128 -> 1).
  glyphs.tsv, glyphs-20x12.tsv   provenance of each row: index, font file, code point.
  *-sheet.png       contact sheets of the first 100 images of each set (10 x 10).

Glyph rendering rules (both glyph sets; H x W = 32 x 32 with margin 2, 20 x 12 with margin 1):
  * Fonts: every *.ttf/*.otf under /usr/share/fonts/truetype/ except font-awesome,
    sorted by path. Code points: the font's best Unicode cmap (fontTools
    getBestCmap), ascending, minus control (Cc), surrogate (Cs) and private-use (Co)
    characters and minus entries that map to glyph .notdef.
  * Size: the largest integer pixel size at which the font's full ascent+descent
    (FreeType size metrics, as PIL's getmetrics reports them) fits in H - 2*margin rows;
    that box is centred vertically, so the baseline is at a fixed row per font and
    glyphs keep their vertical position as in running text. Ink above/below the
    image is clipped (rare: stacked accents, big math operators).
  * Horizontally: the glyph is drawn on a wide canvas and the ink's bounding box is
    centred in the W columns (integer shift, extra pixel to the right); wider ink is
    clipped on both sides.
  * PIL's BASIC layout (no raqm shaping), default FreeType hinting, antialiased ('L').
  * Dropped: images with no ink, images identical to the font's rendering of a code
    point it does not have (tofu/.notdef guard), and exact duplicates of an earlier
    image (so the first font in path order keeps a shared shape).
  * glyphs.npy: the survivors, shuffled with numpy default_rng(0).permutation, first
    20000 kept. glyphs-20x12.npy: those same (font, code point) pairs in the same order,
    re-rendered at 20x12 and binarised; empty images and exact duplicates are dropped
    again, so M < N and row i of one set is not row i of the other (see the .tsv files).

The result is deterministic for a given set of package versions (FreeType, the fonts);
the script prints the versions with each set's count, shape, range, mean and sha256.
Single process, about a minute (2-core machine).
"""

import glob
import gzip
import logging
import os
import unicodedata

import numpy as np
from PIL import Image, ImageDraw, ImageFont, features
from fontTools.ttLib import TTFont

from outputs import contact_sheet, output_folder, report  # shared with make-natural.py

logging.getLogger("fontTools").setLevel(logging.ERROR)  # "created timestamp seems very low" (lyx fonts)

HERE = os.path.dirname(os.path.abspath(__file__))
DIGITS_CSV = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"
FONT_ROOT = "/usr/share/fonts/truetype"
SKIP_FONT_DIRS = ("font-awesome",)
SKIP_CATEGORIES = ("Cc", "Cs", "Co")
MAX_GLYPHS = 20000
SEED = 0


# ---------------------------------------------------------------- digits

def make_digits(out):
    with gzip.open(DIGITS_CSV, "rt") as f:
        rows = np.loadtxt(f, delimiter=",", dtype=np.int64)
    assert rows.shape == (1797, 65), rows.shape
    x = rows[:, :64]
    assert x.min() >= 0 and x.max() <= 16
    x = np.ascontiguousarray(x.reshape(-1, 8, 8).astype(np.uint8))
    try:  # cross-check with the library's own loader (same file, no download)
        from sklearn.datasets import load_digits
        assert np.array_equal(load_digits().images.astype(np.uint8), x)
    except ImportError:
        pass
    path = os.path.join(out, "digits.npy")
    np.save(path, x)
    contact_sheet(x, os.path.join(out, "digits-sheet.png"), vmax=16, scale=12)
    report("digits", path, x)


# ---------------------------------------------------------------- glyphs

def font_paths():
    paths = []
    for ext in ("ttf", "otf", "TTF", "OTF"):
        paths += glob.glob(os.path.join(FONT_ROOT, "**", "*." + ext), recursive=True)
    paths = sorted(set(paths))
    return [p for p in paths
            if not any(os.sep + d + os.sep in p for d in SKIP_FONT_DIRS)]


def code_points(path):
    tt = TTFont(path, lazy=True)
    cmap = tt.getBestCmap() or {}
    cps = []
    for cp, gname in sorted(cmap.items()):
        if gname == ".notdef" or tt.getGlyphID(gname) == 0:
            continue
        if unicodedata.category(chr(cp)) in SKIP_CATEGORIES:
            continue
        cps.append(cp)
    missing = next(cp for cp in range(0x0378, 0x110000) if cp not in cmap)
    tt.close()
    return cps, missing


class Renderer:
    """One font at the largest size whose ascent+descent fits an H x W box."""

    def __init__(self, path, H, W, margin):
        self.H, self.W = H, W
        room = H - 2 * margin
        size, font = 1, None
        while True:  # metrics grow monotonically with size; small fonts, few steps
            f = ImageFont.truetype(path, size + 1, layout_engine=ImageFont.Layout.BASIC)
            a, d = f.getmetrics()
            if a + d > room:
                break
            size, font = size + 1, f
        if font is None:
            font = ImageFont.truetype(path, 1, layout_engine=ImageFont.Layout.BASIC)
        self.size, self.font = size, font
        a, d = font.getmetrics()
        self.baseline = margin + (room - (a + d)) // 2 + a
        self.cw = 4 * max(H, W)       # wide canvas: ink rarely leaves it
        self.ox = max(H, W)           # pen origin on the canvas

    def render(self, ch):
        im = Image.new("L", (self.cw, self.H), 0)
        ImageDraw.Draw(im).text((self.ox, self.baseline), ch, font=self.font,
                                fill=255, anchor="ls")
        a = np.asarray(im)
        cols = np.flatnonzero(a.max(axis=0))
        out = np.zeros((self.H, self.W), np.uint8)
        if cols.size == 0:
            return out
        lo, hi = cols[0], cols[-1] + 1
        x0 = (lo + hi - self.W) // 2          # canvas column that lands in column 0
        s0, s1 = max(x0, 0), min(x0 + self.W, self.cw)
        out[:, s0 - x0:s1 - x0] = a[:, s0:s1]
        return out


def render_set(items, fonts_cps, H, W, margin, binary):
    """Render (font_index, cp) items; drop empty, tofu and duplicate images (keep first)."""
    imgs, kept, seen = [], [], set()
    rend = {}
    for fi, cp in items:
        if fi not in rend:
            path, _, missing = fonts_cps[fi]
            r = Renderer(path, H, W, margin)
            tofu = r.render(chr(missing))
            if binary:
                tofu = (tofu >= 128).astype(np.uint8)
            rend = {fi: (r, tofu.tobytes() if tofu.any() else None)}
        r, tofu = rend[fi]
        img = r.render(chr(cp))
        if binary:
            img = (img >= 128).astype(np.uint8)
        if not img.any():
            continue
        key = img.tobytes()
        if key == tofu or key in seen:
            continue
        seen.add(key)
        imgs.append(img)
        kept.append((fi, cp))
    return np.stack(imgs), kept


def write_tsv(path, kept, fonts_cps):
    with open(path, "w") as f:
        f.write("index\tfont\tcodepoint\tchar_name\n")
        for i, (fi, cp) in enumerate(kept):
            name = unicodedata.name(chr(cp), "")
            f.write(f"{i}\t{os.path.relpath(fonts_cps[fi][0], FONT_ROOT)}\tU+{cp:04X}\t{name}\n")


def make_glyphs(out):
    fonts_cps = []
    for p in font_paths():
        cps, missing = code_points(p)
        fonts_cps.append((p, cps, missing))
    items = [(fi, cp) for fi, (_, cps, _) in enumerate(fonts_cps) for cp in cps]
    print(f"glyphs: {len(fonts_cps)} fonts, {len(items)} (font, code point) candidates")
    for p, cps, _ in fonts_cps:
        print(f"  {os.path.relpath(p, FONT_ROOT):45s} {len(cps):5d} code points, "
              f"size {Renderer(p, 32, 32, 2).size:2d}px @32, {Renderer(p, 20, 12, 1).size:2d}px @20")

    imgs, kept = render_set(items, fonts_cps, 32, 32, 2, binary=False)
    print(f"glyphs: {len(kept)} distinct non-empty 32x32 images")
    perm = np.random.default_rng(SEED).permutation(len(kept))[:MAX_GLYPHS]
    g32 = np.ascontiguousarray(imgs[perm])
    kept32 = [kept[i] for i in perm]
    path = os.path.join(out, "glyphs.npy")
    np.save(path, g32)
    write_tsv(os.path.join(out, "glyphs.tsv"), kept32, fonts_cps)
    contact_sheet(g32, os.path.join(out, "glyphs-sheet.png"), vmax=255, scale=4)
    report("glyphs", path, g32)

    g20, kept20 = render_set(kept32, fonts_cps, 20, 12, 1, binary=True)
    g20 = np.ascontiguousarray(g20)
    path = os.path.join(out, "glyphs-20x12.npy")
    np.save(path, g20)
    write_tsv(os.path.join(out, "glyphs-20x12.tsv"), kept20, fonts_cps)
    contact_sheet(g20, os.path.join(out, "glyphs-20x12-sheet.png"), vmax=1, scale=6)
    report("glyphs-20x12", path, g20)


def main():
    out = output_folder(__doc__, os.path.join(HERE, "out"),
                        f"FreeType {features.version('freetype2')}, unicodedata {unicodedata.unidata_version}")
    make_digits(out)
    make_glyphs(out)


if __name__ == "__main__":
    main()
