// Pulling new fundus studies from a PACS into the record: listed by QIDO-RS, retrieved by WADO-RS, imported
// through the same DICOM import as files (patient by Patient ID, registered when new; eye by laterality). A study
// is recorded once pulled and never imported again; one that could not be retrieved is tried again next time.
import type { PulledStudy, PullResult } from '../../contract/index.ts';
import { errorMessage } from '../../domain/errors.ts';
import type { AppContext } from '../services/app-context-type.ts';
import { importStudy, leftOut } from './import-study.ts';
import { pacsClient } from './pacs-servers.ts';

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
        message: errorMessage(error),
        visitId: null,
        patientRecordId: null,
      });
      continue;
    }
    const pulled = await importStudy(ctx, study.studyInstanceUid, files, operator);
    const { visitId, patientRecordId, imported, duplicates } = pulled;
    const state = pulled.nothingToGrade === null ? 'imported' : 'refused';
    const text =
      pulled.nothingToGrade ??
      `${imported} photograph${imported === 1 ? '' : 's'} imported${duplicates ? `, ${duplicates} already here` : ''}${leftOut(pulled)}.`;
    ctx.db
      .prepare(
        'INSERT INTO pacs_studies (server_id, study_uid, pulled_at, state, note, visit_id) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(serverId, study.studyInstanceUid, new Date().toISOString(), state, text, visitId);
    studies.push({ ...base, state, message: text, visitId, patientRecordId });
  }
  return { listed: listed.length, alreadyPulled: skipped, studies };
}
