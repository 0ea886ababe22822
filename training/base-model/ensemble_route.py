"""Route 5 of the model campaign (issue #25), first part: an ensemble of two bundled models, measured from what
`npm run evaluate` recorded for each (maintainer's tool; numpy only).

Averages the referable-DR probabilities of two models photograph by photograph, with equal weights fixed before
looking (nothing is fitted, so no set is used for choosing), on every set both models' evaluation files cover, and
compares with each model alone: AUC, and the ensemble − second model difference with a paired patient bootstrap.

/usr/bin/python3 training/base-model/ensemble_route.py --models resources/models/eyenet-mnv2-dr-v1 \
  resources/models/eyenet-mnv2-dr-v2 --report training/base-model/routes/<date>-ensemble.md
"""
import argparse
import glob
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from route_metrics import auc, patient_bootstrap, write_record  # noqa: E402


def predictions(model_dir):
    out = {}
    for path in glob.glob(os.path.join(model_dir, "evaluation", "*-evaluation.json")):
        with open(path, encoding="utf8") as f:
            e = json.load(f)
        name = e["set"]["name"]
        out[name] = {p["name"]: p for p in e["predictions"] if p["gradable"] and p["probabilities"]}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", nargs=2, required=True)
    ap.add_argument("--report")
    ap.add_argument("--note", help="a sentence on how the members' evaluation files were made, put in the record")
    args = ap.parse_args()
    first, second = (predictions(m) for m in args.models)
    names = [os.path.basename(os.path.abspath(m)) for m in args.models]
    lines = [
        "# Route: an ensemble of two models, averaged (written by training/base-model/ensemble_route.py)",
        "",
        f"Members: {names[0]} and {names[1]}, referable-DR probabilities averaged with equal weights (fixed before "
        "looking; nothing fitted). Scores as `npm run evaluate` recorded them (the app's own preprocessing and engine).",
        *([args.note] if args.note else []),
        "",
        f"| set | photographs | {names[0]} AUC | {names[1]} AUC | ensemble AUC | ensemble − {names[1]} (95% CI, paired patient bootstrap) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for s in sorted(set(first) & set(second)):
        common = [n for n in first[s] if n in second[s]]
        labels = np.array([1 if first[s][n]["level"] >= 2 else 0 for n in common])
        patients = np.array([n.rsplit("_", 1)[0] for n in common])
        a = np.array([sum(first[s][n]["probabilities"][2:]) for n in common])
        b = np.array([sum(second[s][n]["probabilities"][2:]) for n in common])
        e = (a + b) / 2
        lo, hi = patient_bootstrap(
            labels, patients, lambda pick: auc(labels[pick], e[pick]) - auc(labels[pick], b[pick])
        )
        lines.append(
            f"| {s} | {len(common)} | {auc(labels, a):.3f} | {auc(labels, b):.3f} | {auc(labels, e):.3f} | "
            f"{auc(labels, e) - auc(labels, b):+.3f} ({lo:+.3f} to {hi:+.3f}) |"
        )
    write_record(lines, args.report)


if __name__ == "__main__":
    main()
