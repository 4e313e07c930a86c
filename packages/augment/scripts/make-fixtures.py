#!/usr/bin/python3
"""Regenerate the reference fixtures of @fmnist/augment's tests (the tests never run Python).

    /usr/bin/python3 packages/augment/scripts/make-fixtures.py   # Debian python3-scipy + numpy

1. src/fixtures/scipy-affine.json: random images and Keras transform parameters, the 2x3 matrix
   built as Keras' apply_affine_transform builds it (rotation . shift . shear . zoom, centred with
   transform_matrix_offset_center: o = size / 2 - 0.5, no axis swap: tx moves rows, ty columns), and
   the output of scipy.ndimage.affine_transform(channel, M, offset, order=1, mode=fill_mode,
   cval=cval) on each float32 channel, then flip_axis(cols) when flip_horizontal (what Keras'
   apply_transform does).
2. src/fixtures/eraser-reference.json: the distribution of the rectangles of yu4u's
   get_random_eraser (p=0.5, s_l=0.02, s_h=0.4, r_1=0.3, r_2=1/0.3) on 28x28 images, from
   N calls of the reference algorithm with numpy's generator.
"""
import base64
import json
import os

import numpy as np
import scipy
from scipy import ndimage

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'src', 'fixtures')


def keras_matrix(h, w, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1):
    """Keras' apply_affine_transform matrix (keras/preprocessing/image.py), without the PMP swap."""
    m = None
    if theta != 0:
        t = np.deg2rad(theta)
        m = np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])
    if tx != 0 or ty != 0:
        s = np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]])
        m = s if m is None else np.dot(m, s)
    if shear != 0:
        sh = np.deg2rad(shear)
        s = np.array([[1, -np.sin(sh), 0], [0, np.cos(sh), 0], [0, 0, 1]])
        m = s if m is None else np.dot(m, s)
    if zx != 1 or zy != 1:
        z = np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]])
        m = z if m is None else np.dot(m, z)
    if m is None:
        return None
    ox, oy = float(h) / 2 - 0.5, float(w) / 2 - 0.5
    off = np.array([[1, 0, ox], [0, 1, oy], [0, 0, 1]])
    reset = np.array([[1, 0, -ox], [0, 1, -oy], [0, 0, 1]])
    return np.dot(np.dot(off, m), reset)


def keras_apply(x, params, fill_mode, cval):
    """Keras' apply_transform for an HWC float32 image (affine, then horizontal flip)."""
    h, w = x.shape[0], x.shape[1]
    m = keras_matrix(h, w, params['theta'], params['tx'], params['ty'], params['shear'],
                     params['zx'], params['zy'])
    if m is not None:
        chans = [ndimage.affine_transform(x[:, :, k], m[:2, :2], m[:2, 2], order=1,
                                          mode=fill_mode, cval=cval) for k in range(x.shape[2])]
        x = np.stack(chans, axis=2)
    if params['flipHorizontal']:
        x = x[:, ::-1, :]
    return np.ascontiguousarray(x, dtype=np.float32), m


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype='<f4').tobytes()).decode('ascii')


