"""Route 4 of the model campaign (issue #25): grade each eye with its fellow eye's features, on the camera-look
patient folds, against the blend of the two eyes' scores (maintainer's tool; numpy only).

Reads the model's own pooled features of the camera-look photographs from its reference set
(`reference-features.json`, written by `npm run model:reference`; 8 bits per value) and the patient folds of a
camera-folds run (`folds.json`, written by train_camera_folds.py), so every out-of-fold figure comes from a head that
never saw that patient. The recipe (L2 strength, steps) is fixed before any fold is seen.

/usr/bin/python3 training/base-model/both_eyes_route.py --model resources/models/eyenet-mnv2-dr-v2 \
  --folds training-output/camera-folds/folds.json --report training/base-model/routes/<date>-both-eyes.md
"""
import argparse
import base64
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from route_metrics import auc, patient_bootstrap, write_record  # noqa: E402

LAMBDA = 1.0
STEPS = 400
RATE = 0.05


def load_reference(model_dir):
    with open(os.path.join(model_dir, "reference-features.json"), encoding="utf8") as f:
        ref = json.load(f)
    raw = np.frombuffer(base64.b64decode(ref["features"]), dtype=np.uint8).reshape(len(ref["names"]), ref["channels"])
    return ref, raw.astype(np.float64) * np.array(ref["scale"])


def load_head(model_dir):
    with open(os.path.join(model_dir, "model.json"), encoding="utf8") as f:
        manifest = json.load(f)["weightsManifest"]
    found, offset = {}, 0
    for group in manifest:
        data = b"".join(open(os.path.join(model_dir, p), "rb").read() for p in group["paths"])
        for spec in group["weights"]:
            n = int(np.prod(spec["shape"]))
            if spec["name"] in ("dr_head/kernel", "dr_head/bias"):
                found[spec["name"]] = np.frombuffer(data, dtype=np.float32, count=n, offset=offset).reshape(spec["shape"])
            offset += n * 4
        offset = 0
    return found["dr_head/kernel"].astype(np.float64), found["dr_head/bias"].astype(np.float64)


def referable(features, kernel, bias):
    z = features @ kernel + bias
    z -= z.max(1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(1, keepdims=True)
    return p[:, 2:].sum(1)


def train_logistic(x, y):
    """Class-weighted L2 logistic regression by gradient descent on standardised features (fixed recipe)."""
    mean, std = x.mean(0), x.std(0) + 1e-6
    z = (x - mean) / std
    w = np.zeros(z.shape[1])
    b = 0.0
    weight = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    for _ in range(STEPS):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        g = weight * (p - y)
        w -= RATE * (z.T @ g / len(y) + LAMBDA * w / len(y))
        b -= RATE * g.mean()
    return lambda q: ((q - mean) / std) @ w + b


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--folds", required=True)
    ap.add_argument("--report")
    args = ap.parse_args()
    ref, feats = load_reference(args.model)
    with open(args.folds, encoding="utf8") as f:
        folds = json.load(f)["patients"]
    keep = [i for i, p in enumerate(ref["patients"]) if p in folds]
    names = [ref["names"][i] for i in keep]
    patients = np.array([ref["patients"][i] for i in keep])
    labels = np.array([1 if ref["levels"][i] >= 2 else 0 for i in keep])
    x = feats[keep]
    fold = np.array([folds[p] for p in patients])
    kernel, bias = load_head(args.model)
    base = referable(x, kernel, bias)
    # The fellow eye: the other photograph of the same patient's other eye; the eye itself when there is none.
    fellow_index = []
    for i, n in enumerate(names):
        other = n.replace("_left", "_right") if n.endswith("_left") else n.replace("_right", "_left")
        j = names.index(other) if other in names else i
        fellow_index.append(j)
    fellow_index = np.array(fellow_index)
    paired = (fellow_index != np.arange(len(names))).sum()
    blend = (base + base[fellow_index]) / 2
    own_oof = np.zeros(len(names))
    both_oof = np.zeros(len(names))
    stacked_oof = np.zeros(len(names))
    both_x = np.hstack([x, x[fellow_index]])
    # Two inputs only: the model's own-eye and fellow-eye scores (as log-odds); it learns how much the fellow counts.
    logit = np.log(np.clip(base, 1e-6, 1 - 1e-6) / np.clip(1 - base, 1e-6, 1))
    stack_x = np.stack([logit, logit[fellow_index]], 1)
    for k in sorted(set(fold)):
        train, test = fold != k, fold == k
        own_oof[test] = train_logistic(x[train], labels[train])(x[test])
        both_oof[test] = train_logistic(both_x[train], labels[train])(both_x[test])
        stacked_oof[test] = train_logistic(stack_x[train], labels[train])(stack_x[test])
    rows = [
        ("starting model (its own head)", base),
        ("score blend of the two eyes", blend),
        ("refitted head, own eye (out of fold)", own_oof),
        ("refitted head, own eye + fellow eye's features (out of fold)", both_oof),
        ("the model's own-eye and fellow-eye scores, weighted (2 inputs, out of fold)", stacked_oof),
    ]
    lines = [
        "# Route: both eyes on features (written by training/base-model/both_eyes_route.py)",
        "",
        f"Features: {os.path.basename(os.path.abspath(args.model))}'s pooled backbone features of the camera-look "
        f"photographs, from its reference set (8 bits per value); folds: {args.folds} ({len(set(fold))} patient folds). "
        f"{len(names)} photographs of {len(set(patients))} patients, {labels.sum()} referable; {paired} have their "
        f"fellow eye. Recipe fixed before the folds: class-weighted L2 logistic regression (λ {LAMBDA}, {STEPS} steps, "
        f"rate {RATE}) on standardised features.",
        "",
        "| scores | referable AUC (95% CI, patient bootstrap) |",
        "| --- | --- |",
    ]
    for name, s in rows:
        lo, hi = patient_bootstrap(labels, patients, lambda pick, s=s: auc(labels[pick], s[pick]))
        lines.append(f"| {name} | {auc(labels, s):.3f} ({lo:.3f}–{hi:.3f}) |")
    lines += [
        "",
        "The starting model's figure here is at its own input size (256 px) from 8-bit features, so it differs a",
        "little from the camera-folds tables (384-px photographs, float features).",
    ]
    write_record(lines, args.report)


if __name__ == "__main__":
    main()
