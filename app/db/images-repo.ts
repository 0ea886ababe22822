import type { Eye, FundusImage } from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import { prepared, type Database } from './database.ts';
import { latestResultForImage } from './results-repo.ts';
import { latestReviewForResult } from './reviews-repo.ts';

interface ImageRow {
  id: number;
  visit_id: number;
  eye: Eye;
  file_name: string;
  sha256: string;
  mime_type: string;
  width: number;
  height: number;
  thumbnail_sha256: string | null;
  imported_at: string;
}

export interface StoredImage {
  id: number;
  visitId: number;
  eye: Eye;
  sha256: string;
  mimeType: string;
  thumbnailSha256: string | null;
}

export interface NewImage {
  visitId: number;
  eye: Eye;
  fileName: string;
  sha256: string;
  mimeType: string;
  width: number;
  height: number;
  thumbnailSha256: string | null;
}

function toFundusImage(db: Database, row: ImageRow): FundusImage {
  const result = latestResultForImage(db, row.id);
  return {
    id: row.id,
    visitId: row.visit_id,
    eye: row.eye,
    fileName: row.file_name,
    sha256: row.sha256,
    width: row.width,
    height: row.height,
    importedAt: row.imported_at,
    result,
    review: result ? latestReviewForResult(db, result.id) : null,
  };
}

export function getImage(db: Database, id: number): FundusImage {
  const row = prepared<[number], ImageRow>(db, 'SELECT * FROM images WHERE id = ?').get(id);
  if (!row) throw new AppError('NOT_FOUND', `No image with id ${id}.`);
  return toFundusImage(db, row);
}

export function getStoredImage(db: Database, id: number): StoredImage {
  const row = prepared<[number], ImageRow>(db, 'SELECT * FROM images WHERE id = ?').get(id);
  if (!row) throw new AppError('NOT_FOUND', `No image with id ${id}.`);
  return {
    id: row.id,
    visitId: row.visit_id,
    eye: row.eye,
    sha256: row.sha256,
    mimeType: row.mime_type,
    thumbnailSha256: row.thumbnail_sha256,
  };
}

export function findImage(db: Database, visitId: number, eye: Eye, sha256: string): FundusImage | null {
  const row = prepared<[number, Eye, string], ImageRow>(
    db,
    'SELECT * FROM images WHERE visit_id = ? AND eye = ? AND sha256 = ?',
  ).get(visitId, eye, sha256);
  return row ? toFundusImage(db, row) : null;
}

export function listImagesForVisit(db: Database, visitId: number): FundusImage[] {
  return prepared<[number], ImageRow>(db, 'SELECT * FROM images WHERE visit_id = ? ORDER BY eye, imported_at')
    .all(visitId)
    .map((row) => toFundusImage(db, row));
}

export function insertImage(db: Database, image: NewImage, now: Date = new Date()): number {
  const info = prepared(
    db,
    `INSERT INTO images (visit_id, eye, file_name, sha256, mime_type, width, height, thumbnail_sha256, imported_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    image.visitId,
    image.eye,
    image.fileName,
    image.sha256,
    image.mimeType,
    image.width,
    image.height,
    image.thumbnailSha256,
    now.toISOString(),
  );
  return Number(info.lastInsertRowid);
}
