import { argmax, referableProbability } from '../../domain/grades.ts';
import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FeatureSet } from '../data/feature-cache.ts';
import { quadraticWeightedKappa, rocAuc, seededRandom } from '../evaluate/metrics.ts';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Steps at the start that train only the new head, so its random start does not shake the backbone. */
  headOnlySteps: number;
  dropout: number;
  seed: number;
  checkpointDir: string;
  resume: boolean;
  onStep?: (info: { epoch: number; step: number; steps: number; loss: number }) => void;
  onEpoch?: (record: EpochRecord) => void;
}

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  validationAuc: number;
  validationKappa: number;
  seconds: number;
}

export interface TrainState {
  epoch: number;
  bestEpoch: number;
  /** Best selection score so far: validation AUC (or −loss when AUC is undefined). */
  bestValidationAuc: number;
  history: EpochRecord[];
}

export interface Trainable {
  tail: tf.LayersModel;
  head: tf.layers.Layer;
}

/** Class weights ∝ 1/√frequency, scaled so the average weight over the training images is 1. */
export function classWeights(levels: readonly number[]): number[] {
  const counts = [0, 0, 0, 0, 0];
  for (const l of levels) counts[l]!++;
  const raw = counts.map((c) => (c ? 1 / Math.sqrt(c) : 0));
  const mean = levels.reduce((s, l) => s + raw[l]!, 0) / Math.max(1, levels.length);
  return raw.map((w) => w / mean);
}

/** The cached activations of `indices` (view chosen per image), flat: callers reshape to the tail's input. */
function batchOf(set: FeatureSet, indices: readonly number[], view: (i: number) => number): tf.Tensor1D {
  const size = set.activationSize;
  const out = new Float32Array(indices.length * size);
  indices.forEach((index, k) => {
    const v = view(k);
    const start = (index * set.views + v) * size;
    out.set(set.data.subarray(start, start + size), k * size);
  });
  return tf.tensor1d(out);
}

/** Probabilities of the head over pooled tail features; dropout only while training. */
function forward(
  model: Trainable,
  features: tf.Tensor,
  dropout: number,
  dropoutSeed: number | null,
): tf.Tensor2D {
  const maps = model.tail.apply(features, { training: false }) as tf.Tensor4D; // BN keeps its statistics
  let pooled: tf.Tensor = tf.mean(maps, [1, 2]);
  // Seeded per step, so a run is reproducible and a resumed run draws the same masks.
  if (dropoutSeed !== null && dropout > 0) pooled = tf.dropout(pooled, dropout, undefined, dropoutSeed);
  return model.head.apply(pooled) as tf.Tensor2D;
}

/** Weighted cross-entropy over five grades plus a referable (grade ≥ 2) term, which is what screening ranks on. */
function lossOf(probabilities: tf.Tensor2D, levels: number[], weights: number[]): tf.Scalar {
  const n = levels.length;
  const oneHot = tf.oneHot(tf.tensor1d(levels, 'int32'), 5);
  const w = tf.tensor1d(levels.map((l) => weights[l]!));
  const logp = tf.log(tf.add(probabilities, 1e-7));
  const ce = tf.div(tf.sum(tf.mul(tf.sum(tf.mul(oneHot, logp), 1), w)), -n);
  const referable = tf.clipByValue(tf.sum(probabilities.slice([0, 2], [n, 3]), 1), 1e-6, 1 - 1e-6);
  const y = tf.tensor1d(levels.map((l) => (l >= 2 ? 1 : 0)));
  const bce = tf.neg(
    tf.mean(tf.add(tf.mul(y, tf.log(referable)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, referable))))),
  );
  return tf.add(ce, bce) as tf.Scalar;
}

/** Averaged probabilities over all cached views (test-time augmentation), image by image. */
export function predictSet(model: Trainable, set: FeatureSet, batchSize = 64): number[][] {
  const out: number[][] = [];
  for (let start = 0; start < set.images.length; start += batchSize) {
    const indices = Array.from(
      { length: Math.min(batchSize, set.images.length - start) },
      (_, k) => start + k,
    );
    const sum = tf.tidy(() => {
      let acc: tf.Tensor2D | null = null;
      for (let v = 0; v < set.views; v++) {
        const p = forward(
          model,
          batchOf(set, indices, () => v).reshape([indices.length, ...shapeOf(model)]),
          0,
          null,
        );
        acc = acc ? acc.add(p) : p;
      }
      return acc!.div(set.views).arraySync() as number[][];
    });
    out.push(...sum);
  }
  return out;
}

function shapeOf(model: Trainable): number[] {
  return (model.tail.inputs[0]!.shape as number[]).slice(1);
}

export function evaluateSet(model: Trainable, set: FeatureSet, weights: number[]) {
  const probabilities = predictSet(model, set);
  const levels = set.images.map((i) => i.level);
  const referable = probabilities.map(referableProbability);
  const loss = tf.tidy(() => lossOf(tf.tensor2d(probabilities), levels, weights).dataSync()[0]!);
  return {
    loss,
    auc: rocAuc(
      levels.map((l) => l >= 2),
      referable,
    ),
    kappa: quadraticWeightedKappa(levels, probabilities.map(argmax)),
    probabilities,
  };
}

/**
 * Head first: tfjs's Adam keeps its moments by position in the variable list, so the head-only warm-up
 * (head variables alone) and full training (head, then tail) must agree on the head's positions.
 */
function variablesOf(model: Trainable): tf.LayerVariable[] {
  return [...model.head.trainableWeights, ...model.tail.trainableWeights];
}

