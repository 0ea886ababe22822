import { beforeEach, describe, expect, it } from 'vitest';
import type { Database } from './database.ts';
import { openMemoryDatabase } from './database.ts';
import { createPatient, listPatients } from './patients-repo.ts';
import { createVisit } from './visits-repo.ts';

let db: Database;
beforeEach(() => {
  db = openMemoryDatabase();
});

describe('patients', () => {
  it('creates patients and refuses a duplicate clinic ID, whatever its case', () => {
    createPatient(db, { clinicId: 'P-1', name: 'Ada' });
    expect(() => createPatient(db, { clinicId: 'p-1', name: 'Other' })).toThrowError(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
  });

  it('searches names and clinic IDs, treating % and _ as plain characters', () => {
    createPatient(db, { clinicId: 'P-1', name: 'Ada Lovelace' });
    createPatient(db, { clinicId: 'X_2', name: 'Grace Hopper' });
    expect(listPatients(db, 'love').map((p) => p.clinicId)).toEqual(['P-1']);
    expect(listPatients(db, 'x_').map((p) => p.clinicId)).toEqual(['X_2']);
    expect(listPatients(db, '%')).toEqual([]);
    expect(listPatients(db)).toHaveLength(2);
  });

  it('lists the most recently seen patients first', () => {
    const a = createPatient(db, { clinicId: 'A', name: 'A' });
    const b = createPatient(db, { clinicId: 'B', name: 'B' });
    createVisit(db, { patientId: a.id, date: '2026-01-01' });
    createVisit(db, { patientId: b.id, date: '2026-05-01' });
    expect(listPatients(db).map((p) => p.clinicId)).toEqual(['B', 'A']);
    expect(listPatients(db)[0]?.lastVisitDate).toBe('2026-05-01');
  });
});

describe('visits', () => {
  it('keeps one visit per patient and date', () => {
    const p = createPatient(db, { clinicId: 'A', name: 'A' });
    const first = createVisit(db, { patientId: p.id, date: '2026-11-27' });
    expect(createVisit(db, { patientId: p.id, date: '2026-11-27' }).id).toBe(first.id);
    expect(() => createVisit(db, { patientId: 999, date: '2026-11-27' })).toThrowError(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });
});
