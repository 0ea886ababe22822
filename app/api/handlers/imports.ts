import { z } from 'zod';
import type { DicomImportInput } from '../../../contract/index.ts';
import { importDicom, planDicom } from '../../services/import-dicom.ts';
import { planImport } from '../../services/import-plan.ts';
import { RECORD_KEEPERS, type HandlerGroup } from '../handler.ts';
import { eye, id } from '../schemas.ts';
import { MAX_IMAGE_BYTES } from '../../../contract/index.ts';

/** A DICOM header is a few kilobytes; a megabyte covers any camera's private tags. */
export const MAX_DICOM_HEAD_BYTES = 1024 * 1024;

const fileName = z.string().trim().min(1).max(260);

/** A day's camera export is hundreds of files, not tens of thousands. */
export const MAX_BATCH_FILES = 5000;

export const importHandlers: HandlerGroup<'imports'> = {
  'imports:plan': {
    roles: RECORD_KEEPERS,
    audit: 'none',
    contract: 'Matches file names (never paths or contents) to patients and eyes; changes nothing.',
    input: z
      .object({
        fileNames: z
          .array(z.string().trim().min(1).max(260))
          .min(1, 'Choose at least one file.')
          .max(MAX_BATCH_FILES),
        target: z.discriminatedUnion('kind', [
          z
            .object({ kind: z.literal('pattern'), pattern: z.string().trim().min(1).max(200).optional() })
            .strict(),
          z.object({ kind: z.literal('patient'), patientId: id }).strict(),
        ]),
      })
      .strict(),
    run(ctx, input) {
      return planImport(ctx.db, input.fileNames, input.target);
    },
  },
  'imports:dicomPlan': {
    roles: RECORD_KEEPERS,
    audit: 'none',
    contract:
      "Reads DICOM headers from the files' first bytes (never a path) to plan an import; changes nothing.",
    input: z
      .object({
        files: z
          .array(
            z
              .object({
                fileName,
                head: z
                  .instanceof(Uint8Array, { message: 'head must be the first bytes of the file.' })
                  .refine(
                    (b) => b.byteLength <= MAX_DICOM_HEAD_BYTES,
                    'Send at most the first megabyte of each file.',
                  ),
              })
              .strict(),
          )
          .min(1, 'Choose at least one file.')
          .max(MAX_BATCH_FILES),
      })
      .strict(),
    run: (ctx, input) => planDicom(ctx.db, input.files),
  },
  'imports:dicom': {
    roles: RECORD_KEEPERS,
    audit: 'change',
    contract:
      "Stores the given DICOM bytes' frames as photographs of the header's patient (registered only when asked) and study date, or of a given visit; reads no path.",
    input: z
      .object({
        fileName,
        bytes: z
          .instanceof(Uint8Array, { message: 'bytes must be the file content.' })
          .refine((b) => b.byteLength > 0, 'The file is empty.')
          .refine(
            (b) => b.byteLength <= MAX_IMAGE_BYTES,
            `The file is larger than ${MAX_IMAGE_BYTES >> 20} MB.`,
          ),
        registerPatient: z.boolean().optional(),
        visitId: id.optional(),
        eye: eye.optional(),
        confirmEye: z.boolean().optional(),
        operator: z.string().trim().max(200).optional(),
      })
      .strict() as unknown as z.ZodType<DicomImportInput>,
    run: (ctx, input) => importDicom(ctx, input),
  },
};
