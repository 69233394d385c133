#!/usr/bin/python3
"""Natural grayscale image sets, 32x32 patches cut from photographs and photographic textures
in installed Debian packages, split train / validation / test by source file.

Usage (from the repository root; the Debian interpreter, not the pyenv `python3` on PATH):

    apt-get install -y python3-numpy python3-pil \\
        lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 mate-backgrounds \\
        plasma-workspace-wallpapers torcs-data extremetuxracer-data
    /usr/bin/python3 bench/datasets/make-natural.py            # writes bench/datasets/out/
    /usr/bin/python3 bench/datasets/make-natural.py --out DIR  # or elsewhere

The two sets and the files they are cut from (the lists say how the files were chosen; every
file is checked with `dpkg -S` against the package its list names, and each package's version
is printed at run time):

  photos    natural-photos.txt: 37 photographs from the wallpaper packages
            lomiri-wallpapers-16.04, lomiri-wallpapers-20.04, mate-backgrounds and
            plasma-workspace-wallpapers (landscapes, plants, animals, objects, a facade)
  textures  natural-textures.txt: 165 photographic surface textures from the game data
            packages torcs-data (ground, walls, facades) and extremetuxracer-data (terrains)

Rules, the same for both sets:
  * Grey: ITU-R BT.601 luma, Y = 0.299 R + 0.587 G + 0.114 B, from the decoded 8-bit RGB
    (PIL's 'F' conversion, the formula of its 'L' mode without the rounding; alpha, where a
    texture has one, is 255 everywhere and dropped), kept in floating point through the
    downscale and rounded once at the end, to nearest with halves up.
  * Downscale: each image is shrunk, if its short side is above 512 pixels, so that the short
    side is 512 (the long side in proportion, rounded), with PIL's box filter (each output pixel
    the area-weighted mean of the input pixels it covers). Why: the photographs are 1.3-6k
    pixels wide, and a 32x32 patch of a full-size photograph is a nearly flat piece of one
    surface; at 512 a patch is 1/16 of the picture's short side and holds edges and texture.
    Averaging (no sharpening, no ringing) also blurs the JPEG 8x8 block edges and sensor noise
    the files carry, and 512 is at least a factor 2 for every photograph (the smallest is
    1280x1024). Textures of 512 or less (all of ETR's 256x256 ones) are left as they are,
    TORCS's 1024x1024 ones are halved.
  * Repeats: many game textures are one tile copied 2x2 or 4x4, exactly or with a few pixels
    changed, and patches of the copies would be copies, which stream codecs find and no image
    model can know about. Along each axis, if the shrunk image shifted by p pixels (32 <= p
    <= half the side, the smallest such p) differs from itself on average by less than 0.3
    times what a one-pixel shift gives, the image is cut to its first p pixels along that axis
    (15 textures, printed at run time; no photograph comes below 1.6).
  * Patches: the non-overlapping 32x32 grid that fits in the (cut) image, centred (the
    remainder split evenly, the odd pixel to the right/bottom). Dropped, and counted: patches
    whose pixels are all one value (blown-out sky, black borders: they carry nothing to code
    and would flatter every codec), and patches identical to one kept before from any file,
    in list order (1,084 among the textures, none among the photographs). textures only: then
    at most 112 patches per file, drawn at random (seed 0 and the file's path), so that the
    512x512 ones outweigh ETR's 256x256 (64 patches) by less than 2 to 1, not 4 to 1.
  * Sources of one photograph: each file's detail thumbnail is its shrunk grey image box-
    filtered to 64x64 minus the means of its 4x4 blocks (gradients and lighting, which
    different photographs share, removed); files whose detail thumbnails have a normalised
    correlation >= 0.5 are one group (transitively), and a group is never split. This joins
    the textures made from one base photograph (three TORCS concrete walls, ETR's floor01 and
    floor02...); two different photographs here reach at most 0.33 (printed at run time).
  * Split by group: the groups in a random order (numpy default_rng(0)); the first groups go to
    test until it has >= 2,000 patches, the next to val until >= 1,500, the rest to train. Each
    split is then cut to its size (test 2,000, val 1,500, train 10,000) by a random choice
    without replacement (default_rng(0)), and shuffled (default_rng(1)): the order in the
    files says nothing about the source. A split with fewer patches than its size keeps them
    all (the output's count says so).

Outputs (bench/datasets/out/, git-ignored):

  {photos,textures}-{train,val,test}.npy   uint8, shape (N, 32, 32), C order, np.save format
  {photos,textures}-{train,val,test}.tsv   provenance of each row: index, source file, x and
                                           y of the patch's top-left corner in the shrunk
                                           image, and that image's width and height (after
                                           a repeat cut, which keeps the top-left corner)
  {photos,textures}-sheet.png              the first 100 training patches, 4x, 10 x 10

The script prints the package versions, the interpreter's libraries (libjpeg-turbo decodes the
photographs), each source group's split, and each array's count, shape, range, mean and
sha256; the result is deterministic for given package versions (two runs, same bytes).
Single process, a few seconds. With lomiri-wallpapers-16.04 and -20.04 20.04.0-2,
mate-backgrounds 1.26.0-1, plasma-workspace-wallpapers 4:5.27.5-2, torcs-data 1.3.7+dfsg-5,
extremetuxracer-data 0.8.2-1 (Debian 12), python 3.11.2, numpy 1.24.2, PIL 9.4.0,
libjpeg-turbo 6.2:

  photos-train.npy    10000  191182867bfb1b59f124a483adb477e87dd1bf1bdefda3c1c8d25dced6fe9feb
  photos-val.npy       1500  16136fea37c029d25a101862b24218baa2ff82b1fddc30f1f45d0debaf0296ab
  photos-test.npy      2000  5ba75dfd98b4443ff60e8f07f39e8c2816509257381e722fdb39a228b566f562
  textures-train.npy  10000  11187199b6ec6253712e4645c7991abf564d20e6ef9780871d99e96c6c335801
  textures-val.npy     1500  8877768f71bff1b9556098b9a9a5cf964bd30e9db185ef428015336edac4bfc7
  textures-test.npy    2000  558904dab11143ac6d5e7e1ce5042de107db08fb47a6fffc2c266e53eb875150

(photos: 27 / 4 / 6 photographs in train / val / test, 14,149 patches before each split's
cut to size, 43 constant ones dropped; textures: 123 / 17 / 25 files, 13,958 patches, 149
constant ones and 1,084 copies dropped.)
"""

