"""Route 6 of the model campaign (issue #25): an operating point chosen on the camera-look patient folds, and what it
gives where it is used (maintainer's tool; numpy only).

For a model, or the average of several (equal weights), reads the referable probabilities `npm run evaluate`
recorded on eyepacs-1024-dev and eyepacs-originals (the camera-look sets whose patients the folds deal out) and on
srahim-dev (never chosen on). Out of fold: for each fold, the point for 90% sensitivity on the other folds' patients,
applied to that fold; then the point chosen on all the folds, applied to srahim-dev. Beside it, the model's stored
point on both.

/usr/bin/python3 training/base-model/operating_point_route.py --models resources/models/<a> [more ...] \
  --folds <camera-folds run>/folds.json [--stored 0.068] --report training/base-model/routes/<date>-point.md
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ensemble_route import predictions  # noqa: E402
from route_metrics import write_record  # noqa: E402

CAMERA_LOOK = ("eyepacs-1024-dev", "eyepacs-originals")
TARGET = 0.9


def point_for(labels, scores, sensitivity=TARGET):
    """The highest threshold whose sensitivity reaches the target."""
    positives = np.sort(scores[labels == 1])[::-1]
    k = int(np.ceil(sensitivity * len(positives))) - 1
    return positives[max(0, k)]


def rates(labels, scores, threshold):
    flagged = scores >= threshold
    return flagged[labels == 1].mean(), (~flagged[labels == 0]).mean()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", nargs="+", required=True)
    ap.add_argument("--folds", required=True)
    ap.add_argument("--stored", type=float, help="the operating point the model ships with")
    ap.add_argument("--report")
    args = ap.parse_args()
    members = [predictions(m) for m in args.models]
    with open(args.folds, encoding="utf8") as f:
        folds = json.load(f)["patients"]

    def scored(set_names):
        rows = []
        for s in set_names:
            common = set.intersection(*[set(m.get(s, {})) for m in members])
            for n in sorted(common):
                p = np.mean([sum(m[s][n]["probabilities"][2:]) for m in members])
                rows.append((n, n.rsplit("_", 1)[0], members[0][s][n]["level"] >= 2, p))
        return rows

    camera = [r for r in scored(CAMERA_LOOK) if r[1] in folds]
    external = scored(("srahim-dev",))
    y = np.array([r[2] for r in camera], dtype=int)
    s = np.array([r[3] for r in camera])
    fold = np.array([folds[r[1]] for r in camera])
    flagged = np.zeros(len(camera), dtype=bool)
    for k in sorted(set(fold)):
        t = point_for(y[fold != k], s[fold != k])
        flagged[fold == k] = s[fold == k] >= t
    oof_sens, oof_spec = flagged[y == 1].mean(), (~flagged[y == 0]).mean()
    chosen = point_for(y, s)
    ey = np.array([r[2] for r in external], dtype=int)
    es = np.array([r[3] for r in external])
    ext_sens, ext_spec = rates(ey, es, chosen)
    names = " + ".join(os.path.basename(os.path.abspath(m)) for m in args.models)
    lines = [
        "# Route: an operating point chosen on the camera-look folds (written by training/base-model/operating_point_route.py)",
        "",
        f"Scores: {names} (averaged when several), as `npm run evaluate` recorded them at the app's input size. "
        f"Camera-look photographs in the folds: {len(camera)} ({y.sum()} referable, {len(set(fold))} patient folds "
        f"from {args.folds}); srahim-dev: {len(external)} ({ey.sum()} referable), never chosen on. Target: "
        f"{TARGET:.0%} sensitivity.",
        "",
        "| point | camera-look folds: sensitivity / specificity | srahim-dev: sensitivity / specificity |",
        "| --- | --- | --- |",
        f"| chosen per fold on the other folds (out of fold) | {oof_sens:.3f} / {oof_spec:.3f} | – |",
        f"| chosen on all the folds: {chosen:.4f} | (chosen there) | {ext_sens:.3f} / {ext_spec:.3f} |",
    ]
    if args.stored is not None:
        cs, cp = rates(y, s, args.stored)
        es_, ep = rates(ey, es, args.stored)
        lines.append(f"| stored: {args.stored:.4f} | {cs:.3f} / {cp:.3f} | {es_:.3f} / {ep:.3f} |")
    write_record(lines, args.report)


if __name__ == "__main__":
    main()
