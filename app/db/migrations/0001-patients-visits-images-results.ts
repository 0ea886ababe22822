import type { Migration } from './migration.ts';

// Shipped: never edit, add the next migration instead.
export const migration0001: Migration = {
  version: 1,
  name: 'patients, visits, images, results',
  up(db) {
    db.exec(`
      CREATE TABLE patients (
        id INTEGER PRIMARY KEY,
        clinic_id TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name TEXT NOT NULL,
        date_of_birth TEXT,
        sex TEXT CHECK (sex IN ('female', 'male', 'other')),
        created_at TEXT NOT NULL
      );
      CREATE INDEX patients_name ON patients (name COLLATE NOCASE);

      CREATE TABLE visits (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
        date TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (patient_id, date)
      );

      CREATE TABLE images (
        id INTEGER PRIMARY KEY,
        visit_id INTEGER NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
        eye TEXT NOT NULL CHECK (eye IN ('OD', 'OS')),
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        mime_type TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        thumbnail_sha256 TEXT,
        imported_at TEXT NOT NULL,
        UNIQUE (visit_id, eye, sha256)
      );
      CREATE INDEX images_visit ON images (visit_id);

      CREATE TABLE results (
        id INTEGER PRIMARY KEY,
        image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        model_name TEXT NOT NULL,
        model_version TEXT NOT NULL,
        model_validated INTEGER NOT NULL,
        preprocessing TEXT NOT NULL,
        backend TEXT NOT NULL,
        gradable INTEGER NOT NULL,
        quality_reasons TEXT NOT NULL,
        quality_metrics TEXT NOT NULL,
        grade INTEGER CHECK (grade BETWEEN 0 AND 4),
        p0 REAL, p1 REAL, p2 REAL, p3 REAL, p4 REAL,
        referable_probability REAL,
        preview_sha256 TEXT,
        decode_ms REAL NOT NULL,
        preprocess_ms REAL NOT NULL,
        inference_ms REAL NOT NULL,
        total_ms REAL NOT NULL,
        created_at TEXT NOT NULL,
        -- An ungradable image never carries a grade.
        CHECK (gradable = 1 OR (grade IS NULL AND referable_probability IS NULL AND p0 IS NULL))
      );
      CREATE INDEX results_image ON results (image_id);
    `);
  },
};