import os
import subprocess
import sys
import zlib
from dataclasses import dataclass

import numpy as np
from PIL import Image, features

from outputs import contact_sheet, output_folder, report  # shared with make.py

HERE = os.path.dirname(os.path.abspath(__file__))
PATCH = 32
SHORT_SIDE = 512
REPEAT = 0.3                    # see one_repeat
THUMBNAIL, THUMBNAIL_BLOCK = 64, 4
SAME_PHOTOGRAPH = 0.5           # detail-thumbnail correlation at or above which two files are one group
SPLIT_SIZES = {"test": 2000, "val": 1500, "train": 10000}   # in the order splits are filled
SEED = 0


@dataclass(frozen=True)
class NaturalSet:
    name: str
    source_list: str             # file in this folder
    max_patches_per_source: int | None


SETS = (
    NaturalSet("photos", "natural-photos.txt", None),
    NaturalSet("textures", "natural-textures.txt", 112),
)


# ---------------------------------------------------------------- sources

def read_source_list(path):
    """[(package, file)] from a list: "# package: NAME" headers, one path a line, "#" notes."""
    sources, package = [], None
    for line in open(path, encoding="utf-8"):
        if line.startswith("# package:"):
            package = line.split(":", 1)[1].strip()
            continue
        entry = line.split("#", 1)[0].strip()
        if entry:
            if package is None:
                sys.exit(f"{path}: {entry} comes before any '# package:' line")
            sources.append((package, entry))
    return sources


def check_packages(sources):
    """Every file present and owned by its package; returns {package: version}."""
    for package, path in sources:
        if not os.path.isfile(path):
            sys.exit(f"{path} is missing: apt-get install {package}")
    owners = subprocess.run(["dpkg", "-S", *[p for _, p in sources]], check=True,
                            capture_output=True, text=True).stdout
    owner = {}
    for line in owners.splitlines():
        pkgs, path = line.split(": ", 1)
        owner[path] = pkgs.split(", ")
    for package, path in sources:
        if package not in owner.get(path, []):
            sys.exit(f"{path} belongs to {owner.get(path)}, not {package}")
    names = sorted({p for p, _ in sources})
    versions = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version}\\n", *names],
                              check=True, capture_output=True, text=True).stdout
    return dict(line.split(" ", 1) for line in versions.splitlines())