def affine_cases():
    rng = np.random.RandomState(20240601)
    shapes = [(28, 28, 1)] * 2 + [(9, 7, 1), (7, 12, 1), (5, 5, 2), (6, 8, 3), (1, 6, 1), (6, 1, 1), (2, 3, 1)]
    modes = ['nearest', 'constant', 'reflect', 'wrap']
    cases = []
    for si, shape in enumerate(shapes):
        for mode in modes:
            h, w, c = shape
            x = (rng.rand(h, w, c) * 255).astype(np.float32)
            big = si % 2 == 1  # every other shape: large shifts and zooms (several periods away)
            params = {
                'theta': float(rng.uniform(-180, 180)) if rng.rand() < 0.8 else 0.0,
                'tx': float(rng.uniform(-1, 1) * (3 * h if big else 0.3 * h)),
                'ty': float(rng.uniform(-1, 1) * (3 * w if big else 0.3 * w)),
                'shear': float(rng.uniform(-40, 40)) if rng.rand() < 0.6 else 0.0,
                'zx': float(rng.uniform(0.3, 3.5) if big else rng.uniform(0.7, 1.4)),
                'zy': float(rng.uniform(0.3, 3.5) if big else rng.uniform(0.7, 1.4)),
                'flipHorizontal': bool(rng.rand() < 0.3),
            }
            cval = float(rng.uniform(-50, 300))
            y, m = keras_apply(x, params, mode, cval)
            cases.append({
                'shape': list(shape), 'params': params, 'fillMode': mode, 'cval': cval,
                'matrix': None if m is None else [float(v) for v in m[:2, :].ravel()],
                'input': b64(x), 'output': b64(y),
            })
    # Hand-checkable ones: identity, a pure integer shift, a 90-degree rotation of a non-square image.
    for params in [
        {'theta': 0.0, 'tx': 0.0, 'ty': 0.0, 'shear': 0.0, 'zx': 1.0, 'zy': 1.0, 'flipHorizontal': False},
        {'theta': 0.0, 'tx': 2.0, 'ty': -3.0, 'shear': 0.0, 'zx': 1.0, 'zy': 1.0, 'flipHorizontal': False},
        {'theta': 90.0, 'tx': 0.0, 'ty': 0.0, 'shear': 0.0, 'zx': 1.0, 'zy': 1.0, 'flipHorizontal': False},
    ]:
        for mode in modes:
            x = (rng.rand(5, 7, 1) * 255).astype(np.float32)
            y, m = keras_apply(x, params, mode, 7.0)
            cases.append({
                'shape': [5, 7, 1], 'params': params, 'fillMode': mode, 'cval': 7.0,
                'matrix': None if m is None else [float(v) for v in m[:2, :].ravel()],
                'input': b64(x), 'output': b64(y),
            })
    return cases


def reference_eraser_box(rng, img_h, img_w, p=0.5, s_l=0.02, s_h=0.4, r_1=0.3, r_2=1 / 0.3):
    """The rectangle choice of yu4u's get_random_eraser, step for step (same draws, same order)."""
    p_1 = rng.rand()
    if p_1 > p:
        return None
    while True:
        s = rng.uniform(s_l, s_h) * img_h * img_w
        r = rng.uniform(r_1, r_2)
        w = int(np.sqrt(s / r))
        h = int(np.sqrt(s * r))
        left = rng.randint(0, img_w)
        top = rng.randint(0, img_h)
        if left + w <= img_w and top + h <= img_h:
            return h, w, top, left


def eraser_reference(n=200000):
    rng = np.random.RandomState(12345)
    counts = {}
    erased = 0
    tops = np.zeros(28, dtype=np.int64)
    for _ in range(n):
        box = reference_eraser_box(rng, 28, 28)
        if box is None:
            continue
        erased += 1
        h, w, top, _left = box
        counts[(h, w)] = counts.get((h, w), 0) + 1
        tops[top] += 1
    return {
        'imageShape': [28, 28],
        'options': {'p': 0.5, 'sl': 0.02, 'sh': 0.4, 'r1': 0.3, 'r2': 1 / 0.3},
        'calls': n,
        'erased': erased,
        # [height, width, count] of the erased rectangles
        'boxes': sorted([[h, w, c] for (h, w), c in counts.items()]),
        'topCounts': tops.tolist(),
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    meta = {'generator': 'scripts/make-fixtures.py', 'scipy': scipy.__version__, 'numpy': np.__version__}
    with open(os.path.join(OUT, 'scipy-affine.json.tmp'), 'w') as f:
        json.dump({**meta, 'cases': affine_cases()}, f)
    os.replace(os.path.join(OUT, 'scipy-affine.json.tmp'), os.path.join(OUT, 'scipy-affine.json'))
    with open(os.path.join(OUT, 'eraser-reference.json.tmp'), 'w') as f:
        json.dump({**meta, **eraser_reference()}, f)
    os.replace(os.path.join(OUT, 'eraser-reference.json.tmp'), os.path.join(OUT, 'eraser-reference.json'))


if __name__ == '__main__':
    main()
