import * as tf from '@tensorflow/tfjs';
import type { HeldOutFigures, ModelVersion } from '../../contract/learning.ts';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isReferableGrade, referableProbability } from '../../domain/grades.ts';
import { initBackend } from '../../model/inference/backend.ts';
import { loadDrModel } from '../../model/inference/engine.ts';
import { readModelArtifacts } from '../../model/inference/load-model.ts';
import { ONNX_CHECK_FILE, ONNX_FILE } from '../../model/inference/onnx-model.ts';
import { preprocess } from '../../model/preprocess/preprocess.ts';
import {
  bootstrapAuc,
  binaryCounts,
  binaryMetrics,
  rocAuc,
  thresholdForSensitivity,
} from '../evaluate/metrics.ts';
import { pairedBootstrap, type PairedComparison } from '../evaluate/paired-bootstrap.ts';
import { saveLayersModel } from '../fine-tune/save-layers-model.ts';
import { readReferenceSet, REFERENCE_FILE } from './reference-set.ts';
import { isHeldOut, isInnerValidation } from './split.ts';
import {
  refitMaculopathyHead,
  type LocalMaculopathyResult,
  type MaculopathyRow,
} from './maculopathy-refit.ts';
import { brightLesions, type BrightLesionFeatures } from '../../model/anatomy/bright-lesions.ts';
import { locateLandmarks } from '../../model/anatomy/locate.ts';
import { MACULOPATHY_HEAD_FILE, readMaculopathyHeadFor } from '../../model/maculopathy/head.ts';

/** One confirmed photograph of the clinic: its label is the clinician's grade. */
export interface LocalPhotograph {
  /** Unique per photograph (its SHA-256, or its file name). */
  key: string;
  /** The patient (clinic ID): the split is by patient. */
  patient: string;
  grade: number;
  /** The clinician's maculopathy reading (true M1, false M0), or null/absent when none was recorded. */
  maculopathy?: boolean | null;
  read(): Promise<Uint8Array>;
}

export type { HeldOutFigures };

export interface LocalFineTuneResult {
  outDir: string;
  version: string;
  base: HeldOutFigures;
  candidate: HeldOutFigures;
  /** Candidate − base on the same held-out patients, by a paired bootstrap over patients. */
  comparison: PairedComparison;
  /**
   * Base and candidate on the reference set shipped with the model (reference-features.json), when it has one: a
   * check that learning this clinic's photographs did not unlearn what the model knew elsewhere.
   */
  reference: { base: HeldOutFigures; candidate: HeldOutFigures } | null;
  referenceComparison: (PairedComparison & { source: string; excludedTrainedOn: number }) | null;
  /** The candidate's operating point for 90% sensitivity on the held-out patients (shown, not applied). */
  derivedThreshold: number;
  training: { photographs: number; patients: number; byGrade: number[]; lambda: number; epochs: number };
  seconds: { features: number; training: number };
  /** The candidate's maculopathy head: refitted on the clinic's M0/M1 readings, or why it has none. */
  maculopathy: Omit<LocalMaculopathyResult, 'head'>;
}

export type LocalStage = 'features' | 'training' | 'saving';

export interface LocalFineTuneOptions {
  /** The model to start from (the active one). */
  initModelDir: string;
  /** The candidate's folder: written whole, or not at all. */
  outDir: string;
  version: string;
  /** The site's operating point; the base model's own when null. */
  operatingPoint: number | null;
  onProgress?: (stage: LocalStage, done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Regularisation strengths tried on the inner validation patients; the one with the lowest loss is kept. */
const LAMBDAS = [0.01, 0.1, 1];
const EPOCHS = 300;
const LEARNING_RATE = 0.001;
/** The head and its input: the active model's pooled features feed a 5-way softmax (see the model's metadata). */
const POOL_LAYER = 'dr_pool';
const HEAD_LAYER = 'dr_head';

/**
 * What a candidate's metadata records for the promotion gate, from the fine-tune's figures: the one shape the gate
 * reads (the Models screen from the metadata, `npm run train` and the tests from the result).
 */
export function localValidationOf(r: LocalFineTuneResult): NonNullable<ModelVersion['localValidation']> {
  return {
    base: r.base,
    candidate: r.candidate,
    derivedThreshold: r.derivedThreshold,
    comparison: r.comparison,
    ...(r.reference ? { reference: r.reference } : {}),
    ...(r.referenceComparison ? { referenceComparison: r.referenceComparison } : {}),
  };
}

/** The model as a LayersModel (its head is retrained), read from disk as the app's loader reads it. */
async function loadLayers(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(await readModelArtifacts(dir)));
}

function aborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw Object.assign(new Error('The fine-tune was cancelled.'), { name: 'AbortError' });
}

