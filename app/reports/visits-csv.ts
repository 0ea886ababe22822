import type { Patient, VisitDetail } from '../../contract/index.ts';
import { describeRule, dueDate, eyeFinding } from '../../contract/referral-text.ts';
import type { Eye } from '../../domain/eye.ts';
import { maculopathyShort } from '../../contract/maculopathy.ts';
import { qualityReasonTexts } from '../../domain/quality.ts';
import { decidingPhotograph } from './deciding-photograph.ts';

export const CSV_COLUMNS = [
  'clinic_id',
  'patient_name',
  'date_of_birth',
  'visit_id',
  'visit_date',
  'eye',
  'photographs',
  'file_name',
  'quality',
  'ungradable_reasons',
  'model_grade',
  'referable_probability',
  'operating_point',
  'clinician_grade',
  'reviewer',
  'reviewed_at',
  'eye_category',
  'maculopathy',
  'referral',
  'due_date',
  'final',
  'signed_off_by',
  'signed_off_at',
  'visual_acuity',
  'dilated',
  'hba1c',
  'model_version',
  'backend',
] as const;

type Row = Record<(typeof CSV_COLUMNS)[number], string | number | null>;

/**
 * A text cell a spreadsheet would run as a formula (=, +, -, @, and tab or carriage return, which some
 * spreadsheets strip first) is prefixed with an apostrophe, so it is shown as text: a patient named
 * "=HYPERLINK(…)" must never become a link.
 */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One CSV field: numbers as they are, text neutralised and quoted when it holds a comma, quote or line break. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = neutraliseFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function eyeRow(patient: Patient, visit: VisitDetail, eye: Eye): Row {
  const outcome = visit.outcome.eyes[eye];
  const images = visit.images.filter((i) => i.eye === eye);
  const image = decidingPhotograph(images, outcome.grade);
  const result = image?.result ?? null;
  const review = image?.review ?? null;
  return {
    clinic_id: patient.clinicId,
    patient_name: patient.name,
    date_of_birth: patient.dateOfBirth,
    visit_id: visit.id,
    visit_date: visit.date,
    eye,
    photographs: images.length,
    file_name: image?.fileName ?? null,
    quality: result ? (result.quality.gradable ? 'gradable' : 'ungradable') : null,
    ungradable_reasons: result ? qualityReasonTexts(result.quality).join('; ') : null,
    model_grade: result?.grade ?? null,
    referable_probability: result?.referableProbability ?? null,
    operating_point: result?.referableThreshold ?? null,
    clinician_grade: review ? (review.clinicianGrade ?? 'ungradable') : null,
    reviewer: review?.reviewer ?? null,
    reviewed_at: review?.reviewedAt ?? null,
    eye_category: eyeFinding(outcome),
    maculopathy: result?.quality.gradable
      ? maculopathyShort(result.maculopathy, review?.clinicianMaculopathy ?? null)
      : null,
    referral: describeRule(visit.outcome.rule),
    due_date: dueDate(visit.date, visit.outcome.rule),
    final: visit.outcome.final ? 'yes' : 'no',
    signed_off_by: visit.signOff?.current ? visit.signOff.by : null,
    signed_off_at: visit.signOff?.current ? visit.signOff.at : null,
    visual_acuity: (eye === 'OD' ? visit.visualAcuity.right : visit.visualAcuity.left) || null,
    dilated: visit.dilated === null ? null : visit.dilated ? 'yes' : 'no',
    hba1c: visit.hba1c ? `${visit.hba1c.value} ${visit.hba1c.unit}` : null,
    model_version: result ? `${result.model.name} ${result.model.version}` : null,
    backend: result?.backend ?? null,
  };
}

/**
 * Visits as CSV, one row per eye: UTF-8 with a byte-order mark (so spreadsheets read names as written), a
 * header, CRLF line ends (RFC 4180). The referral and due date are the visit's; the grades are the eye's
 * deciding photograph's.
 */
export function visitsCsv(visits: readonly { patient: Patient; visit: VisitDetail }[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const { patient, visit } of visits)
    for (const eye of ['OD', 'OS'] as const) {
      const row = eyeRow(patient, visit, eye);
      lines.push(CSV_COLUMNS.map((c) => csvField(row[c])).join(','));
    }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
