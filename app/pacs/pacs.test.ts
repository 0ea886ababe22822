// Screening through a PACS, against a real Orthanc (Debian's, with its DICOMweb plugin) on loopback: pull → grade
// → review → push, read back from Orthanc; faults end in sentences and retries; two workers never grade one study.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import dcmjs from 'dcmjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxItem, PacsServer, PatientDetail, PullResult } from '../../contract/index.ts';
import { dicomFile, TRANSFER_SYNTAX } from '../../model/testing/dicom-files.ts';
import { SHARED_DATA } from '../../model/testing/test-images.ts';
import type { Dispatch } from '../api/dispatch.ts';
import { importDicom } from '../services/import-dicom.ts';
import { projectRoot } from '../services/paths.ts';
import { staffDispatch, tempDir, testContext, value } from '../test-helpers.ts';
import { DicomWebClient, serverFromUrl } from './dicomweb-client.ts';
import { gradePass, type StudyOutcome } from './grade-worker.ts';
import { buildMultipart, parseMultipart } from './multipart.ts';
import { OrthancClaims } from './orthanc-claims.ts';
import { retryDelayMs, sendDue } from './pacs-outbox.ts';
import { SOP } from './result-documents.ts';
import { orthancInstalled, startOrthanc, type TestOrthanc } from './testing/orthanc-server.ts';

const { DicomMessage, DicomMetaDictionary } = dcmjs.data;
const photo = (name: string) =>
  new Uint8Array(readFileSync(path.join(SHARED_DATA, 'eyepacs-1024-dev', 'images', name)));

function naturalize(bytes: Uint8Array): Record<string, unknown> {
  const dict = DicomMessage.readFile(new Uint8Array(bytes).buffer);
  return DicomMetaDictionary.naturalizeDataset(dict.dict) as Record<string, unknown>;
}

/** A study of both eyes of one patient, as a fundus camera sends it. */
async function studyOf(patientId: string, name: string, left: string, right: string, date = '20261201') {
  const tags = {
    PatientID: patientId,
    PatientName: name,
    StudyDate: date,
    StudyInstanceUID: DicomMetaDictionary.uid(),
  };
  return [
    await dicomFile(photo(left), 640, {
      transferSyntax: TRANSFER_SYNTAX.jpegBaseline,
      tags: { ...tags, ImageLaterality: 'L' },
    }),
    await dicomFile(photo(right), 640, {
      transferSyntax: TRANSFER_SYNTAX.jpegBaseline,
      tags: { ...tags, ImageLaterality: 'R' },
    }),
  ];
}

/** A clinician reviews every photograph of the patient's visit (this grade, M0) and signs the visit off. */
async function reviewAndSignOff(dispatch: Dispatch, patientId: number, visitId: number, grade: number) {
  const detail = await value<PatientDetail>(dispatch('patients:get', { id: patientId }));
  for (const image of detail.visits.find((v) => v.id === visitId)!.images)
    await value(
      dispatch('reviews:submit', {
        resultId: image.result!.id,
        grade: image.result!.quality.gradable ? grade : null,
        reason: 'Reviewed for the PACS test.',
        maculopathy: image.result!.quality.gradable ? false : null,
        seenReviewId: null,
      }),
    );
  await value(dispatch('visits:signOff', { visitId }));
}