function referableScores(features: tf.Tensor2D, kernel: tf.Tensor, bias: tf.Tensor): number[] {
  return tf
    .tidy(() => tf.softmax(tf.matMul(features, kernel).add(bias)).arraySync() as number[][])
    .map((p) => referableProbability(p));
}

function figures(
  labels: readonly boolean[],
  patients: readonly string[],
  scores: readonly number[],
  threshold: number,
): HeldOutFigures {
  const m = binaryMetrics(binaryCounts(labels, scores, threshold));
  return {
    photographs: labels.length,
    patients: new Set(patients).size,
    referablePatients: new Set(patients.filter((_, i) => labels[i])).size,
    referableAuc: rocAuc(labels, scores),
    auc95: bootstrapAuc(labels, scores),
    threshold,
    sensitivity: m.sensitivity,
    specificity: m.specificity,
  };
}

/**
 * Class-weighted softmax regression on the pooled features, starting from the model's own head and pulled back
 * towards it (L2, strength `lambda`): with a few hundred photographs the head moves only as far as the local
 * data clearly asks.
 */
function trainHead(
  x: tf.Tensor2D,
  grades: readonly number[],
  init: { kernel: tf.Tensor; bias: tf.Tensor },
  lambda: number,
): { kernel: tf.Tensor; bias: tf.Tensor } {
  const counts = [0, 1, 2, 3, 4].map((g) => grades.filter((v) => v === g).length);
  const weights = tf.tensor1d(grades.map((g) => grades.length / (5 * counts[g]!)));
  const y = tf.oneHot(tf.tensor1d(grades as number[], 'int32'), 5);
  const kernel = tf.variable(init.kernel.clone());
  const bias = tf.variable(init.bias.clone());
  const optimiser = tf.train.adam(LEARNING_RATE);
  for (let e = 0; e < EPOCHS; e++)
    optimiser.minimize(
      () => {
        const loss = tf.losses.softmaxCrossEntropy(y, tf.matMul(x, kernel).add(bias), weights);
        return loss.add(kernel.sub(init.kernel).square().sum().mul(lambda)) as tf.Scalar;
      },
      false,
      [kernel, bias],
    );
  optimiser.dispose();
  tf.dispose([weights, y]);
  return { kernel, bias };
}

function weightedLoss(
  x: tf.Tensor2D,
  grades: readonly number[],
  head: { kernel: tf.Tensor; bias: tf.Tensor },
): number {
  return tf.tidy(() => {
    const y = tf.oneHot(tf.tensor1d(grades as number[], 'int32'), 5);
    return tf.losses.softmaxCrossEntropy(y, tf.matMul(x, head.kernel).add(head.bias)).dataSync()[0]!;
  });
}

/**
 * Fine-tunes the head of `initModelDir` on a clinic's confirmed photographs: patients split by a stable hash
 * (isHeldOut), the regularisation chosen on a fifth of the training patients, then the head trained on all of
 * them. Base and candidate are judged on the same held-out patients. The candidate folder appears whole (written
 * beside it and renamed), so a cancel or a crash leaves nothing half-written, and the base model is never touched.
 */
