"""Camera-look fine-tuning judged by patient folds (maintainer's tool; see training/base-model/README.md).

Starts from a bundled model folder (its weights, its topology) and trains every layer again on a mixture of the
eyepacs-256 training photographs and the camera-look EyePACS photographs (eyepacs-1024-paired, eyepacs-1024-dev,
eyepacs-originals), the camera-look ones a fixed share of every batch. The recipe (steps, rates, share) is fixed
before any fold is seen: nothing is chosen by a held-out fold.

The camera-look patients the starting model never trained on (eyepacs-1024-dev and eyepacs-originals, less the few
originals whose patients are in eyepacs-256) are dealt into K folds by patient, referable patients spread evenly.
For each fold a model trains on everything but that fold and grades it, before (the starting model) and after; the
out-of-fold grades of all folds are the camera-look figures. srahim-dev is graded by every fold model and never
trained on. Then `--final` trains once more on all of it: the model to bundle, whose honest camera-look figure is
the out-of-fold one. eyepacs-1024-paired and its patients' 256-px copies are always on the training side: the
starting model trained on them already.

Each fold checkpoints every `--checkpoint-every` steps and writes `fold-F/result.json` when done; a rerun with the
same `--out` skips finished folds and resumes an unfinished one.

/usr/bin/python3 training/base-model/train_camera_folds.py --data DIR --init MODEL_DIR --out DIR [--final]
"""
import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keras_net import load_network, head_name  # noqa: E402
from train_base import (atomic_save, atomic_write, augment, class_weights, load_prepared, loss_fn,  # noqa: E402
                        parameter_groups, predict, roc_auc, set_learning_rates, to_tensor)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="folder written by npm run base-model:prepare -- --camera")
    p.add_argument("--init", required=True, help="model folder to start from (model.json + weights.bin)")
    p.add_argument("--out", required=True)
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--only-fold", type=int, default=None, help="run just this fold")
    p.add_argument("--final", action="store_true", help="after the folds, train on all of it (OUT/final/best)")
    p.add_argument("--steps", type=int, default=120)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--camera-share", type=float, default=0.4, help="share of each batch from camera-look photographs")
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--head-lr", type=float, default=1e-3)
    p.add_argument("--early-lr-fraction", type=float, default=0.25)
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--warmup-steps", type=int, default=10)
    p.add_argument("--dropout", type=float, default=0.2)
    p.add_argument("--ordinal-weight", type=float, default=0.0,
                   help="weight of the grade as an ordered quantity: squared error of the expected grade (0 = off)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=2017)
    p.add_argument("--checkpoint-every", type=int, default=20)
    return p.parse_args()


def ordinal_loss(logits, levels, weights):
    """The grade as an ordered quantity beside the classes: the expected grade under the softmax should be the
    grade, so confusing 0 with 4 costs more than 0 with 1 (the class loss treats both alike). Squared error in
    grade steps, weighted like the class loss; the head stays five classes, so the app reads it unchanged."""
    p = torch.softmax(logits, 1)
    expected = (p * torch.arange(p.shape[1], dtype=p.dtype)).sum(1)
    w = weights[levels]
    return (w * (expected - levels.to(p.dtype)) ** 2).sum() / w.sum()


def stable_order(key, seed):
    return hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()


def assign_folds(entries, k, seed):
    """patient → fold for camera-look patients outside eyepacs-256; referable patients dealt round-robin first."""
    eyepacs256 = {e["patient"] for e in entries if e["set"] in ("train", "validation")}
    referable = {}
    for e in entries:
        if e["set"] == "camera" and e["patient"] not in eyepacs256:
            referable[e["patient"]] = referable.get(e["patient"], False) or e["level"] >= 2
    folds = {}
    for flag in (True, False):
        patients = sorted((p for p, r in referable.items() if r == flag), key=lambda p: stable_order(p, seed))
        offset = len(folds)
        for i, p in enumerate(patients):
            folds[p] = (offset + i) % k
    return folds


def pools(entries, folds, held_out):
    """Indices: eyepacs-256 training looks; camera-look training photographs; the held-out fold; srahim-dev."""
    base, camera, test, external, validation = [], [], [], [], []
    for i, e in enumerate(entries):
        if e["set"] == "train" and e["look"] == 0:
            (camera if e["source"] == "eyepacs-1024-paired" else base).append(i)
        elif e["set"] == "camera":
            (test if folds.get(e["patient"], -1) == held_out and held_out is not None else camera).append(i)
        elif e["set"] == "external":
            external.append(i)
        elif e["set"] == "validation":
            validation.append(i)
    return base, camera, test, external, validation


def scores(net, images, indices):
    if not indices:
        return [], []
    probs, mirrored = predict(net, images[indices])
    return probs.tolist(), mirrored.tolist()


def referable_auc(entries, indices, probs):
    if not indices:
        return None
    labels = [entries[i]["level"] >= 2 for i in indices]
    return roc_auc(labels, np.asarray(probs)[:, 2:].sum(1))


def run_fold(args, name, held_out, entries, images, folds):
    folder = os.path.join(args.out, name)
    result_path = os.path.join(folder, "result.json")
    if os.path.exists(result_path):
        print(f"{name}: done before, skipped", file=sys.stderr)
        with open(result_path, encoding="utf8") as f:
            return json.load(f)
    os.makedirs(os.path.join(folder, "best"), exist_ok=True)
    base, camera, test, external, validation = pools(entries, folds, held_out)
    net, model_json, weight_manifest = load_network(args.init)
    net = net.to(memory_format=torch.channels_last)
    before = scores(net, images, test) if test else ([], [])

    levels = np.array([entries[i]["level"] for i in base + camera])
    weights = torch.tensor(class_weights(levels), dtype=torch.float32)
    optimizer = torch.optim.AdamW(parameter_groups(net, args))
    generator = torch.Generator().manual_seed(args.seed + (held_out if held_out is not None else 99))
    rng = np.random.default_rng(args.seed + (held_out if held_out is not None else 99))
    step, losses, seconds = 0, [], 0.0
    checkpoint_path = os.path.join(folder, "checkpoint.pt")
    if os.path.exists(checkpoint_path):
        ck = torch.load(checkpoint_path)
        net.load_state_dict(ck["net"])
        optimizer.load_state_dict(ck["optimizer"])
        generator.set_state(ck["generator"])
        rng, step, losses, seconds = ck["rng"], ck["step"], ck["losses"], ck["seconds"]
        print(f"{name}: resumed at step {step}", file=sys.stderr)
    camera_n = max(1, round(args.batch * args.camera_share))
    print(f"{name}: {len(base)} eyepacs-256 + {len(camera)} camera-look training photographs, {len(test)} held out, "
          f"{camera_n} camera-look per batch of {args.batch}", file=sys.stderr, flush=True)
    net.train()
    started = time.time()
    while step < args.steps:
        chosen = list(rng.choice(camera, camera_n, replace=False)) + list(rng.choice(base, args.batch - camera_n,
                                                                                      replace=False))
        x = augment(to_tensor(images[chosen]), generator)
        y = torch.tensor([entries[i]["level"] for i in chosen])
        set_learning_rates(optimizer, step, args.steps, args.warmup_steps)
        logits = net(x, extra_dropout=args.dropout)[head_name(net)]
        loss = loss_fn(logits, y, weights) + args.ordinal_weight * ordinal_loss(logits, y, weights)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        step += 1
        if step % 10 == 0 or step == args.steps:
            elapsed = time.time() - started
            print(f"{name} step {step}/{args.steps} loss {np.mean(losses[-10:]):.4f} "
                  f"{(len(losses) and 10 * args.batch / max(elapsed, 1e-9)):.1f} img/s", file=sys.stderr, flush=True)
            seconds += elapsed
            started = time.time()
        if step % args.checkpoint_every == 0 and step < args.steps:
            atomic_save({"net": net.state_dict(), "optimizer": optimizer.state_dict(),
                         "generator": generator.get_state(), "rng": rng, "step": step, "losses": losses,
                         "seconds": seconds}, checkpoint_path)
    net.eval()
    after = scores(net, images, test)
    ext = scores(net, images, external)
    val = scores(net, images, validation)
    atomic_write(os.path.join(folder, "best", "weights.bin"), net.tfjs_weights_bytes(weight_manifest))
    atomic_write(os.path.join(folder, "best", "model.json"),
                 json.dumps({**model_json, "weightsManifest": [{"paths": ["weights.bin"],
                                                                "weights": weight_manifest}]}), "w")
    result = {
        "fold": held_out, "steps": args.steps, "trainSeconds": seconds,
        "imagesPerSecond": args.steps * args.batch / max(seconds, 1e-9),
        "trainBase": len(base), "trainCamera": len(camera),
        "heldOut": [entries[i]["name"] for i in test],
        "heldOutSource": [entries[i]["source"] for i in test],
        "heldOutLevels": [entries[i]["level"] for i in test],
        "before": {"probabilities": before[0], "mirrored": before[1]},
        "after": {"probabilities": after[0], "mirrored": after[1]},
        "external": {"names": [entries[i]["name"] for i in external],
                     "levels": [entries[i]["level"] for i in external],
                     "probabilities": ext[0], "mirrored": ext[1]},
        "internalValidationAuc": referable_auc(entries, validation, val[0]),
        "heldOutAucBefore": referable_auc(entries, test, before[0]),
        "heldOutAucAfter": referable_auc(entries, test, after[0]),
        "externalAuc": referable_auc(entries, external, ext[0]),
    }
    atomic_write(result_path, json.dumps(result) + "\n", "w")
    if os.path.exists(checkpoint_path):
        os.remove(checkpoint_path)
    print(f"{name}: held-out AUC {result['heldOutAucBefore']} → {result['heldOutAucAfter']}, "
          f"srahim-dev {result['externalAuc']:.4f}, internal validation {result['internalValidationAuc']:.4f}",
          file=sys.stderr, flush=True)
    return result


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    manifest, entries, images = load_prepared(args.data)
    if not manifest.get("camera"):
        raise SystemExit(f"{args.data} was prepared without --camera: no camera-look sets to fold")
    folds = assign_folds(entries, args.folds, args.seed)
    atomic_write(os.path.join(args.out, "folds.json"), json.dumps({
        "k": args.folds, "seed": args.seed, "patients": folds,
        "args": vars(args), "torch": torch.__version__, "init": os.path.abspath(args.init),
    }, indent=2) + "\n", "w")
    wanted = [args.only_fold] if args.only_fold is not None else range(args.folds)
    for f in wanted:
        run_fold(args, f"fold-{f}", f, entries, images, folds)
    if args.final:
        run_fold(args, "final", None, entries, images, folds)


if __name__ == "__main__":
    main()