def shrunk_grey(path):
    """BT.601 luma in float32, box-shrunk so the short side is at most SHORT_SIDE."""
    grey = Image.open(path).convert("RGB").convert("F")
    w, h = grey.size
    short = min(w, h)
    if short > SHORT_SIDE:
        scale = SHORT_SIDE / short
        size = (SHORT_SIDE, round(h * scale)) if w == short else (round(w * scale), SHORT_SIDE)
        grey = grey.resize(size, Image.BOX)
    return np.asarray(grey, np.float32)


def to_uint8(grey):
    return np.clip(np.floor(grey + 0.5), 0, 255).astype(np.uint8)


# ---------------------------------------------------------------- patches

def grid_patches(image):
    """The centred non-overlapping grid: [(x, y)] top-left corners, row by row."""
    h, w = image.shape
    nx, ny = w // PATCH, h // PATCH
    x0, y0 = (w - nx * PATCH) // 2, (h - ny * PATCH) // 2
    return [(x0 + i * PATCH, y0 + j * PATCH) for j in range(ny) for i in range(nx)]


def one_repeat(image):
    """The image cut to one repeat along each axis where it repeats itself: the smallest shift p
    of at least PATCH pixels (at most half the side) at which the image differs from itself, on
    average, by less than REPEAT times what a one-pixel shift gives. Game textures are often
    made of a tile copied 2x2 or 4x4 (exactly, or with a few pixels changed); patches of the
    copies would be copies, which stream codecs find and an image model cannot know about.
    The photographs here stay at 1.6 or more."""
    a = image.astype(np.int16)
    for axis in (0, 1):
        n = a.shape[axis]

        def shift_difference(p):
            return np.abs(np.take(a, range(p, n), axis) - np.take(a, range(n - p), axis)).mean()

        step = shift_difference(1)
        period = next((p for p in range(PATCH, n // 2 + 1) if shift_difference(p) < REPEAT * step), n)
        a = np.take(a, range(period), axis)
    return a.astype(np.uint8)


def source_patches(path, image, cap, seen):
    """(kept corners, constant patches dropped, copies dropped) for one source file; `seen`
    holds the bytes of every patch kept so far, from any file, and gets this file's."""
    grid = grid_patches(image)
    corners = [(x, y) for x, y in grid if np.ptp(image[y:y + PATCH, x:x + PATCH]) > 0]
    constant = len(grid) - len(corners)
    unique = []
    for x, y in corners:
        key = image[y:y + PATCH, x:x + PATCH].tobytes()
        if key not in seen:
            seen.add(key)
            unique.append((x, y))
    copies, corners = len(corners) - len(unique), unique
    if cap is not None and len(corners) > cap:
        rng = np.random.default_rng([SEED, zlib.crc32(path.encode())])
        corners = [corners[i] for i in sorted(rng.choice(len(corners), cap, replace=False))]
    return corners, constant, copies


def detail_thumbnail(grey):
    """64x64 box thumbnail minus its 4x4 block means, unit length: what is left is detail,
    which files cut from one photograph share; sky gradients and lighting, which different
    photographs share too (up to 0.83 here with the means left in), are gone."""
    t = np.asarray(Image.fromarray(grey).resize((THUMBNAIL, THUMBNAIL), Image.BOX), np.float64)
    k = THUMBNAIL_BLOCK
    t -= np.kron(t.reshape(THUMBNAIL // k, k, THUMBNAIL // k, k).mean(axis=(1, 3)), np.ones((k, k)))
    return (t / (np.linalg.norm(t) or 1.0)).ravel()


def photograph_groups(thumbnails):
    """Union of files whose detail thumbnails correlate >= SAME_PHOTOGRAPH: (lists of indices,
    the highest correlation left between files of different groups)."""
    corr = np.stack(thumbnails) @ np.stack(thumbnails).T
    parent = list(range(len(thumbnails)))

    def root(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j in zip(*np.nonzero(np.triu(corr >= SAME_PHOTOGRAPH, 1))):
        parent[root(j)] = root(i)
    groups = {}
    for i in range(len(thumbnails)):
        groups.setdefault(root(i), []).append(i)
    roots = np.array([root(i) for i in range(len(thumbnails))])
    apart = corr[roots[:, None] != roots[None, :]]
    return list(groups.values()), float(apart.max()) if apart.size else None


def assign_splits(groups, counts):
    """{split: [group indices]}: groups in seeded order fill test, then val, then train."""
    order = np.random.default_rng(SEED).permutation(len(groups))
    splits = {name: [] for name in SPLIT_SIZES}
    filling = iter(SPLIT_SIZES)
    current, have = next(filling), 0
    for g in order:
        if current != "train" and have >= SPLIT_SIZES[current]:
            current, have = next(filling), 0
        splits[current].append(g)
        have += sum(counts[i] for i in groups[g])
    return splits


# ---------------------------------------------------------------- one set

def make_set(natural, out):
    sources = read_source_list(os.path.join(HERE, natural.source_list))
    versions = check_packages(sources)
    print(f"\n{natural.name}: {len(sources)} files from "
          + ", ".join(f"{p} {versions[p]}" for p in sorted(versions)))

    images, patches, thumbs, seen, constant, copies = [], [], [], set(), 0, 0
    for _, path in sources:
        grey = shrunk_grey(path)
        image = to_uint8(grey)
        repeat = one_repeat(image)
        if repeat.shape != image.shape:
            print(f"  {os.path.relpath(path, '/usr/share')}: {image.shape[1]}x{image.shape[0]} "
                  f"repeats itself, cut to one {repeat.shape[1]}x{repeat.shape[0]} repeat")
        corners, n_constant, n_copies = source_patches(path, repeat, natural.max_patches_per_source, seen)
        images.append(repeat)
        patches.append(corners)
        thumbs.append(detail_thumbnail(grey))
        constant += n_constant
        copies += n_copies
    counts = [len(c) for c in patches]
    print(f"{natural.name}: {sum(counts)} patches kept; dropped {constant} constant patches and "
          f"{copies} copies of a patch kept before"
          + (f"; at most {natural.max_patches_per_source} a file"
             if natural.max_patches_per_source else ""))

    groups, apart = photograph_groups(thumbs)
    print(f"{natural.name}: {len(groups)} groups of files cut from one photograph; the highest "
          f"detail correlation between groups is {apart:.2f} (joined from {SAME_PHOTOGRAPH})")
    for group in groups:
        if len(group) > 1:
            print("  one group: " + ", ".join(os.path.relpath(sources[i][1], "/usr/share")
                                              for i in group))
    splits = assign_splits(groups, counts)

    for split, size in SPLIT_SIZES.items():
        files = sorted(i for g in splits[split] for i in groups[g])
        rows = [(i, x, y) for i in files for x, y in patches[i]]
        available = len(rows)
        if len(rows) > size:
            keep = np.random.default_rng(SEED).choice(len(rows), size, replace=False)
            rows = [rows[k] for k in sorted(keep)]
        rows = [rows[k] for k in np.random.default_rng(SEED + 1).permutation(len(rows))]
        print(f"{natural.name}-{split}: {len(rows)} of {available} patches from {len(files)} "
              f"files: " + ", ".join(os.path.relpath(sources[i][1], "/usr/share") for i in files))

        a = np.stack([images[i][y:y + PATCH, x:x + PATCH] for i, x, y in rows])
        stem = os.path.join(out, f"{natural.name}-{split}")
        np.save(stem + ".npy", np.ascontiguousarray(a))
        with open(stem + ".tsv", "w") as f:
            f.write("index\tsource\tx\ty\twidth\theight\n")
            for k, (i, x, y) in enumerate(rows):
                h, w = images[i].shape
                f.write(f"{k}\t{sources[i][1]}\t{x}\t{y}\t{w}\t{h}\n")
        if split == "train":
            contact_sheet(a, os.path.join(out, f"{natural.name}-sheet.png"), vmax=255, scale=4)
        report(f"{natural.name}-{split}", stem + ".npy", a)


def main():
    out = output_folder(__doc__, os.path.join(HERE, "out"),
                        f"libjpeg-turbo {features.version('jpg')}, zlib {features.version('zlib')}")
    for natural in SETS:
        make_set(natural, out)


if __name__ == "__main__":
    main()
