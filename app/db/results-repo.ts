import type { QualityReason, QualityRegion } from '../../domain/quality.ts';
import type { GradeResult } from '../../contract/index.ts';
import { NOT_ASSESSED, type MaculopathyOutcome } from '../../domain/maculopathy.ts';
import { prepared, type Database } from './database.ts';

/** What the grading service hands over for storage: a result without its database identity. */
export type NewResult = Omit<
  GradeResult,
  'id' | 'imageId' | 'createdAt' | 'hasHeatmap' | 'hasMaculopathyEvidence'
> & {
  previewSha256: string | null;
  heatmapSha256: string | null;
  maculopathyEvidenceSha256?: string | null;
};

export interface ResultRow {
  id: number;
  image_id: number;
  model_name: string;
  model_version: string;
  model_validated: number;
  preprocessing: string;
  backend: string;
  gradable: number;
  quality_reasons: string;
  quality_metrics: string;
  quality_regions: string | null;
  grade: number | null;
  p0: number | null;
  p1: number | null;
  p2: number | null;
  p3: number | null;
  p4: number | null;
  referable_probability: number | null;
  preview_sha256: string | null;
  heatmap_sha256: string | null;
  heatmap_ms: number;
  referable_threshold: number | null;
  decode_ms: number;
  preprocess_ms: number;
  inference_ms: number;
  total_ms: number;
  created_at: string;
  maculopathy_status: MaculopathyOutcome['status'];
  maculopathy_probability: number | null;
  maculopathy_threshold: number | null;
  maculopathy_fovea: string | null;
  maculopathy_evidence_sha256: string | null;
}

/** Every column of `results`, for queries that join a result to its image under a prefix. */
export const RESULT_COLUMNS = [
  'id',
  'image_id',
  'model_name',
  'model_version',
  'model_validated',
  'preprocessing',
  'backend',
  'gradable',
  'quality_reasons',
  'quality_metrics',
  'quality_regions',
  'grade',
  'p0',
  'p1',
  'p2',
  'p3',
  'p4',
  'referable_probability',
  'preview_sha256',
  'heatmap_sha256',
  'heatmap_ms',
  'referable_threshold',
  'decode_ms',
  'preprocess_ms',
  'inference_ms',
  'total_ms',
  'created_at',
  'maculopathy_status',
  'maculopathy_probability',
  'maculopathy_threshold',
  'maculopathy_fovea',
  'maculopathy_evidence_sha256',
] as const satisfies readonly (keyof ResultRow)[];

export function toResult(row: ResultRow): GradeResult {
  const probabilities = row.p0 === null ? null : [row.p0, row.p1, row.p2, row.p3, row.p4].map((p) => p ?? 0);
  return {
    id: row.id,
    imageId: row.image_id,
    quality: {
      gradable: row.gradable === 1,
      reasons: JSON.parse(row.quality_reasons) as QualityReason[],
      metrics: JSON.parse(row.quality_metrics) as Record<string, number>,
      ...(row.quality_regions ? { regions: JSON.parse(row.quality_regions) as QualityRegion[] } : {}),
    },
    grade: row.grade,
    probabilities,
    referableProbability: row.referable_probability,
    referableThreshold: row.referable_threshold,
    maculopathy: maculopathyOf(row),
    model: {
      name: row.model_name,
      version: row.model_version,
      validated: row.model_validated === 1,
      preprocessing: row.preprocessing,
    },
    backend: row.backend,
    timings: {
      decodeMs: row.decode_ms,
      preprocessMs: row.preprocess_ms,
      inferenceMs: row.inference_ms,
      heatmapMs: row.heatmap_ms,
      totalMs: row.total_ms,
    },
    hasHeatmap: row.heatmap_sha256 !== null,
    hasMaculopathyEvidence: row.maculopathy_evidence_sha256 !== null,
    createdAt: row.created_at,
  };
}

function maculopathyOf(row: ResultRow): MaculopathyOutcome {
  if (row.maculopathy_status !== 'assessed') return { status: row.maculopathy_status };
  const probability = row.maculopathy_probability ?? 0;
  const threshold = row.maculopathy_threshold ?? 1;
  return {
    status: 'assessed',
    probability,
    threshold,
    flagged: probability >= threshold,
    fovea: row.maculopathy_fovea
      ? (JSON.parse(row.maculopathy_fovea) as { x: number; y: number })
      : { x: 0.5, y: 0.5 },
  };
}

export function insertResult(
  db: Database,
  imageId: number,
  result: NewResult,
  now: Date = new Date(),
): GradeResult {
  const gradable = result.quality.gradable;
  const p = gradable ? result.probabilities : null;
  const macula = result.maculopathy ?? NOT_ASSESSED;
  const info = prepared(
    db,
    `INSERT INTO results (image_id, model_name, model_version, model_validated, preprocessing, backend,
         gradable, quality_reasons, quality_metrics, quality_regions, grade, p0, p1, p2, p3, p4,
         referable_probability, referable_threshold, preview_sha256, heatmap_sha256, decode_ms, preprocess_ms,
         inference_ms, heatmap_ms, total_ms, created_at, maculopathy_status, maculopathy_probability,
         maculopathy_threshold, maculopathy_fovea, maculopathy_evidence_sha256)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    imageId,
    result.model.name,
    result.model.version,
    result.model.validated ? 1 : 0,
    result.model.preprocessing,
    result.backend,
    gradable ? 1 : 0,
    JSON.stringify(result.quality.reasons),
    JSON.stringify(result.quality.metrics),
    result.quality.regions?.length ? JSON.stringify(result.quality.regions) : null,
    gradable ? result.grade : null,
    p?.[0] ?? null,
    p?.[1] ?? null,
    p?.[2] ?? null,
    p?.[3] ?? null,
    p?.[4] ?? null,
    gradable ? result.referableProbability : null,
    result.referableThreshold,
    result.previewSha256,
    gradable ? result.heatmapSha256 : null,
    result.timings.decodeMs,
    result.timings.preprocessMs,
    result.timings.inferenceMs,
    result.timings.heatmapMs,
    result.timings.totalMs,
    now.toISOString(),
    // No maculopathy for an ungradable photograph, whatever was handed over (as with the grade).
    gradable ? macula.status : 'not_assessed',
    gradable && macula.status === 'assessed' ? macula.probability : null,
    gradable && macula.status === 'assessed' ? macula.threshold : null,
    gradable && macula.status === 'assessed' ? JSON.stringify(macula.fovea) : null,
    gradable && macula.status === 'assessed' ? (result.maculopathyEvidenceSha256 ?? null) : null,
  );
  const row = prepared<[number], ResultRow>(db, 'SELECT * FROM results WHERE id = ?').get(
    Number(info.lastInsertRowid),
  );
  if (!row) throw new Error('result row vanished after insert');
  return toResult(row);
}

/** The stored preview, heatmap and maculopathy evidence of an image's latest result. */
export function resultFilesForImage(
  db: Database,
  imageId: number,
): { preview: string | null; heatmap: string | null; maculopathy: string | null } {
  const row = prepared<
    [number],
    {
      preview_sha256: string | null;
      heatmap_sha256: string | null;
      maculopathy_evidence_sha256: string | null;
    }
  >(
    db,
    `SELECT preview_sha256, heatmap_sha256, maculopathy_evidence_sha256 FROM results
       WHERE image_id = ? ORDER BY id DESC LIMIT 1`,
  ).get(imageId);
  return {
    preview: row?.preview_sha256 ?? null,
    heatmap: row?.heatmap_sha256 ?? null,
    maculopathy: row?.maculopathy_evidence_sha256 ?? null,
  };
}