describe('multipart/related', () => {
  it('reads back the parts it writes, binary bytes and boundaries-like text included', () => {
    const parts = [
      new Uint8Array([0, 13, 10, 45, 45, 255]),
      new TextEncoder().encode('--not-the-boundary\r\n'),
    ];
    const { body, contentType } = buildMultipart(parts, 'application/dicom', 'b0undary');
    expect(contentType).toContain('boundary=b0undary');
    expect(parseMultipart(body, 'b0undary')).toEqual(parts);
  });

  it('takes credentials out of a --pacs URL', () => {
    expect(serverFromUrl('http://u%40x:p%3Aw@pacs:8042/dicom-web/')).toEqual({
      url: 'http://pacs:8042/dicom-web',
      username: 'u@x',
      password: 'p:w',
    });
    expect(() => serverFromUrl('ftp://pacs')).toThrow(/http:\/\/ or https:\/\//);
  });

  it('backs off from 30 s, doubling, to an hour at most', () => {
    expect([1, 2, 3, 10, 30].map(retryDelayMs)).toEqual([30_000, 60_000, 120_000, 3_600_000, 3_600_000]);
  });
});

describe.skipIf(!orthancInstalled)('a PACS (Orthanc, DICOMweb)', () => {
  let orthanc: TestOrthanc;
  beforeAll(async () => {
    orthanc = await startOrthanc();
  }, 30_000);
  afterAll(async () => {
    await orthanc?.stop();
  });

  it('pull → grade → review → push: the SR and PDF read back from Orthanc; nothing is imported twice', async () => {
    const { dir, remove } = tempDir();
    const ctx = testContext(dir);
    try {
      const dispatch = staffDispatch(ctx);
      const [left, right] = await studyOf('PACS-1', 'Roe^Ann', '177_left.jpeg', '177_right.jpeg');
      // An OCT volume in a study of its own: refused with a reason, never graded.
      const oct = await dicomFile(photo('177_left.jpeg'), 128, {
        grey: true,
        frames: 3,
        tags: {
          PatientID: 'PACS-1',
          SOPClassUID: '1.2.840.10008.5.1.4.1.1.77.1.5.4',
          StudyDate: '20261202',
          StudyInstanceUID: DicomMetaDictionary.uid(),
          ImageLaterality: 'L',
        },
      });
      // A photograph whose frame is shorter than its header says (cut short before it was stored): refused with a
      // reason, nothing stored.
      const broken = await dicomFile(photo('177_right.jpeg'), 256, {
        tags: {
          PatientID: 'PACS-1',
          StudyDate: '20261203',
          StudyInstanceUID: DicomMetaDictionary.uid(),
          ImageLaterality: 'R',
          Rows: 2000,
        },
      });
      await orthanc.upload([left!, right!, oct, broken]);

      const server = await value<PacsServer>(
        dispatch('pacs:saveServer', {
          name: 'Orthanc',
          url: orthanc.dicomWeb,
          username: orthanc.username,
          password: orthanc.password,
        }),
      );
      // The password is sealed, never in a plain column, and never comes back.
      const row = ctx.db.prepare('SELECT * FROM pacs_servers').get() as Record<string, unknown>;
      expect(JSON.stringify(row)).not.toContain(orthanc.password);
      expect(server).toMatchObject({ hasPassword: true });
      expect(JSON.stringify(server)).not.toContain(orthanc.password);

      const pulled = await value<PullResult>(
        dispatch('pacs:pull', { serverId: server.id, since: '2026-11-01' }),
      );
      expect(pulled.listed).toBe(3);
      const imported = pulled.studies.find((s) => s.state === 'imported')!;
      expect(imported.message).toMatch(/^2 photographs imported/);
      const refused = pulled.studies.filter((s) => s.state === 'refused').map((s) => s.message);
      expect(refused).toEqual([
        expect.stringMatching(/OCT volume/),
        expect.stringMatching(/^Nothing to grade: instance 1: /),
      ]);

      const again = await value<PullResult>(
        dispatch('pacs:pull', { serverId: server.id, since: '2026-11-01' }),
      );
      expect(again).toMatchObject({ listed: 3, alreadyPulled: 3, studies: [] });
      expect((ctx.db.prepare('SELECT COUNT(*) AS n FROM images').get() as { n: number }).n).toBe(2);

      // Not signed off: refused with a sentence.
      const visitId = imported.visitId!;
      expect(await dispatch('pacs:push', { serverId: server.id, visitId })).toMatchObject({
        ok: false,
        error: { message: expect.stringMatching(/sign the visit off first/) },
      });
      const patient = (
        ctx.db.prepare("SELECT id FROM patients WHERE clinic_id = 'PACS-1'").get() as { id: number }
      ).id;
      await reviewAndSignOff(dispatch, patient, visitId, 2);
      const sent = await value<OutboxItem>(dispatch('pacs:push', { serverId: server.id, visitId }));
      expect(sent).toMatchObject({ state: 'sent', attempts: 1, lastError: null });

      // Read back through DICOMweb: the photographs' study now holds a verified SR and the PDF.
      const client = new DicomWebClient({
        url: orthanc.dicomWeb,
        username: orthanc.username,
        password: orthanc.password,
      });
      const instances = (
        await client.retrieveStudy(left ? (naturalize(left).StudyInstanceUID as string) : '')
      ).map(naturalize);
      const sr = instances.find((i) => i.SOPClassUID === SOP.basicTextSr)!;
      expect(sr).toMatchObject({
        VerificationFlag: 'VERIFIED',
        CompletionFlag: 'COMPLETE',
        PatientID: 'PACS-1',
      });
      const lines = (sr.ContentSequence as { TextValue: string }[]).map((c) => c.TextValue);
      expect(lines.join('\n')).toMatch(/Right eye \(OD\): .*\[clinician\]/);
      expect(lines.join('\n')).toMatch(/screening aid, not a diagnosis/);
      const pdf = instances.find((i) => i.SOPClassUID === SOP.encapsulatedPdf)!;
      expect(pdf.MIMETypeOfEncapsulatedDocument).toBe('application/pdf');
      const document = pdf.EncapsulatedDocument as ArrayBuffer | ArrayBuffer[];
      const pdfBytes = Buffer.from(Array.isArray(document) ? document[0]! : document);
      expect(pdfBytes.subarray(0, 5).toString()).toBe('%PDF-');

      // Pushed twice: one item, and still one SR in the study (same UIDs).
      await value(dispatch('pacs:push', { serverId: server.id, visitId }));
      const after = (await client.retrieveStudy(naturalize(left!).StudyInstanceUID as string)).map(
        naturalize,
      );
      expect(after.filter((i) => i.SOPClassUID === SOP.basicTextSr)).toHaveLength(1);
      expect(await value<OutboxItem[]>(dispatch('pacs:outbox', {}))).toHaveLength(1);
    } finally {
      await ctx.close();
      remove();
    }
  }, 120_000);

  it('a PACS that is down, or refuses the password, ends in a sentence; the outbox retries with back-off', async () => {
    const { dir, remove } = tempDir();
    const ctx = testContext(dir);
    try {
      const dispatch = staffDispatch(ctx);
      const wrong = await value<PacsServer>(
        dispatch('pacs:saveServer', {
          name: 'Wrong password',
          url: orthanc.dicomWeb,
          username: orthanc.username,
          password: 'nope',
        }),
      );
      expect(await dispatch('pacs:pull', { serverId: wrong.id })).toMatchObject({
        ok: false,
        error: {
          code: 'REMOTE_UNAVAILABLE',
          message: expect.stringMatching(/refused the user “eyenet”: check the user name and password/),
        },
      });
      const down = await value<PacsServer>(
        dispatch('pacs:saveServer', {
          name: 'Down',
          url: 'http://127.0.0.1:9/dicom-web',
          username: 'x',
          password: 'y',
        }),
      );
      expect(await dispatch('pacs:pull', { serverId: down.id })).toMatchObject({
        ok: false,
        error: {
          message: expect.stringMatching(/^Cannot reach the PACS at http:\/\/127\.0\.0\.1:9\/dicom-web/),
        },
      });
      // A server that takes the connection and never answers.
      const silent = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      try {
        const port = (silent.address() as AddressInfo).port;
        const slow = new DicomWebClient(
          { url: `http://127.0.0.1:${port}/dicom-web`, username: null, password: null },
          { timeoutMs: 1500 },
        );
        await expect(slow.searchStudies(null)).rejects.toThrow(
          /did not answer within 2 s\. Try again later\./,
        );
      } finally {
        silent.close();
      }

      // A signed visit queued for the server that is down: pending, with the reason and the next try.
      const [l, r] = await studyOf('PACS-2', 'Poe^Ed', '177_left.jpeg', '177_right.jpeg');
      const out = await importDicom(ctx, { fileName: 'l.dcm', bytes: l!, registerPatient: true });
      await importDicom(ctx, { fileName: 'r.dcm', bytes: r!, registerPatient: true });
      await reviewAndSignOff(dispatch, out.patient.id, out.visitId, 0);
      const pending = await value<OutboxItem>(
        dispatch('pacs:push', { serverId: down.id, visitId: out.visitId }),
      );
      expect(pending).toMatchObject({
        state: 'pending',
        attempts: 1,
        lastError: expect.stringMatching(/Cannot reach/),
      });
      expect(Date.parse(pending.nextAttemptAt)).toBeGreaterThan(Date.now() + 20_000);
      // Not due yet: nothing is tried. The server comes back (its address corrected): the next due try sends it.
      expect(await sendDue(ctx)).toBe(0);
      // With a FHIR endpoint of its own (another server): the bundle goes there too, without the PACS's password.
      const received: { auth: string | undefined; body: string }[] = [];
      const fhir = createHttpServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          received.push({ auth: req.headers.authorization, body });
          res.writeHead(201, { 'content-type': 'application/fhir+json' }).end('{}');
        });
      });
      await new Promise<void>((resolve) => fhir.listen(0, '127.0.0.1', resolve));
      try {
        await value(
          dispatch('pacs:saveServer', {
            id: down.id,
            name: 'Down',
            url: orthanc.dicomWeb,
            username: orthanc.username,
            password: orthanc.password,
            fhirUrl: `http://127.0.0.1:${(fhir.address() as AddressInfo).port}/fhir/Bundle`,
          }),
        );
        expect(await sendDue(ctx, new Date(Date.now() + 31_000))).toBe(1);
      } finally {
        fhir.close();
      }
      expect((await value<OutboxItem[]>(dispatch('pacs:outbox', {})))[0]).toMatchObject({
        state: 'sent',
        attempts: 2,
      });
      expect(received).toHaveLength(1);
      expect(received[0]!.auth).toBeUndefined();
      const bundle = JSON.parse(received[0]!.body) as {
        resourceType: string;
        entry: { resource: { resourceType: string } }[];
      };
      expect(bundle.resourceType).toBe('Bundle');
      expect(bundle.entry.map((e) => e.resource.resourceType)).toContain('DiagnosticReport');
    } finally {
      await ctx.close();
      remove();
    }
  }, 120_000);

  it('two workers on one Orthanc grade each study once; an expired claim is taken over', async () => {
    const uids: string[] = [];
    for (const [i, pair] of [
      ['177_left.jpeg', '177_right.jpeg'],
      ['177_right.jpeg', '177_left.jpeg'],
      ['177_left.jpeg', '177_left.jpeg'],
    ].entries()) {
      const files = await studyOf(`W-${i}`, `Worker^Test${i}`, pair[0]!, pair[1]!, '20261203');
      uids.push(naturalize(files[0]!).StudyInstanceUID as string);
      await orthanc.upload(files);
    }
    const dirs = [tempDir(), tempDir()];
    const contexts = dirs.map((d) => testContext(d.dir));
    try {
      const workers = contexts.map((ctx, i) => {
        const client = new DicomWebClient(serverFromUrl(orthanc.dicomWebWithCredentials));
        return {
          ctx,
          client,
          claims: new OrthancClaims(client, `worker-${i}`, 60_000),
          since: '2026-12-03',
          log: () => undefined,
        };
      });
      await workers[0]!.claims.checkServer();
      const [a, b] = await Promise.all(workers.map((w) => gradePass(w)));
      const done = (o: StudyOutcome[]) => o.filter((x) => x.state === 'done').map((x) => x.studyInstanceUid);
      expect([...done(a!), ...done(b!)].sort()).toEqual([...uids].sort());
      expect(done(a!).filter((uid) => done(b!).includes(uid))).toEqual([]);
      for (const uid of uids) expect(await workers[0]!.claims.stateOf(uid)).toMatchObject({ state: 'done' });
      // A second pass finds nothing to do.
      expect(await gradePass(workers[1]!)).toEqual([]);
      // The preliminary SR went into each study, UNVERIFIED.
      const study = (await workers[0]!.client.retrieveStudy(uids[0]!)).map(naturalize);
      expect(study.find((i) => i.SOPClassUID === SOP.basicTextSr)).toMatchObject({
        VerificationFlag: 'UNVERIFIED',
      });

      // A worker that died mid-study: its claim expires and another takes the study over; the dead one's late
      // finish is refused by Orthanc's revision check.
      const [dead] = await studyOf('W-dead', 'Dead^Worker', '177_left.jpeg', '177_right.jpeg', '20261204');
      await orthanc.upload([dead!]);
      const deadUid = naturalize(dead!).StudyInstanceUID as string;
      const shortLived = new OrthancClaims(workers[0]!.client, 'dying', 1);
      const held = await shortLived.claim(deadUid);
      expect(held).not.toBeNull();
      expect(await workers[1]!.claims.claim(deadUid, new Date(Date.now() - 60_000))).toBeNull(); // not yet expired then
      const taken = await workers[1]!.claims.claim(deadUid);
      expect(taken).not.toBeNull();
      expect(await shortLived.finish(held!, 'done', 'too late')).toBe(false);
    } finally {
      for (const ctx of contexts) await ctx.close();
      for (const d of dirs) d.remove();
    }
  }, 180_000);

  it('npm run grade -- --pacs: one pass grades the new study and exits 0; a wrong password ends in a sentence', async () => {
    const [l, r] = await studyOf('CLI-1', 'Cli^Test', '177_left.jpeg', '177_right.jpeg', '20261205');
    await orthanc.upload([l!, r!]);
    const run = (url: string) =>
      spawnSync(
        process.execPath,
        ['--import', 'tsx', 'app/grade-cli.ts', '--pacs', url, '--since', '2026-12-05', '--worker', 'cli'],
        {
          cwd: projectRoot(),
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
    const wrong = run(orthanc.dicomWebWithCredentials.replace(orthanc.password, 'wrong'));
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/refused the user “eyenet”: check the user name and password/);
    expect(wrong.stderr).not.toContain('wrong');
    const once = run(orthanc.dicomWebWithCredentials);
    expect(once.status).toBe(0);
    expect(once.stdout).toMatch(
      /cli: .* \(CLI-1\): done: 2 photographs graded; preliminary SR and PDF stored/,
    );
    const client = new DicomWebClient(serverFromUrl(orthanc.dicomWebWithCredentials));
    expect(
      await new OrthancClaims(client, 'x', 1).stateOf(naturalize(l!).StudyInstanceUID as string),
    ).toMatchObject({ state: 'done', worker: 'cli' });
  }, 180_000);

  it('refuses an Orthanc without CheckRevisions, where two claims could both succeed', async () => {
    const loose = await startOrthanc({ checkRevisions: false });
    try {
      const client = new DicomWebClient(serverFromUrl(loose.dicomWebWithCredentials));
      await expect(new OrthancClaims(client, 'w', 1000).checkServer()).rejects.toThrow(/CheckRevisions/);
    } finally {
      await loose.stop();
    }
  }, 30_000);
});
