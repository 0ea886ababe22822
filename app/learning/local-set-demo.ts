// `npm run learning:demo -- [--data-dir DIR] [--set DIR]`: a clinic's confirmed photographs, acted out through
// the app's own API on a fresh data folder: register each patient of a labelled set (srahim-dev by default:
// another country's clinic and camera, graded by ophthalmologists), import both eyes, confirm each grade as the
// clinician who graded it would (the set's label; an override says so), then fine-tune the grading model on the
// validated set in the background job and print base against candidate on the held-out patients, with the gate.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { FineTuneJob, ImportImageOutput, ModelsOverview, Patient } from '../../contract/index.ts';
import { readKaggleLabels } from '../../training/data/dataset.ts';
import { createDispatch } from '../api/dispatch.ts';
import { handlers } from '../api/handlers/index.ts';
import { createAppContext } from '../services/app-context.ts';
import { activeModelDir, sharedDataDir } from '../../model/index.ts';
import { value } from '../test-helpers.ts';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: path.resolve('training-output', 'local-set-demo') },
    set: { type: 'string', default: path.join(sharedDataDir(), 'srahim-dev') },
    date: { type: 'string', default: '2026-11-30' },
  },
});
const dataDir = path.resolve(values['data-dir']);
if (existsSync(path.join(dataDir, 'eyenet.sqlite'))) {
  console.error(`${dataDir} already holds a record: give a new --data-dir.`);
  process.exit(2);
}
const set = path.resolve(values.set);
const { images } = readKaggleLabels(path.join(set, 'trainLabels.csv'), path.join(set, 'images'));
const ctx = createAppContext({ dataDir, modelDir: activeModelDir(), appVersion: 'demo' });
const dispatch = createDispatch(handlers, ctx);
// The clinic's accounts, as its first start and its administrator make them; the clinician confirms the grades.
const password = randomBytes(18).toString('base64url');
const admin = { clientId: 'demo:administrator' };
const clinician = { clientId: 'demo:clinician' };
await value(
  dispatch('auth:setup', { username: 'admin', displayName: 'Demo Administrator', password }, admin),
);
await value(
  dispatch(
    'users:create',
    { username: 'srahim', displayName: 'Ophthalmologist (srahim-dev label)', role: 'clinician', password },
    admin,
  ),
);
await value(dispatch('auth:login', { username: 'srahim', password }, clinician));
const call = <T>(channel: Parameters<typeof dispatch>[0], input: unknown) =>
  value<T>(dispatch(channel, input, clinician));

const t0 = performance.now();
const patients = new Map<string, Patient>();
for (const [i, image] of images.entries()) {
  let patient = patients.get(image.patient);
  if (!patient) {
    patient = await call<Patient>('patients:create', {
      clinicId: image.patient,
      name: `Patient ${image.patient}`,
    });
    patients.set(image.patient, patient);
  }
  const out = await call<ImportImageOutput>('images:import', {
    visit: { patientId: patient.id, date: values.date },
    fileName: path.basename(image.file),
    bytes: new Uint8Array(readFileSync(image.file)),
  });
  const result = out.image.result!;
  await call('reviews:submit', {
    resultId: result.id,
    grade: image.level,
    seenReviewId: null,
    ...(result.grade === image.level ? {} : { reason: 'The grading ophthalmologist’s grade.' }),
  });
  if ((i + 1) % 25 === 0 || i + 1 === images.length)
    console.error(`imported and confirmed ${i + 1}/${images.length}`);
}
const importSeconds = (performance.now() - t0) / 1000;
const status = await call<{ set: unknown; gaps: unknown[] }>('learning:status', {});
console.log(JSON.stringify({ validatedSet: status.set, gaps: status.gaps }));

const t1 = performance.now();
await call<FineTuneJob>('learning:fineTune', {});
await ctx.jobs!.idle();
const job = await call<FineTuneJob>('learning:job', {});
const fineTuneSeconds = (performance.now() - t1) / 1000;
const models = await call<ModelsOverview>('learning:models', {});
const candidate = models.versions.find((v) => v.id === job.candidateId);
console.log(
  JSON.stringify(
    {
      importSeconds,
      fineTuneSeconds,
      job,
      candidate: candidate && {
        version: candidate.version,
        ...candidate.localValidation,
        verdict: candidate.verdict,
      },
    },
    null,
    2,
  ),
);
await ctx.close();
