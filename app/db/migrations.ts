import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

// Numbered and append-only: never edit a migration that has shipped, add the next one.
export const MIGRATIONS: readonly Migration[] = [
  {
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
  },
  {
    version: 2,
    name: 'heatmaps, the operating point each result was judged at, site settings',
    up(db) {
      db.exec(`
        ALTER TABLE results ADD COLUMN heatmap_sha256 TEXT;
        ALTER TABLE results ADD COLUMN heatmap_ms REAL NOT NULL DEFAULT 0;
        ALTER TABLE results ADD COLUMN referable_threshold REAL;
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      `);
    },
  },
  {
    version: 3,
    name: 'patient diabetes history and notes, visit operator and camera, clinician reviews',
    up(db) {
      db.exec(`
        ALTER TABLE patients ADD COLUMN diabetes_type TEXT
          CHECK (diabetes_type IN ('type1', 'type2', 'gestational', 'other', 'unknown'));
        ALTER TABLE patients ADD COLUMN diagnosis_year INTEGER;
        ALTER TABLE patients ADD COLUMN notes TEXT NOT NULL DEFAULT '';
        ALTER TABLE patients ADD COLUMN updated_at TEXT;

        ALTER TABLE visits ADD COLUMN operator TEXT NOT NULL DEFAULT '';
        ALTER TABLE visits ADD COLUMN camera TEXT NOT NULL DEFAULT '';

        -- Append-only: a new review of the same result supersedes the last one, nothing is overwritten, so
        -- both the model's grade (in results) and every clinician decision stay on record.
        CREATE TABLE reviews (
          id INTEGER PRIMARY KEY,
          result_id INTEGER NOT NULL REFERENCES results (id) ON DELETE CASCADE,
          model_grade INTEGER CHECK (model_grade BETWEEN 0 AND 4),
          clinician_grade INTEGER CHECK (clinician_grade BETWEEN 0 AND 4),
          action TEXT NOT NULL CHECK (action IN ('accept', 'override')),
          reason TEXT NOT NULL DEFAULT '',
          reviewer TEXT NOT NULL,
          reviewed_at TEXT NOT NULL,
          CHECK (action = 'accept' OR length(reason) > 0)
        );
        CREATE INDEX reviews_result ON reviews (result_id);
      `);
    },
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
