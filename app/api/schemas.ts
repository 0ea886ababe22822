import { z } from 'zod';
import { localIsoDate } from '../../domain/dates.ts';

export const id = z.number().int().positive();
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-11-27.')
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    {
      message: 'Not a real calendar date.',
    },
  );

/** The clinic's date today. */
export const localToday = (): string => localIsoDate();

/** A date that has happened: a birth, a visit. Typing 2090 for 1990 is the mistake this catches. */
export const pastDate = isoDate.refine((s) => s <= localToday(), { message: 'The date is in the future.' });

export const birthDate = pastDate.refine((s) => s >= '1900-01-01', {
  message: 'The date of birth is before 1900.',
});

/** Why a correction was made: kept in the record of changes. */
export const reason = z
  .string()
  .trim()
  .min(1, 'Give a reason: it is kept with the record.')
  .max(1000, 'A reason is at most 1000 characters.');

export const eye = z.enum(['OD', 'OS']);
export const empty = z.object({}).strict();
