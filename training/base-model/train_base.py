"""Whole-network training of the base DR model (maintainer's tool; see training/base-model/README.md).

Reads what `npm run base-model:prepare` wrote (photographs preprocessed by the app's own code, camera-look
variants made before that preprocessing, the starting network as a tfjs layers model), trains every layer of
MobileNetV2 with a learning rate that grows from the first layers to the last, checkpoints every epoch
(`--resume` continues), keeps the epoch with the best internal-validation referable-DR AUC, and writes its
weights back into the same tfjs topology (`OUT/best/`).

Run with Debian's PyTorch: /usr/bin/python3 training/base-model/train_base.py --data DIR --out DIR
"""
import argparse
import json
import math
import os
import re
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keras_net import load_network, head_name  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="folder written by npm run base-model:prepare")
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=3e-4, help="learning rate of the last backbone layers")
    p.add_argument("--head-lr", type=float, default=2e-3)
    p.add_argument("--early-lr-fraction", type=float, default=0.25,
                   help="learning rate of the first layers as a fraction of --lr (rises linearly by block)")
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--warmup-steps", type=int, default=100)
    p.add_argument("--dropout", type=float, default=0.2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=2017)
    p.add_argument("--limit-steps", type=int, default=0, help="stop each epoch after N steps (tests)")
    p.add_argument("--resume", action="store_true")
    return p.parse_args()


# --- data -----------------------------------------------------------------------------------------------
def load_prepared(folder):
    with open(os.path.join(folder, "manifest.json"), encoding="utf8") as f:
        manifest = json.load(f)
    size = manifest["size"]
    per_image = size * size * 3
    entries, arrays = [], []
    for part in range(manifest["parts"]):
        with open(os.path.join(folder, f"part-{part}.json"), encoding="utf8") as f:
            part_entries = [e for e in json.load(f) if "error" not in e]
        data = np.fromfile(os.path.join(folder, f"part-{part}.u8"), dtype=np.uint8)
        if data.size != len(part_entries) * per_image:
            raise ValueError(f"part {part}: {data.size} bytes for {len(part_entries)} images")
        entries += part_entries
        arrays.append(data.reshape(len(part_entries), size, size, 3))
    return manifest, entries, np.concatenate(arrays)


def training_groups(entries):
    """For each training photograph (sorted by name and source, each once): the indices of all its looks."""
    groups = {}
    for i, e in enumerate(entries):
        if e["set"] == "train":
            groups.setdefault((e["name"], e["source"]), []).append(i)
    return [groups[k] for k in sorted(groups)]


# --- metrics --------------------------------------------------------------------------------------------
def roc_auc(labels, scores):
    labels = np.asarray(labels, bool)
    scores = np.asarray(scores, float)
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):  # average ranks over ties
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    pos = labels.sum()
    neg = len(labels) - pos
    if pos == 0 or neg == 0:
        return float("nan")
    return float((ranks[labels].sum() - pos * (pos + 1) / 2) / (pos * neg))


