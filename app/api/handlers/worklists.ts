import { recordVersion } from '../../db/record-version.ts';
import { z } from 'zod';
import type { WorklistEntry } from '../../../contract/index.ts';
import { dueDate } from '../../../contract/referral-text.ts';
import { listPatients } from '../../db/patients-repo.ts';
import { visitOutcomesOf, type VisitWithOutcome } from '../../services/patient-record.ts';
import { nextStep } from '../../services/referral.ts';
import { reviewQueue } from '../../services/review-queue.ts';
import { referralClosed, referralEventsOf, trackingOf } from '../../services/referral-tracking.ts';
import { STAFF, type HandlerGroup } from '../handler.ts';
import { isoDate, localToday } from '../schemas.ts';

const DAY_MS = 86_400_000;

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export const worklistHandlers: HandlerGroup<'worklists'> = {
  'worklists:get': {
    roles: STAFF,
    audit: 'none',
    contract:
      "Reads the clinic's worklists (visits, unreviewed, open referrals, overdue recalls) for a date range and search; changes nothing.",
    input: z
      .object({ from: isoDate.optional(), to: isoDate.optional(), query: z.string().max(200).optional() })
      .strict()
      .refine((f) => !f.from || !f.to || f.from <= f.to, {
        message: 'The “from” date is after the “to” date.',
      }),
    run(ctx, input) {
      const today = localToday();
      // Read in the same synchronous turn as the lists: a page that polls app:changes reloads when it moves.
      const version = recordVersion(ctx.db);
      // Visits default to today's; the other lists to every date, unless a range is given.
      const inRange = (date: string, fallback: boolean) =>
        input.from || input.to
          ? (!input.from || date >= input.from) && (!input.to || date <= input.to)
          : fallback;
      const patients = listPatients(ctx.db, input.query);
      const details = visitOutcomesOf(
        ctx.db,
        patients.map((p) => p.id),
      );
      const events = referralEventsOf(
        ctx.db,
        [...details.values()].flat().map((v) => v.id),
      );
      const entry = (
        patient: (typeof patients)[number],
        visit: VisitWithOutcome,
        step = { rule: visit.outcome.rule, final: visit.outcome.final },
      ): WorklistEntry => {
        const due = dueDate(visit.date, step.rule);
        const referral = step.rule.action === 'refer' || step.rule.action === 'refer_urgent';
        return {
          patient: { id: patient.id, clinicId: patient.clinicId, name: patient.name },
          visitId: visit.id,
          visitDate: visit.date,
          photos: visit.photos,
          rule: step.rule,
          dueDate: due,
          final: step.final,
          daysOverdue: due && due < today ? daysBetween(due, today) : 0,
          tracking: referral ? trackingOf(events.get(visit.id) ?? [], visit.date, step.rule, today) : null,
        };
      };
      const visits: WorklistEntry[] = [];
      const referrals: WorklistEntry[] = [];
      const overdue: WorklistEntry[] = [];
      for (const patient of patients) {
        const own = details.get(patient.id) ?? [];
        for (const visit of own)
          if (inRange(visit.date, visit.date === today)) visits.push(entry(patient, visit));
        const step = nextStep(own);
        const from = step && own.find((v) => v.id === step.visitId);
        if (!step || !from || !inRange(from.date, true)) continue;
        const item = entry(patient, from, step);
        // A referral whose outcome the eye service has sent back is closed: it leaves the open list.
        if (step.rule.action === 'refer' || step.rule.action === 'refer_urgent') {
          if (!item.tracking || !referralClosed(item.tracking)) referrals.push(item);
        } else if (step.rule.action === 'rescreen' && item.daysOverdue > 0) overdue.push(item);
      }
      const ids = new Set(patients.map((p) => p.id));
      const unreviewed = reviewQueue(ctx.db).filter(
        (item) => ids.has(item.patient.id) && inRange(item.visitDate, true),
      );
      const urgentFirst = (a: WorklistEntry, b: WorklistEntry) =>
        Number(b.rule.action === 'refer_urgent') - Number(a.rule.action === 'refer_urgent') ||
        a.visitDate.localeCompare(b.visitDate);
      return {
        version,
        today,
        visits: visits.sort(
          (a, b) => b.visitDate.localeCompare(a.visitDate) || a.patient.name.localeCompare(b.patient.name),
        ),
        unreviewed,
        referrals: referrals.sort(urgentFirst),
        overdue: overdue.sort((a, b) => b.daysOverdue - a.daysOverdue),
      };
    },
  },
};
