#!/usr/bin/env python3
"""Hand-drawn segmentation labels for the test photos in ../shared/photos.

Each photo's labels are polygons in tests/fixtures/labels/NAME.json, drawn by
hand on zoomed crops; this tool turns them into the label image the tests
read (tests/fixtures/labels/NAME.png) and into review sheets.

  python3 tools/labels.py render [NAME ...]     JSON -> PNG (all photos if none given)
  python3 tools/labels.py review NAME [--zoom Z] [--box X0 Y0 X1 Y1] [--grid N]
                                                 overlay + grid -> target/labels-review/

JSON: {"image": "front-bald-dark-01.jpg", "width": W, "height": H,
       "layers": [{"label": "scalp", "polygon": [[x, y], ...]}, ...]}
Layers are painted in order (a later layer overwrites an earlier one); what no
layer covers is background. A pixel takes the label of the last polygon that
contains its centre (x + 0.5, y + 0.5), even-odd rule; coordinates are image
pixels (floats allowed).

Label values in the PNG (8-bit greyscale):
  0 background   the backdrop behind the person
  1 hair         hair of the head (scalp hair, sideburns, fringe, stubble)
  2 scalp        bare skin above the brow line: forehead and bald or shaved
                 scalp, highlights and shadows included
  3 face         the face below the brow line (skin, brows, eyes, glasses,
                 nose, mouth, facial hair), ears and neck
  4 body         clothes and anything else of the person (not scored)
"""
import json
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The test photos live beside the repository (../shared/photos); a git
# worktree elsewhere can point at them with HV_PHOTOS.
PHOTOS = os.environ.get('HV_PHOTOS') or next(
    (d for d in (os.path.join(ROOT, '..', 'shared', 'photos'), '/work/shared/photos') if os.path.isdir(d)),
    os.path.join(ROOT, '..', 'shared', 'photos'))
FIXTURES = os.path.join(ROOT, 'tests', 'fixtures', 'labels')
REVIEW = os.path.join(ROOT, 'target', 'labels-review')
LABELS = {'background': 0, 'hair': 1, 'scalp': 2, 'face': 3, 'body': 4}
COLOURS = {0: (40, 90, 255), 1: (255, 200, 0), 2: (255, 40, 160), 3: (0, 220, 120), 4: (150, 150, 150)}


def inside(poly, xs, ys):
    """Even-odd point-in-polygon for arrays of points."""
    res = np.zeros(xs.shape, dtype=bool)
    n = len(poly)
    for i in range(n):
        x1, y1 = poly[i]
        x2, y2 = poly[(i + 1) % n]
        if y1 == y2:
            continue
        cross = (y1 > ys) != (y2 > ys)
        xi = x1 + (ys - y1) * (x2 - x1) / (y2 - y1)
        res ^= cross & (xs < xi)
    return res


def rasterise(spec):
    w, h = spec['width'], spec['height']
    out = np.zeros((h, w), dtype=np.uint8)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64) + 0.5
    for layer in spec['layers']:
        poly = layer['polygon']
        if len(poly) < 3:
            raise SystemExit(f"{spec['image']}: a {layer['label']} polygon has fewer than 3 points")
        xa = [p[0] for p in poly]
        ya = [p[1] for p in poly]
        x0, x1 = max(int(min(xa)) - 1, 0), min(int(max(xa)) + 2, w)
        y0, y1 = max(int(min(ya)) - 1, 0), min(int(max(ya)) + 2, h)
        if x0 >= x1 or y0 >= y1:
            continue
        m = inside(poly, xs[y0:y1, x0:x1], ys[y0:y1, x0:x1])
        out[y0:y1, x0:x1][m] = LABELS[layer['label']]
    return out


def load(name):
    with open(os.path.join(FIXTURES, name + '.json')) as f:
        return json.load(f)


def render(names):
    if not names:
        names = sorted(n[:-5] for n in os.listdir(FIXTURES) if n.endswith('.json'))
    for name in names:
        spec = load(name)
        lab = rasterise(spec)
        Image.fromarray(lab, mode='L').save(os.path.join(FIXTURES, name + '.png'), optimize=True)
        counts = {k: int((lab == v).sum()) for k, v in LABELS.items()}
        print(name, counts)


def review(name, zoom=3, box=None, grid=10):
    spec = load(name)
    photo = Image.open(os.path.join(PHOTOS, spec['image'])).convert('RGB')
    lab = rasterise(spec)
    w, h = photo.size
    x0, y0, x1, y1 = box or (0, 0, w, h)
    crop = np.asarray(photo, dtype=np.float32)[y0:y1, x0:x1]
    l = lab[y0:y1, x0:x1]
    col = np.zeros_like(crop)
    for v, c in COLOURS.items():
        col[l == v] = c
    # Boundaries: a pixel whose right or lower neighbour has another label.
    edge = np.zeros(l.shape, dtype=bool)
    edge[:, :-1] |= l[:, :-1] != l[:, 1:]
    edge[:-1, :] |= l[:-1, :] != l[1:, :]
    mixed = crop * 0.72 + col * 0.28
    big = Image.fromarray(mixed.clip(0, 255).astype(np.uint8)).resize(((x1 - x0) * zoom, (y1 - y0) * zoom), Image.NEAREST)
    plain = Image.fromarray(crop.astype(np.uint8)).resize(big.size, Image.NEAREST)
    d = ImageDraw.Draw(big)
    d2 = ImageDraw.Draw(plain)
    for yy, xx in zip(*np.nonzero(edge)):
        for dd in (d, d2):
            dd.rectangle([xx * zoom, yy * zoom, xx * zoom + zoom - 1, yy * zoom + zoom - 1], outline=(255, 255, 255))
    for g in range((x0 // grid + 1) * grid, x1, grid):
        for dd in (d, d2):
            dd.line([((g - x0) * zoom, 0), ((g - x0) * zoom, big.size[1])], fill=(0, 0, 0) if g % 50 else (255, 0, 0), width=1)
            dd.text(((g - x0) * zoom + 2, 2), str(g), fill=(255, 255, 0))
    for g in range((y0 // grid + 1) * grid, y1, grid):
        for dd in (d, d2):
            dd.line([(0, (g - y0) * zoom), (big.size[0], (g - y0) * zoom)], fill=(0, 0, 0) if g % 50 else (255, 0, 0), width=1)
            dd.text((2, (g - y0) * zoom + 2), str(g), fill=(255, 255, 0))
    os.makedirs(REVIEW, exist_ok=True)
    tag = f'{name}-{x0}-{y0}-{x1}-{y1}-z{zoom}'
    big.save(os.path.join(REVIEW, tag + '-overlay.png'))
    plain.save(os.path.join(REVIEW, tag + '-edges.png'))
    print(os.path.join(REVIEW, tag + '-overlay.png'))
    print(os.path.join(REVIEW, tag + '-edges.png'))


def main(argv):
    if not argv or argv[0] not in ('render', 'review'):
        print(__doc__)
        return 2
    if argv[0] == 'render':
        render(argv[1:])
        return 0
    name = argv[1]
    zoom, box, grid = 3, None, 10
    rest = argv[2:]
    while rest:
        flag = rest.pop(0)
        if flag == '--zoom':
            zoom = int(rest.pop(0))
        elif flag == '--box':
            box = tuple(int(rest.pop(0)) for _ in range(4))
        elif flag == '--grid':
            grid = int(rest.pop(0))
    review(name, zoom, box, grid)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
