#!/usr/bin/env python3
"""LiteRT reference for the person segmentation net (src/segment/).

    python3 tools/segment_reference.py [--inputs target/segment-inputs]
        [--model node_modules/@mediapipe/selfie_segmentation/selfie_segmentation.tflite]
        [--photos ../shared/photos] [--out tests/fixtures/segment]

Runs MediaPipe's selfie_segmentation.tflite in LiteRT (ai-edge-litert 2.3.0,
its default CPU kernels) on exactly the 256x256 inputs the Rust code builds,
and writes what tests/segment_native.rs compares against:

- `<photo>.png`: the output probabilities as a 16-bit greyscale PNG
  (value = round(p * 65535)), 256x256;
- `reference.json`: per photo, the hashes of the decoded photo and of the
  input (so the test can tell a changed decoder from a changed resampling),
  and a few summary numbers.

The inputs come from the Rust test, not from decoding the JPEGs here: it
writes `target/segment-inputs/<photo>.rgb` (256x256 RGB bytes, from the
photo as Chromium decoded it, resampled by `crate::image::resample`) and
`manifest.json`. The net's input is those bytes / 255 in float32, so both
sides feed the net bit-identical tensors. Order of work:

    node tests/face/oracle.mjs                    # decoded photos
    cargo test --release --test segment_native    # writes the inputs
    python3 tools/segment_reference.py            # this script

Needs Python 3 with ai-edge-litert==2.3.0, numpy and pillow. Every *.jpg in
--photos must have an input, so the reference covers all test photos.
"""

import argparse
import hashlib
import json
import pathlib
import sys

import numpy as np
from PIL import Image

REPO = pathlib.Path(__file__).resolve().parent.parent
LITERT_VERSION = "2.3.0"


def fnv1a64(data: bytes) -> str:
    """The same fingerprint as tests/segment_native.rs."""
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--inputs", default=REPO / "target" / "segment-inputs", type=pathlib.Path)
    ap.add_argument(
        "--model",
        default=REPO / "node_modules" / "@mediapipe" / "selfie_segmentation" / "selfie_segmentation.tflite",
        type=pathlib.Path,
    )
    ap.add_argument("--photos", default=REPO / ".." / "shared" / "photos", type=pathlib.Path)
    ap.add_argument("--out", default=REPO / "tests" / "fixtures" / "segment", type=pathlib.Path)
    args = ap.parse_args()

    try:
        import ai_edge_litert
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        print(f"needs ai-edge-litert=={LITERT_VERSION}: pip install ai-edge-litert=={LITERT_VERSION}", file=sys.stderr)
        return 2
    version = getattr(ai_edge_litert, "__version__", "unknown")
    if version != LITERT_VERSION:
        print(f"warning: ai-edge-litert {version}, the reference was defined with {LITERT_VERSION}", file=sys.stderr)

    manifest_path = args.inputs / "manifest.json"
    if not manifest_path.exists():
        print(f"{manifest_path} is missing: run `cargo test --release --test segment_native` first", file=sys.stderr)
        return 2
    manifest = json.loads(manifest_path.read_text())
    photos = sorted(p.stem for p in args.photos.glob("*.jpg"))
    if not photos:
        print(f"no *.jpg in {args.photos}", file=sys.stderr)
        return 2
    missing = [p for p in photos if p not in manifest]
    if missing:
        print(f"no input for {', '.join(missing)}: rerun the Rust test after the face oracle", file=sys.stderr)
        return 2

    model = args.model.read_bytes()
    interp = Interpreter(model_content=model)
    interp.allocate_tensors()
    (inp,) = interp.get_input_details()
    (out,) = interp.get_output_details()
    _, h, w, c = (int(v) for v in inp["shape"])

    args.out.mkdir(parents=True, exist_ok=True)
    entries = []
    for name in photos:
        m = manifest[name]
        raw = (args.inputs / f"{name}.rgb").read_bytes()
        if (m["width"], m["height"]) != (w, h) or len(raw) != w * h * c:
            print(f"{name}: input is not {w}x{h}x{c}", file=sys.stderr)
            return 1
        if fnv1a64(raw) != m["input_fnv1a64"]:
            print(f"{name}: input bytes do not match the manifest's hash", file=sys.stderr)
            return 1
        x = np.frombuffer(raw, dtype=np.uint8).reshape(1, h, w, c).astype(np.float32) / np.float32(255)
        interp.set_tensor(inp["index"], x)
        interp.invoke()
        p = interp.get_tensor(out["index"]).reshape(h, w).astype(np.float64)
        q = np.clip(np.rint(p * 65535), 0, 65535).astype(np.uint16)
        # A uint16 array is Pillow mode "I;16", saved as 16-bit greyscale PNG.
        Image.fromarray(q).save(args.out / f"{name}.png", optimize=True)
        entries.append(
            {
                "name": name,
                "photo_width": m["photo_width"],
                "photo_height": m["photo_height"],
                "photo_fnv1a64": m["photo_fnv1a64"],
                "input_fnv1a64": m["input_fnv1a64"],
                "person_fraction": round(float((p >= 0.5).mean()), 6),
                "mean_probability": round(float(p.mean()), 6),
            }
        )
        print(f"{name}: person {100 * (p >= 0.5).mean():.2f}% of the input")

    ref = {
        "generator": "tools/segment_reference.py",
        "runtime": f"ai-edge-litert {version}",
        "model": {
            "package": "@mediapipe/selfie_segmentation@0.1.1675465747",
            "file": "selfie_segmentation.tflite",
            "bytes": len(model),
            "sha256": hashlib.sha256(model).hexdigest(),
            "fnv1a64": fnv1a64(model),
        },
        "input": f"{w}x{h} RGB bytes / 255 (written by tests/segment_native.rs)",
        "output": "probabilities, 16-bit greyscale PNG, value = round(p * 65535)",
        "photos": entries,
    }
    (args.out / "reference.json").write_text(json.dumps(ref, indent=2) + "\n")
    total = sum(f.stat().st_size for f in args.out.iterdir())
    print(f"wrote {len(entries)} references to {args.out} ({total} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
