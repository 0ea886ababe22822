import type { GradeResult } from '../api/contract/types.ts';
import type { Database } from './database.ts';

/** What the grading service hands over for storage: a result without its database identity. */
export type NewResult = Omit<GradeResult, 'id' | 'imageId' | 'createdAt'> & { previewSha256: string | null };

interface ResultRow {
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
  grade: number | null;
  p0: number | null;
  p1: number | null;
  p2: number | null;
  p3: number | null;
  p4: number | null;
  referable_probability: number | null;
  preview_sha256: string | null;
  decode_ms: number;
  preprocess_ms: number;
  inference_ms: number;
  total_ms: number;
  created_at: string;
}

function toResult(row: ResultRow): GradeResult {
  const probabilities = row.p0 === null ? null : [row.p0, row.p1, row.p2, row.p3, row.p4].map((p) => p ?? 0);
  return {
    id: row.id,
    imageId: row.image_id,
    quality: {
      gradable: row.gradable === 1,
      reasons: JSON.parse(row.quality_reasons) as string[],
      metrics: JSON.parse(row.quality_metrics) as Record<string, number>,
    },
    grade: row.grade,
    probabilities,
    referableProbability: row.referable_probability,
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
      totalMs: row.total_ms,
    },
    createdAt: row.created_at,
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
  const info = db
    .prepare(
      `INSERT INTO results (image_id, model_name, model_version, model_validated, preprocessing, backend,
         gradable, quality_reasons, quality_metrics, grade, p0, p1, p2, p3, p4, referable_probability,
         preview_sha256, decode_ms, preprocess_ms, inference_ms, total_ms, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      imageId,
      result.model.name,
      result.model.version,
      result.model.validated ? 1 : 0,
      result.model.preprocessing,
      result.backend,
      gradable ? 1 : 0,
      JSON.stringify(result.quality.reasons),
      JSON.stringify(result.quality.metrics),
      gradable ? result.grade : null,
      p?.[0] ?? null,
      p?.[1] ?? null,
      p?.[2] ?? null,
      p?.[3] ?? null,
      p?.[4] ?? null,
      gradable ? result.referableProbability : null,
      result.previewSha256,
      result.timings.decodeMs,
      result.timings.preprocessMs,
      result.timings.inferenceMs,
      result.timings.totalMs,
      now.toISOString(),
    );
  const row = db
    .prepare<[number], ResultRow>('SELECT * FROM results WHERE id = ?')
    .get(Number(info.lastInsertRowid));
  if (!row) throw new Error('result row vanished after insert');
  return toResult(row);
}

export function latestResultForImage(db: Database, imageId: number): GradeResult | null {
  const row = db
    .prepare<[number], ResultRow>('SELECT * FROM results WHERE image_id = ? ORDER BY id DESC LIMIT 1')
    .get(imageId);
  return row ? toResult(row) : null;
}

export function previewShaForImage(db: Database, imageId: number): string | null {
  const row = db
    .prepare<[number], { preview_sha256: string | null }>(
      'SELECT preview_sha256 FROM results WHERE image_id = ? ORDER BY id DESC LIMIT 1',
    )
    .get(imageId);
  return row?.preview_sha256 ?? null;
}