export async function fineTuneLocal(
  photographs: readonly LocalPhotograph[],
  options: LocalFineTuneOptions,
): Promise<LocalFineTuneResult> {
  await initBackend();
  const net = await loadLayers(options.initModelDir);
  const metadata = JSON.parse(
    await readFile(path.join(options.initModelDir, 'metadata.json'), 'utf8'),
  ) as Record<string, unknown> & {
    inputSize: number;
    name: string;
    version: string;
    operatingPoint?: { threshold: number };
  };
  const extractor = tf.model({
    inputs: net.inputs,
    outputs: net.getLayer(POOL_LAYER).output as tf.SymbolicTensor,
  });
  // Copies, not the layer's own variables: the optimiser must never reach the base's head, or the base would be
  // judged with weights its training had moved (it once did: minimize() without a list trains every variable).
  const [kernel0, bias0] = net
    .getLayer(HEAD_LAYER)
    .getWeights()
    .map((w) => tf.clone(w));
  if (!kernel0 || !bias0) throw new Error(`${HEAD_LAYER} has no weights.`);
  const size = metadata.inputSize;

  const t0 = performance.now();
  const reference = readReferenceSet(options.initModelDir);
  // The head's input from ONNX Runtime where it runs (several times faster; its features are checked against
  // tfjs's when it loads), else from the layers model.
  const fast = await loadDrModel(options.initModelDir, 'onnx').then(
    (loaded) => loaded.model,
    () => null,
  );
  let done = 0;
  const trainedOn = new Set<string>();
  // Bright-lesion shares around the located fovea, for the photographs with a clinician's M0/M1 (null: no fovea),
  // when the base has a maculopathy head to refit (maculopathy-refit.ts).
  const baseHead = await readMaculopathyHeadFor(options.initModelDir, metadata);
  const bright = new Map<number, BrightLesionFeatures | null>();
  const extract = async (photo: LocalPhotograph, index: number): Promise<Float32Array> => {
    aborted(options.signal);
    const bytes = await photo.read();
    trainedOn.add(createHash('sha256').update(bytes).digest('hex'));
    const pre = await preprocess(bytes, size);
    if (baseHead && photo.maculopathy !== undefined && photo.maculopathy !== null) {
      const landmarks = locateLandmarks(pre.canonical.rgb, pre.canonical.mask, pre.canonical.size);
      bright.set(index, landmarks ? brightLesions(pre.canonical, landmarks).features : null);
    }
    let out: Float32Array;
    if (fast?.pooledFeatures) out = await fast.pooledFeatures(pre.pixels);
    else {
      const f = tf.tidy(() => extractor.predict(tf.tensor4d(pre.pixels, [1, size, size, 3])) as tf.Tensor);
      out = new Float32Array(await f.data());
      f.dispose();
    }
    options.onProgress?.('features', ++done, photographs.length);
    return out;
  };
  const features: Float32Array[] = [];
  try {
    for (const [i, photo] of photographs.entries()) features.push(await extract(photo, i));
  } finally {
    fast?.dispose();
  }
  const featureSeconds = (performance.now() - t0) / 1000;

  const side = (held: boolean, inner?: boolean) =>
    photographs
      .map((p, i) => ({ p, i }))
      .filter(
        ({ p }) =>
          isHeldOut(p.patient) === held && (inner === undefined || isInnerValidation(p.patient) === inner),
      );
  const matrix = (rows: { i: number }[]) =>
    tf.tensor2d(
      rows.map((r) => Array.from(features[r.i]!)),
      [rows.length, features[0]!.length],
    );
  const train = side(false);
  const held = side(true);
  const t1 = performance.now();
  aborted(options.signal);
  // The regularisation is chosen on training patients only: the held-out ones judge, never choose.
  const innerTrain = side(false, false);
  const innerVal = side(false, true);
  let lambda = LAMBDAS[1]!;
  if (innerVal.length > 0 && innerTrain.length > 0) {
    const [xi, xv] = [matrix(innerTrain), matrix(innerVal)];
    let best = Infinity;
    for (const [n, candidate] of LAMBDAS.entries()) {
      aborted(options.signal);
      const head = trainHead(
        xi,
        innerTrain.map((r) => r.p.grade),
        { kernel: kernel0, bias: bias0 },
        candidate,
      );
      const loss = weightedLoss(
        xv,
        innerVal.map((r) => r.p.grade),
        head,
      );
      tf.dispose([head.kernel, head.bias]);
      if (loss < best) [best, lambda] = [loss, candidate];
      options.onProgress?.('training', n + 1, LAMBDAS.length + 1);
    }
    tf.dispose([xi, xv]);
  }
  const xTrain = matrix(train);
  const head = trainHead(
    xTrain,
    train.map((r) => r.p.grade),
    { kernel: kernel0, bias: bias0 },
    lambda,
  );
  options.onProgress?.('training', LAMBDAS.length + 1, LAMBDAS.length + 1);
  const trainingSeconds = (performance.now() - t1) / 1000;

  const threshold = options.operatingPoint ?? metadata.operatingPoint?.threshold ?? 0.5;
  const xHeld = matrix(held);
  const heldLabels = held.map((r) => isReferableGrade(r.p.grade));
  const heldPatients = held.map((r) => r.p.patient);
  const base = figures(heldLabels, heldPatients, referableScores(xHeld, kernel0, bias0), threshold);
  const candidateScores = referableScores(xHeld, head.kernel, head.bias);
  const candidate = figures(heldLabels, heldPatients, candidateScores, threshold);
  // Shown, never applied by itself: on the training patients the head has seen the labels, so a point derived
  // there would flatter it; on the held-out ones it reaches 90% sensitivity by construction, and says so.
  const derivedThreshold = thresholdForSensitivity(heldLabels, candidateScores, 0.9);
  const atDerived = figures(heldLabels, heldPatients, candidateScores, derivedThreshold);
  const derivedPoint = {
    threshold: derivedThreshold,
    sensitivity: atDerived.sensitivity,
    specificity: atDerived.specificity,
  };
  const comparison = pairedBootstrap(
    heldLabels,
    heldPatients,
    referableScores(xHeld, kernel0, bias0),
    candidateScores,
    threshold,
  );
  let referenceFigures: LocalFineTuneResult['reference'] = null;
  let referenceComparison: LocalFineTuneResult['referenceComparison'] = null;
  // A reference photograph the clinic trained on cannot judge the candidate: it is left out (and counted).
  const keep = reference ? reference.sha256.map((h) => !trainedOn.has(h)) : [];
  if (reference && keep.some(Boolean)) {
    const rows = reference.features.filter((_, i) => keep[i]);
    const xRef = tf.tensor2d(
      rows.map((f) => Array.from(f)),
      [rows.length, rows[0]!.length],
    );
    const labels = reference.levels.filter((_, i) => keep[i]).map((l) => isReferableGrade(l));
    const patients = reference.patients.filter((_, i) => keep[i]);
    const [b, c] = [referableScores(xRef, kernel0, bias0), referableScores(xRef, head.kernel, head.bias)];
    referenceFigures = {
      base: figures(labels, patients, b, threshold),
      candidate: figures(labels, patients, c, threshold),
    };
    referenceComparison = {
      ...pairedBootstrap(labels, patients, b, c, threshold),
      source: reference.source,
      excludedTrainedOn: keep.filter((k) => !k).length,
    };
    xRef.dispose();
  }
  tf.dispose([xTrain, xHeld]);

  // The maculopathy head follows the DR head it takes its first input from (maculopathy-refit.ts).
  const labelled = [...bright.entries()].flatMap(([i, b]) => (b ? [{ i, b }] : []));
  let rows: MaculopathyRow[] = [];
  if (labelled.length) {
    const x = matrix(labelled);
    const [b, c] = [referableScores(x, kernel0, bias0), referableScores(x, head.kernel, head.bias)];
    x.dispose();
    rows = labelled.map(({ i, b: features }, n) => ({
      patient: photographs[i]!.patient,
      heldOut: isHeldOut(photographs[i]!.patient),
      label: photographs[i]!.maculopathy === true,
      bright: features,
      baseProbability: b[n]!,
      candidateProbability: c[n]!,
    }));
  }
  const maculopathy: LocalMaculopathyResult = refitMaculopathyHead(rows, baseHead, {
    name: metadata.name,
    version: options.version,
  });

  aborted(options.signal);
  options.onProgress?.('saving', 0, 1);
  const byGrade = [0, 1, 2, 3, 4].map((g) => train.filter((r) => r.p.grade === g).length);
  const result: LocalFineTuneResult = {
    outDir: options.outDir,
    version: options.version,
    base,
    candidate,
    comparison,
    reference: referenceFigures,
    referenceComparison,
    derivedThreshold,
    training: {
      photographs: train.length,
      patients: new Set(train.map((r) => r.p.patient)).size,
      byGrade,
      lambda,
      epochs: EPOCHS,
    },
    seconds: { features: featureSeconds, training: trainingSeconds },
    maculopathy: {
      refitted: maculopathy.refitted,
      why: maculopathy.why,
      training: maculopathy.training,
      heldOut: maculopathy.heldOut,
    },
  };
  net.getLayer(HEAD_LAYER).setWeights([head.kernel, head.bias]);
  const partial = `${options.outDir}.partial`;
  await rm(partial, { recursive: true, force: true });
  try {
    await mkdir(path.dirname(options.outDir), { recursive: true });
    await saveLayersModel(net, partial);
    await writeFile(
      path.join(partial, 'metadata.json'),
      `${JSON.stringify(
        {
          ...metadata,
          version: options.version,
          validated: false,
          description: `${metadata.name} ${metadata.version} with its head fine-tuned on this clinic's confirmed photographs.`,
          fineTunedFrom: { name: metadata.name, version: metadata.version },
          localValidation: { ...localValidationOf(result), derivedPoint },
        },
        null,
        2,
      )}\n`,
    );
    await writeFile(path.join(partial, 'training.json'), `${JSON.stringify(result, null, 2)}\n`);
    if (maculopathy.head)
      await writeFile(
        path.join(partial, MACULOPATHY_HEAD_FILE),
        `${JSON.stringify(maculopathy.head, null, 2)}\n`,
      );
    // Only the head was trained: the base's ONNX backbone (and its check) is the candidate's too, so the candidate
    // runs on ONNX Runtime with its own head (applied in TypeScript from weights.bin).
    // The reference features are the backbone's too: a later fine-tune of this candidate is checked against them.
    for (const file of [ONNX_FILE, ONNX_CHECK_FILE, REFERENCE_FILE])
      if (existsSync(path.join(options.initModelDir, file)))
        await copyFile(path.join(options.initModelDir, file), path.join(partial, file));
    aborted(options.signal);
    await rename(partial, options.outDir);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  } finally {
    tf.dispose([head.kernel, head.bias, kernel0, bias0]);
    net.dispose();
  }
  options.onProgress?.('saving', 1, 1);
  return result;
}