# --- augmentation on the normalised input (0.5 = background) --------------------------------------------
def augment(batch, generator):
    n = batch.shape[0]
    angle = (torch.rand(n, generator=generator) * 2 - 1) * math.pi
    scale = 0.9 + torch.rand(n, generator=generator) * 0.2
    flip = torch.where(torch.rand(n, generator=generator) < 0.5, -1.0, 1.0)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0], theta[:, 0, 1] = cos * flip, -sin
    theta[:, 1, 0], theta[:, 1, 1] = sin * flip, cos
    grid = F.affine_grid(theta, batch.shape, align_corners=False)
    out = F.grid_sample(batch - 0.5, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    contrast = (0.85 + torch.rand(n, 1, 1, 1, generator=generator) * 0.3)
    brightness = (torch.rand(n, 1, 1, 1, generator=generator) * 2 - 1) * 0.04
    return (out * contrast + 0.5 + brightness).clamp(0, 1)


def to_tensor(images_u8):
    # NHWC bytes → NCHW floats kept in channels-last memory, which oneDNN runs ~15% faster here.
    return torch.from_numpy(images_u8).permute(0, 3, 1, 2).float().div_(255.0).contiguous(memory_format=torch.channels_last)


# --- the network's learning rates -----------------------------------------------------------------------
def block_of(layer_name):
    if layer_name.startswith(("Conv1", "bn_Conv1", "expanded_conv")):
        return 0
    m = re.match(r"block_(\d+)_", layer_name)
    if m:
        return int(m.group(1))
    if layer_name.startswith("Conv_1"):
        return 17
    return None


def parameter_groups(net, args):
    head = head_name(net)
    groups = {}
    for name, module in net.layers_by_name.items():
        for pname, param in module.named_parameters():
            if name == head:
                key, lr = "head", args.head_lr
            else:
                block = block_of(name)
                if block is None:
                    raise ValueError(f"layer {name} has no block")
                lr = args.lr * (args.early_lr_fraction + (1 - args.early_lr_fraction) * block / 17)
                key = f"block{block}"
            decay = param.ndim > 1  # no decay on BatchNorm and biases
            g = groups.setdefault((key, decay), {"params": [], "lr": lr, "base_lr": lr,
                                                 "weight_decay": args.weight_decay if decay else 0.0})
            g["params"].append(param)
    return list(groups.values())


def set_learning_rates(optimizer, step, total, warmup):
    factor = (step + 1) / warmup if step < warmup else 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))
    for g in optimizer.param_groups:
        g["lr"] = g["base_lr"] * factor


# --- loss -----------------------------------------------------------------------------------------------
def class_weights(levels):
    """∝ 1/√frequency, mean 1 over the training images (as training/trainer.ts does)."""
    counts = np.bincount(levels, minlength=5).astype(float)
    raw = np.where(counts > 0, 1 / np.sqrt(np.maximum(counts, 1)), 0)
    return raw / (raw[levels].mean())


def loss_fn(logits, levels, weights):
    ce = F.cross_entropy(logits, levels, weight=weights)
    p = torch.softmax(logits, 1)
    referable = (p[:, 2:].sum(1)).clamp(1e-6, 1 - 1e-6)
    target = (levels >= 2).float()
    w = weights[levels]
    bce = -(w * (target * torch.log(referable) + (1 - target) * torch.log(1 - referable))).mean()
    return ce + bce


# --- evaluation -----------------------------------------------------------------------------------------
@torch.no_grad()
def predict(net, images, batch=64):
    net.eval()
    head = head_name(net)
    out, out_mirrored = [], []
    for start in range(0, len(images), batch):
        x = to_tensor(images[start:start + batch])
        out.append(torch.softmax(net(x)[head], 1))
        out_mirrored.append(torch.softmax(net(torch.flip(x, dims=[3]))[head], 1))
    return torch.cat(out).numpy(), torch.cat(out_mirrored).numpy()


