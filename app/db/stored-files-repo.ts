import { prepared, type Database } from './database.ts';

/**
 * Every file in the image store the record names, by SHA-256: photographs, thumbnails, DICOM files, the model's
 * previews, heatmaps and maculopathy evidence maps, the clinic's logo. The one list of those columns: a failed import's clean-up and the
 * backup both read it, so a new kind of stored file is added here once.
 */
const NAMED_FILES = `
  SELECT sha256 AS sha FROM images
  UNION SELECT thumbnail_sha256 FROM images
  UNION SELECT dicom_sha256 FROM images
  UNION SELECT preview_sha256 FROM results
  UNION SELECT heatmap_sha256 FROM results
  UNION SELECT maculopathy_evidence_sha256 FROM results
  UNION SELECT json_extract(value, '$.logoSha256') FROM settings WHERE key = 'clinic'`;

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function namedFiles(db: Database): string[] {
  return prepared<[], { sha: string | null }>(db, NAMED_FILES)
    .all()
    .map((r) => r.sha)
    .filter((s): s is string => typeof s === 'string' && SHA256_HEX.test(s));
}

export function isNamedFile(db: Database, sha256: string): boolean {
  return (
    prepared<[string], { n: number }>(db, `SELECT COUNT(*) AS n FROM (${NAMED_FILES}) WHERE sha = ?`).get(
      sha256,
    )!.n > 0
  );
}
