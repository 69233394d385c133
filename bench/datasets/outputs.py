"""What the dataset scripts (make.py, make-natural.py) share: where they write (--out) and what
they do with each array they write: its sha256, a one-line report, and a contact sheet."""

import argparse
import hashlib
import os
import sys

import numpy as np
import PIL
from PIL import Image


def output_folder(doc, default, versions):
    """The --out folder (made if missing), after printing the Python, numpy and PIL versions and `versions`."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--out", default=default)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, PIL {PIL.__version__}, {versions}")
    return args.out


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def report(name, path, a):
    print(f"{name}: count {a.shape[0]}, shape {a.shape}, dtype {a.dtype}, "
          f"range {int(a.min())}..{int(a.max())}, mean {a.mean():.4f}, "
          f"sha256 {sha256(path)}  {os.path.relpath(path)}")


def contact_sheet(a, path, vmax, scale, n=100, cols=10):
    """First n images in a grid, nearest-neighbour upscaled, 2-px mid-gray gutters."""
    a = a[:n]
    h, w = a.shape[1] * scale, a.shape[2] * scale
    rows = (len(a) + cols - 1) // cols
    g = 2
    sheet = np.full((rows * (h + g) + g, cols * (w + g) + g), 96, np.uint8)
    for i, img in enumerate(a):
        big = np.kron(img.astype(np.float64) * (255.0 / vmax), np.ones((scale, scale)))
        r, c = divmod(i, cols)
        y, x = g + r * (h + g), g + c * (w + g)
        sheet[y:y + h, x:x + w] = np.round(big).astype(np.uint8)
    Image.fromarray(sheet).save(path)
