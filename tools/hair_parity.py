#!/usr/bin/env python3
"""Dump the numpy hair-segmentation prototype's inputs and outputs, so the
Rust port (src/segment/hair.rs) can be run on exactly the same inputs and
compared stage by stage (tests/segment_labels.rs, `prototype_parity`).

  HV_SEGREF=/tmp/segref python3 tools/hair_parity.py   # -> target/hair-parity/

Needs the prototype: HV_SEGREF must hold reference_pipeline.py and
proto_common.py (the lead's prototype; proto_common reads the photos, the
LiteRT person masks and face-api's landmarks from fixed paths). Writes per
photo NAME.json (sizes, frame in working pixels, landmarks in working
pixels, the prototype's weights) and NAME.bin: little-endian planes
  rgb u8 HxWx3 | P f32 HxW | gt u8 HxW | Rg u8 | fm u8 | F f32 HxWx8 |
  boost f32 | q f32 | labels u8 (in-sample weights)
"""
import json
import os
import sys

import numpy as np

SEGREF = os.environ.get('HV_SEGREF', '/tmp/segref')
sys.path.insert(0, SEGREF)
import proto_common as common  # noqa: E402
sys.modules['common'] = common
from reference_pipeline import (regions, features, grey_hair_boost, meanfield,  # noqa: E402
                                finish, train_lr)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'target', 'hair-parity')


def prep(p):
    head, above, face, upper, Rg, fm0 = regions(p.P, p.X, p.Y, p.lm, p.face_mm)
    F, d = features(p.rgb, p.lab, p.P, p.X, p.Y, head, Rg, above, fm0)
    return dict(head=head, above=above, face=face, upper=upper, Rg=Rg, F=F, d=d)


def trainset(items):
    Xs, ys, ws = [], [], []
    for pr, gt in items:
        m = pr['Rg'] & (gt != 0) & (gt != 4)
        y = (gt[m] == 1).astype(float)
        nh = max(y.sum(), 1); ns = max((1 - y).sum(), 1)
        Xs.append(pr['F'][m]); ys.append(y); ws.append(np.where(y == 1, 0.5 / nh, 0.5 / ns))
    w = np.concatenate(ws)
    return np.concatenate(Xs), np.concatenate(ys), w / w.mean()


def main():
    os.makedirs(OUT, exist_ok=True)
    photos = [common.Photo(n) for n in common.NAMES]
    preps = [prep(p) for p in photos]
    gts = [common.labels_at(p) for p in photos]
    th = train_lr(*trainset(list(zip(preps, gts))))
    for p, pr, gt in zip(photos, preps, gts):
        z = np.clip(pr['F'] @ th, -20, 20)
        boost = grey_hair_boost(pr['F'], pr['d']['ltk'], pr['d']['ls'], pr['d']['blown'],
                                pr['head'], pr['Rg'], p.ppm)
        z = np.clip(z + boost, -20, 20)
        hp, q = meanfield(p.lab, z, pr['Rg'], pr['d']['fm'])
        C = np.hypot(p.lab[..., 1], p.lab[..., 2]); Cf = np.median(C[pr['d']['fm']])
        lk_ok = (np.log2(np.maximum(pr['d']['k'], 0.02)) > -2.5) & (np.log2(np.maximum(C / Cf, 0.05)) > -1)
        lab = finish(hp, pr['head'], pr['face'], pr['upper'], pr['above'], pr['Rg'], lk_ok, p.ppm)
        meta = dict(name=p.name, width=int(p.w), height=int(p.h), step=float(p.step),
                    glabella=[float(v) for v in p.glab], ex=[float(v) for v in p.ex],
                    ey=[float(v) for v in p.ey], ppm=float(p.ppm),
                    landmarks=[[float(a), float(b)] for a, b in p.lm], weights=[float(v) for v in th],
                    skin_lab=[float(v) for v in pr['d']['lab_ref']])
        with open(os.path.join(OUT, p.name + '.json'), 'w') as f:
            json.dump(meta, f)
        with open(os.path.join(OUT, p.name + '.bin'), 'wb') as f:
            for a, t in [(p.rgb, '<u1'), (p.P, '<f4'), (gt, '<u1'), (pr['Rg'], '<u1'),
                         (pr['d']['fm'], '<u1'), (pr['F'], '<f4'), (boost, '<f4'), (q, '<f4'),
                         (lab, '<u1')]:
                f.write(np.ascontiguousarray(np.asarray(a).astype(t)).tobytes())
        print(p.name, p.w, p.h, 'hair px', int((lab == 1).sum()))
    print('weights', np.round(th, 4).tolist(), '->', OUT)


if __name__ == '__main__':
    main()
