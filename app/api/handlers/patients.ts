import { z } from 'zod';
import { createPatient, getPatient, listPatients, updatePatient } from '../../db/patients-repo.ts';
import { listImagesForVisits } from '../../db/images-repo.ts';
import { latestVisits, listVisits } from '../../db/visits-repo.ts';
import { referralPolicyInForce, visitOutcome } from '../../services/referral.ts';
import type { HandlerGroup } from '../handler.ts';
import { id, isoDate } from '../schemas.ts';

const patientFields = {
  clinicId: z
    .string()
    .trim()
    .min(1, 'Clinic ID is required.')
    .max(64, 'Clinic ID is at most 64 characters.')
    .regex(/^[\p{L}\p{N}._-]+$/u, 'Clinic ID may use letters, digits, dot, dash and underscore only.'),
  name: z.string().trim().min(1, 'Name is required.').max(200, 'Name is at most 200 characters.'),
  dateOfBirth: isoDate.nullable().optional(),
  sex: z.enum(['female', 'male', 'other']).nullable().optional(),
  diabetesType: z.enum(['type1', 'type2', 'gestational', 'other', 'unknown']).nullable().optional(),
  diagnosisYear: z
    .number()
    .int()
    .min(1900, 'Year of diagnosis looks wrong.')
    .max(new Date().getFullYear() + 1, 'Year of diagnosis is in the future.')
    .nullable()
    .optional(),
  notes: z.string().max(4000, 'Notes are at most 4000 characters.').optional(),
};

const newPatient = z.object(patientFields).strict();

export const patientHandlers: HandlerGroup<'patients'> = {
  'patients:list': {
    contract:
      'Reads the patients matching a search, each with the outcome of their latest visit; changes nothing.',
    input: z.object({ query: z.string().max(200).optional() }).strict(),
    run(ctx, input) {
      const policy = referralPolicyInForce(ctx.db);
      // A fixed number of queries however long the list: patients, their latest visits, those visits' images.
      const patients = listPatients(ctx.db, input.query);
      const last = latestVisits(
        ctx.db,
        patients.map((p) => p.id),
      );
      const images = listImagesForVisits(
        ctx.db,
        [...last.values()].map((v) => v.id),
      );
      return patients.map((patient) => {
        const visit = last.get(patient.id);
        if (!visit) return { ...patient, lastOutcome: null };
        const { rule, final } = visitOutcome(images.get(visit.id) ?? [], policy);
        return { ...patient, lastOutcome: { visitDate: visit.date, rule, final } };
      });
    },
  },
  'patients:create': {
    contract: 'Adds one patient from validated fields; refuses a duplicate clinic ID.',
    input: newPatient,
    run(ctx, input) {
      return createPatient(ctx.db, input);
    },
  },
  'patients:update': {
    contract: "Replaces one existing patient's fields; refuses another patient's clinic ID.",
    input: z.object({ id, ...patientFields }).strict(),
    run(ctx, input) {
      return updatePatient(ctx.db, input);
    },
  },
  'patients:get': {
    contract: "Reads one patient's record, visits, images and results; changes nothing.",
    input: z.object({ id }).strict(),
    run(ctx, input) {
      const patient = getPatient(ctx.db, input.id);
      const policy = referralPolicyInForce(ctx.db);
      const visits = listVisits(ctx.db, patient.id);
      const images = listImagesForVisits(
        ctx.db,
        visits.map((v) => v.id),
      );
      return {
        patient,
        visits: visits.map((visit) => {
          const own = images.get(visit.id) ?? [];
          return { ...visit, images: own, outcome: visitOutcome(own, policy) };
        }),
      };
    },
  },
};