async function saveWeights(file: string, named: { name: string; tensor: tf.Tensor }[]): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights(named);
  await writeFile(`${file}.tmp`, new Uint8Array(data as ArrayBuffer));
  await writeFile(`${file}.json.tmp`, JSON.stringify(specs));
  await rename(`${file}.tmp`, file);
  await rename(`${file}.json.tmp`, `${file}.json`);
}

async function loadWeights(file: string): Promise<tf.NamedTensorMap> {
  const data = await readFile(file);
  const specs = JSON.parse(await readFile(`${file}.json`, 'utf8')) as tf.io.WeightsManifestEntry[];
  return tf.io.decodeWeights(new Uint8Array(data).buffer, specs);
}

/** Restores model variables (by name) from a weights file. */
export async function restoreModel(model: Trainable, file: string): Promise<void> {
  const tensors = await loadWeights(file);
  for (const v of variablesOf(model)) {
    const t = tensors[v.originalName];
    if (!t) throw new Error(`${file} has no weights for ${v.originalName}.`);
    v.write(t);
  }
  tf.dispose(Object.values(tensors));
}

/**
 * Trains tail and head on cached activations; after every epoch writes a checkpoint (weights, optimizer state,
 * history) and keeps the weights of the epoch with the best validation AUC. `resume` continues from the last
 * checkpoint; each epoch's shuffle comes from seed + epoch, so a resumed run sees the same batches.
 */
/** A run's checkpoint: the last epoch's state, weights and optimizer moments, and the best epoch's weights. */
export function checkpointFiles(dir: string) {
  return {
    state: path.join(dir, 'state.json'),
    last: path.join(dir, 'last.weights'),
    optimizer: path.join(dir, 'optimizer.weights'),
    best: path.join(dir, 'best.weights'),
  };
}

function freshState(): TrainState {
  return { epoch: 0, bestEpoch: 0, bestValidationAuc: -1, history: [] };
}

/** The state, weights and optimizer moments of the last finished epoch, or a fresh start without one. */
async function resumeState(
  model: Trainable,
  optimizer: tf.Optimizer,
  checkpointDir: string,
): Promise<TrainState> {
  const files = checkpointFiles(checkpointDir);
  if (!existsSync(files.state)) return freshState();
  const state = JSON.parse(await readFile(files.state, 'utf8')) as TrainState;
  await restoreModel(model, files.last);
  if (existsSync(files.optimizer)) {
    const named = await loadWeights(files.optimizer);
    await optimizer.setWeights(Object.entries(named).map(([name, tensor]) => ({ name, tensor })));
  }
  return state;
}

/** 0 … n−1 in a seeded random order (Fisher–Yates). */
function shuffled(n: number, random: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

export async function train(
  model: Trainable,
  trainSet: FeatureSet,
  validationSet: FeatureSet,
  o: TrainOptions,
): Promise<TrainState> {
  await mkdir(o.checkpointDir, { recursive: true });
  const files = checkpointFiles(o.checkpointDir);
  const optimizer = tf.train.adam(o.learningRate);
  const state = o.resume ? await resumeState(model, optimizer, o.checkpointDir) : freshState();
  const levels = trainSet.images.map((i) => i.level);
  const weights = classWeights(levels);
  const vars = variablesOf(model);
  const headVars = model.head.trainableWeights.map((v) => v.read() as tf.Variable);
  const allVars = vars.map((v) => v.read() as tf.Variable);
  const shape = shapeOf(model);
  const steps = Math.ceil(trainSet.images.length / o.batchSize);
  let globalStep = state.epoch * steps;

  for (let epoch = state.epoch + 1; epoch <= o.epochs; epoch++) {
    const started = performance.now();
    const random = seededRandom(o.seed * 1000 + epoch);
    const order = shuffled(trainSet.images.length, random);
    let lossSum = 0;
    for (let step = 0; step < steps; step++) {
      const indices = order.slice(step * o.batchSize, (step + 1) * o.batchSize);
      const viewPicks = indices.map(() => Math.floor(random() * trainSet.views));
      const batchLevels = indices.map((i) => levels[i]!);
      const features = batchOf(trainSet, indices, (k) => viewPicks[k]!).reshape([indices.length, ...shape]);
      const varList = globalStep < o.headOnlySteps ? headVars : allVars;
      const dropoutSeed = o.seed * 100_000 + globalStep;
      const loss = optimizer.minimize(
        () => lossOf(forward(model, features, o.dropout, dropoutSeed), batchLevels, weights),
        true,
        varList,
      );
      const value = loss!.dataSync()[0]!;
      tf.dispose([loss!, features]);
      lossSum += value;
      globalStep++;
      o.onStep?.({ epoch, step: step + 1, steps, loss: lossSum / (step + 1) });
    }
    const validation = evaluateSet(model, validationSet, weights);
    const record: EpochRecord = {
      epoch,
      trainLoss: lossSum / steps,
      validationLoss: validation.loss,
      validationAuc: validation.auc,
      validationKappa: validation.kappa,
      seconds: (performance.now() - started) / 1000,
    };
    state.history.push(record);
    state.epoch = epoch;
    const named = vars.map((v) => ({ name: v.originalName, tensor: v.read() }));
    await saveWeights(files.last, named);
    await saveWeights(files.optimizer, await optimizer.getWeights());
    // Model selection by referable AUC; a validation set without both classes (tiny runs) falls back to loss.
    const score = Number.isNaN(validation.auc) ? -validation.loss : validation.auc;
    if (state.bestEpoch === 0 || score > state.bestValidationAuc) {
      state.bestValidationAuc = score;
      state.bestEpoch = epoch;
      await saveWeights(files.best, named);
    }
    await writeFile(`${files.state}.tmp`, JSON.stringify(state, null, 2));
    await rename(`${files.state}.tmp`, files.state);
    o.onEpoch?.(record);
  }
  return state;
}
