// Pulling new fundus studies from a PACS into the record: listed by QIDO-RS, retrieved by WADO-RS, imported
// through the same DICOM import as files (patient by Patient ID, registered when new; eye by laterality). A study
// is recorded once pulled and never imported again; one that could not be retrieved is tried again next time.
import type { PulledStudy, PullResult } from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import type { AppContext } from '../services/app-context-type.ts';
import { importDicom } from '../services/import-dicom.ts';
import { notAPhotograph } from './fundus-instance.ts';
import { pacsClient } from './pacs-servers.ts';

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

function alreadyPulled(ctx: AppContext, serverId: number, uid: string): boolean {
  return !!ctx.db
    .prepare('SELECT 1 FROM pacs_studies WHERE server_id = ? AND study_uid = ?')
    .get(serverId, uid);
}

export async function pullStudies(
  ctx: AppContext,
  serverId: number,
  since: string | null,
  operator: string,
): Promise<PullResult> {
  const client = pacsClient(ctx, serverId);
  const listed = await client.searchStudies(since);
  const studies: PulledStudy[] = [];
  let skipped = 0;
  for (const study of listed) {
    if (alreadyPulled(ctx, serverId, study.studyInstanceUid)) {
      skipped++;
      continue;
    }
    const base = {
      studyInstanceUid: study.studyInstanceUid,
      patientId: study.patientId,
      studyDate: study.studyDate,
    };
    let files: Uint8Array[];
    try {
      files = await client.retrieveStudy(study.studyInstanceUid);
    } catch (error) {
      // Not recorded: the next pull tries it again.
      studies.push({
        ...base,
        state: 'failed',
        message: message(error),
        visitId: null,
        patientRecordId: null,
      });
      continue;
    }
    let imported = 0;
    let duplicates = 0;
    let visitId: number | null = null;
    let patientRecordId: number | null = null;
    const refused: string[] = [];
    for (const [index, bytes] of files.entries()) {
      const fileName = `PACS study ${study.studyInstanceUid}, instance ${index + 1}`;
      const problem = notAPhotograph(bytes);
      if (problem) {
        refused.push(`instance ${index + 1}: ${problem}`);
        continue;
      }
      try {
        const out = await importDicom(ctx, { fileName, bytes, registerPatient: true, operator });
        visitId ??= out.visitId;
        patientRecordId ??= out.patient.id;
        for (const image of out.images)
          if (image.duplicate) duplicates++;
          else imported++;
      } catch (error) {
        if (
          error instanceof AppError &&
          (error.code === 'MODEL_UNAVAILABLE' || error.code === 'STORAGE_FULL')
        )
          throw error; // the workstation's fault, not the study's: stop, and pull it again later
        refused.push(`instance ${index + 1}: ${message(error)}`);
      }
    }
    const state = imported + duplicates > 0 ? 'imported' : 'refused';
    const text =
      state === 'imported'
        ? `${imported} photograph${imported === 1 ? '' : 's'} imported${duplicates ? `, ${duplicates} already here` : ''}` +
          `${refused.length ? `; left out ${refused.join('; ')}` : ''}.`
        : files.length === 0
          ? 'The study has no instances.'
          : `Nothing to grade: ${refused.join('; ')}`;
    ctx.db
      .prepare(
        'INSERT INTO pacs_studies (server_id, study_uid, pulled_at, state, note, visit_id) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(serverId, study.studyInstanceUid, new Date().toISOString(), state, text, visitId);
    studies.push({ ...base, state, message: text, visitId, patientRecordId });
  }
  return { listed: listed.length, alreadyPulled: skipped, studies };
}