def atomic_save(obj, path):
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def atomic_write(path, data, mode="wb"):
    tmp = path + ".tmp"
    with open(tmp, mode) as f:
        f.write(data)
    os.replace(tmp, path)


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(os.path.join(args.out, "best"), exist_ok=True)
    started = time.time()

    manifest, entries, images = load_prepared(args.data)
    groups = training_groups(entries)
    validation = [i for i, e in enumerate(entries) if e["set"] == "validation"]
    val_levels = np.array([entries[i]["level"] for i in validation])
    train_levels = np.array([entries[g[0]]["level"] for g in groups])
    weights = torch.tensor(class_weights(train_levels), dtype=torch.float32)
    print(f"{len(groups)} training photographs ({len(images)} prepared arrays), {len(validation)} validation; "
          f"input {manifest['size']} px; torch {torch.__version__}, {args.threads} threads", file=sys.stderr)

    net, model_json, weight_manifest = load_network(os.path.join(args.data, "init"))
    net = net.to(memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(parameter_groups(net, args))
    steps_per_epoch = len(groups) // args.batch
    if args.limit_steps:
        steps_per_epoch = min(steps_per_epoch, args.limit_steps)
    total_steps = steps_per_epoch * args.epochs
    generator = torch.Generator().manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    state = {"epoch": 0, "history": [], "best_auc": -1.0, "best_epoch": 0, "seconds": 0.0}
    checkpoint_path = os.path.join(args.out, "checkpoint.pt")
    if args.resume and os.path.exists(checkpoint_path):
        ck = torch.load(checkpoint_path)
        net.load_state_dict(ck["net"])
        optimizer.load_state_dict(ck["optimizer"])
        generator.set_state(ck["generator"])
        rng = ck["rng"]
        state = ck["state"]
        print(f"resumed after epoch {state['epoch']}", file=sys.stderr)

    for epoch in range(state["epoch"] + 1, args.epochs + 1):
        net.train()
        epoch_start = time.time()
        order = rng.permutation(len(groups))
        looks = rng.integers(0, 1 << 30, len(groups))
        running = 0.0
        for step in range(steps_per_epoch):
            chosen = order[step * args.batch:(step + 1) * args.batch]
            # One look of each photograph per epoch: as taken, or one of its camera-look variants.
            indices = [groups[g][looks[g] % len(groups[g])] for g in chosen]
            x = augment(to_tensor(images[indices]), generator)
            y = torch.tensor([entries[i]["level"] for i in indices])
            set_learning_rates(optimizer, (epoch - 1) * steps_per_epoch + step, total_steps, args.warmup_steps)
            logits = net(x, extra_dropout=args.dropout)[head_name(net)]
            loss = loss_fn(logits, y, weights)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            running += loss.item()
            if (step + 1) % 10 == 0 or step + 1 == steps_per_epoch:
                elapsed = time.time() - epoch_start
                rate = (step + 1) * args.batch / elapsed
                eta = (steps_per_epoch - step - 1) * args.batch / rate
                print(f"epoch {epoch}/{args.epochs} step {step + 1}/{steps_per_epoch} loss {running / (step + 1):.4f} "
                      f"{rate:.1f} img/s eta {eta / 60:.1f} min", file=sys.stderr, flush=True)
        train_seconds = time.time() - epoch_start
        probs, probs_mirrored = predict(net, images[validation])
        labels = val_levels >= 2
        auc = roc_auc(labels, probs[:, 2:].sum(1))
        auc_tta = roc_auc(labels, ((probs + probs_mirrored) / 2)[:, 2:].sum(1))
        record = {"epoch": epoch, "trainLoss": running / steps_per_epoch, "validationAuc": auc,
                  "validationAucMirrorAveraged": auc_tta, "trainSeconds": train_seconds,
                  "imagesPerSecond": steps_per_epoch * args.batch / train_seconds,
                  "seconds": time.time() - epoch_start}
        state["history"].append(record)
        state["epoch"] = epoch
        state["seconds"] += record["seconds"]
        print(f"epoch {epoch}: loss {record['trainLoss']:.4f} · validation referable AUC {auc:.4f} "
              f"(mirror-averaged {auc_tta:.4f}) · {record['imagesPerSecond']:.1f} img/s · "
              f"{record['seconds'] / 60:.1f} min", file=sys.stderr, flush=True)
        if state["best_epoch"] == 0 or auc > state["best_auc"]:  # the first epoch counts even if AUC is undefined
            state["best_auc"], state["best_epoch"] = auc, epoch
            atomic_write(os.path.join(args.out, "best", "weights.bin"), net.tfjs_weights_bytes(weight_manifest))
            atomic_write(os.path.join(args.out, "best", "model.json"),
                         json.dumps({**model_json, "weightsManifest": [{"paths": ["weights.bin"],
                                                                        "weights": weight_manifest}]}), "w")
        atomic_save({"net": net.state_dict(), "optimizer": optimizer.state_dict(), "generator": generator.get_state(),
                     "rng": rng, "state": state}, checkpoint_path)
        atomic_write(os.path.join(args.out, "training.json"), json.dumps({
            "trainer": "training/base-model/train_base.py", "torch": torch.__version__, "threads": args.threads,
            "args": vars(args), "inputSize": manifest["size"], "cameraLooks": manifest["looks"],
            "trainPhotographs": len(groups), "validationImages": len(validation),
            "classWeights": weights.tolist(), "history": state["history"], "bestEpoch": state["best_epoch"],
            "bestValidationAuc": state["best_auc"], "trainingSeconds": state["seconds"],
        }, indent=2) + "\n", "w")
    print(f"best epoch {state['best_epoch']}: validation AUC {state['best_auc']:.4f}; "
          f"{(time.time() - started) / 60:.1f} min this run", file=sys.stderr)


if __name__ == "__main__":
    main()
