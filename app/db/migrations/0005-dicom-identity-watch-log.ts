import type { Migration } from './migration.ts';

// Shipped: never edit, add the next migration instead.
export const migration0005: Migration = {
  version: 5,
  name: 'DICOM identity of photographs, the watch-folder log',
  up(db) {
    db.exec(`
      -- A photograph imported from DICOM keeps its UIDs (a re-import is recognised by its SOP Instance UID, and
      -- exports name it as the camera did) and the stored DICOM file itself, beside the decoded picture.
      ALTER TABLE images ADD COLUMN dicom_sop_instance_uid TEXT;
      ALTER TABLE images ADD COLUMN dicom_sop_class_uid TEXT;
      ALTER TABLE images ADD COLUMN dicom_series_uid TEXT;
      ALTER TABLE images ADD COLUMN dicom_study_uid TEXT;
      ALTER TABLE images ADD COLUMN dicom_frame INTEGER;
      ALTER TABLE images ADD COLUMN dicom_sha256 TEXT;
      CREATE INDEX images_dicom_sop ON images (dicom_sop_instance_uid, dicom_frame)
        WHERE dicom_sop_instance_uid IS NOT NULL;

      -- Every file the watch folder saw, by content: nothing is imported twice, across restarts.
      CREATE TABLE watch_files (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        path TEXT NOT NULL,
        size INTEGER NOT NULL,
        -- imported | unmatched | failed | duplicate | assigned | dismissed
        status TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT '',
        image_ids TEXT NOT NULL DEFAULT '[]',
        -- For an unmatched DICOM file of an unregistered patient: { clinicId, name } from its header (JSON).
        registrable TEXT,
        seen_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX watch_files_status ON watch_files (status);
    `);
  },
};
