import PDFDocument from 'pdfkit';
import type { DiabetesType, PaperSize, ReportKind, SignedInUser } from '../../contract/index.ts';
import { SCREENING_DISCLAIMER } from '../../contract/app.ts';
import { alsoNeededText, describeRule, eyeFinding, patientWords } from '../../contract/referral-text.ts';
import { localIsoDate } from '../../domain/dates.ts';
import { EYE_NAMES, type Eye } from '../../domain/eye.ts';
import { GRADE_NAMES } from '../../domain/grades.ts';
import { MACULOPATHY_SUSPICION, maculopathyResultText } from '../../contract/maculopathy.ts';
import { qualityReasonTexts } from '../../domain/quality.ts';
import { DEFAULT_REFERABLE_THRESHOLD, isReferable } from '../../domain/referable.ts';
import { REPORT_FONTS } from './pdf-fonts.ts';
import type { ReportModel, ReportPhotograph, VisitReport } from './visit-report.ts';

const MARGIN = 50;
/** Room kept at the foot of every page for the page number, the provisional mark and the disclaimer. */
const FOOTER = 46;
const PICTURE = 150;
const INK = '#111111';
const MUTED = '#555555';
const AMBER = '#fff3cd';
const AMBER_INK = '#7a4b00';

const eyeName = (eye: Eye) => EYE_NAMES[eye][0]!.toUpperCase() + EYE_NAMES[eye].slice(1);

const pct = (p: number) => `${(p * 100).toFixed(1)}%`;

const when = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${localIsoDate(d)} ${d.toTimeString().slice(0, 5)}`;
};

type Doc = PDFKit.PDFDocument;

const DIABETES_TYPES: Record<DiabetesType, string> = {
  type1: 'type 1',
  type2: 'type 2',
  gestational: 'gestational',
  other: 'another type',
  unknown: 'type not known',
};

class ReportWriter {
  readonly doc: Doc;

  constructor(
    private readonly report: VisitReport,
    private readonly kind: ReportKind,
    paper: PaperSize,
    /** The clinician who signs a referral letter. */
    private readonly signer: SignedInUser | null = null,
  ) {
    const { patient, visit } = report;
    this.doc = new PDFDocument({
      size: paper === 'Letter' ? 'LETTER' : 'A4',
      margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN + FOOTER },
      bufferPages: true,
      info: {
        Title: `${kind === 'referral' ? 'Referral letter' : 'DR screening report'}: ${patient.name}, ${visit.date}`,
        Author: report.clinic.name || 'EyeNet',
        Creator: 'EyeNet',
        CreationDate: report.generatedAt,
      },
    });
    this.doc.registerFont('regular', REPORT_FONTS.regular);
    this.doc.registerFont('bold', REPORT_FONTS.bold);
    this.doc.font('regular').fontSize(10).fillColor(INK);
  }

  private get width(): number {
    return this.doc.page.width - 2 * MARGIN;
  }

  private get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  /** Starts a new page unless `height` more points fit on this one. */
  private room(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  private heading(text: string, size = 13): void {
    this.room(size * 3);
    this.doc.moveDown(0.6).font('bold').fontSize(size).fillColor(INK).text(text, MARGIN);
    this.doc.font('regular').fontSize(10).moveDown(0.2);
  }

  private line(label: string, value: string): void {
    this.doc.font('bold').text(`${label}: `, { continued: true }).font('regular').text(value);
  }

  header(): void {
    const { clinic } = this.report;
    const top = this.doc.y;
    let textX = MARGIN;
    if (clinic.logo) {
      this.doc.image(Buffer.from(clinic.logo), MARGIN, top, { fit: [110, 50] });
      textX = MARGIN + 122;
    }
    this.doc
      .font('bold')
      .fontSize(14)
      .text(clinic.name || 'Diabetic eye screening', textX, top, {
        width: this.width - (textX - MARGIN),
      });
    if (clinic.address)
      this.doc
        .font('regular')
        .fontSize(9)
        .fillColor(MUTED)
        .text(clinic.address, { width: this.width - (textX - MARGIN) });
    this.doc.fillColor(INK).fontSize(10);
    this.doc.y = Math.max(this.doc.y, top + 56);
    this.doc.x = MARGIN;
    const title =
      this.kind === 'referral'
        ? 'Referral to ophthalmology: diabetic retinopathy'
        : 'Diabetic retinopathy screening report';
    this.doc.moveDown(0.5).font('bold').fontSize(17).text(title, MARGIN);
    this.doc.font('regular').fontSize(10);
    if (this.report.provisional) this.provisionalBanner();
  }

  private provisionalBanner(): void {
    const text = `PROVISIONAL: ${this.report.provisionalWhy ?? ''}`;
    this.doc.moveDown(0.4);
    const y = this.doc.y;
    const height = this.doc.font('bold').heightOfString(text, { width: this.width - 16 }) + 12;
    this.doc.rect(MARGIN, y, this.width, height).fill(AMBER);
    this.doc.fillColor(AMBER_INK).text(text, MARGIN + 8, y + 6, { width: this.width - 16 });
    this.doc.fillColor(INK).font('regular');
    this.doc.x = MARGIN;
    this.doc.y = y + height + 4;
  }

  patientAndVisit(): void {
    const { patient, visit } = this.report;
    this.heading('Patient and visit', 12);
    this.line('Patient', patient.name);
    this.line('Clinic ID', patient.clinicId);
    this.line('Date of birth', patient.dateOfBirth ?? 'not recorded');
    this.line('Visit date', visit.date);
    this.line('Photographed by', visit.operator || 'not recorded');
    this.line('Camera', visit.camera || 'not recorded');
    const va = visit.visualAcuity;
    if (va.right || va.left)
      this.line('Visual acuity', `right ${va.right || 'not recorded'}, left ${va.left || 'not recorded'}`);
    if (visit.dilated !== null) this.line('Pupils', visit.dilated ? 'dilated' : 'not dilated');
    if (visit.hba1c) this.line('HbA1c', `${visit.hba1c.value} ${visit.hba1c.unit}`);
  }

  /** Who signed the visit off, when: the report is final only with a current sign-off. */
  signOff(): void {
    const { signOff } = this.report.visit;
    this.heading('Sign-off', 12);
    if (signOff?.current)
      this.doc.text(
        `Signed off by ${signOff.by} (${signOff.role}) on ${signOff.at.slice(0, 16).replace('T', ' ')} UTC.`,
        {
          width: this.width,
        },
      );
    else
      this.doc.text(
        signOff
          ? `Signed off by ${signOff.by} on ${signOff.at.slice(0, 10)}, but a result was amended since: not signed off in its present form (provisional).`
          : 'Not signed off by a clinician: provisional.',
        { width: this.width },
      );
  }

  /** The next step, first in a patient's words, then in the clinician's. */
  outcome(): void {
    const { visit, due } = this.report;
    const { outcome } = visit;
    this.heading('Result', 12);
    const flagged = outcome.decidingEye !== null && outcome.eyes[outcome.decidingEye].flag !== null;
    this.doc
      .fontSize(11)
      .text(patientWords(outcome.rule, due, outcome.final, flagged), { width: this.width });
    if (outcome.alsoNeeded?.rule.action === 'reimage')
      this.doc.text(
        `The photographs of your ${outcome.alsoNeeded.eye === 'OD' ? 'right' : 'left'} eye also need to be taken again, today if possible.`,
        { width: this.width },
      );
    this.doc.fontSize(10).moveDown(0.4);
    this.doc.font('bold').text('For the clinician', MARGIN).font('regular');
    for (const eye of ['OD', 'OS'] as const) {
      const e = outcome.eyes[eye];
      const by =
        e.source === 'clinician' ? 'clinician' : e.source === 'model' ? 'model, not yet confirmed' : '';
      this.doc.text(`${eyeName(eye)} eye (${eye}): ${eyeFinding(e)}${by && !e.flag ? ` (${by})` : ''}`);
    }
    this.line(
      'Next step',
      `${describeRule(outcome.rule)}${due ? `, due ${due}` : ''}${outcome.decidingEye ? ` (decided by the ${EYE_NAMES[outcome.decidingEye]} eye)` : ''}`,
    );
    if (outcome.alsoNeeded) this.line('Also', alsoNeededText(outcome));
    this.line('Status', outcome.final ? 'Every result confirmed by a clinician' : 'Provisional');
  }

  /** The letter's opening: who is referred, why and how soon. */
  letter(): void {
    const { patient, visit, due, clinic } = this.report;
    const { outcome } = visit;
    this.heading('To the ophthalmologist', 12);
    const urgency =
      outcome.rule.action === 'refer_urgent'
        ? 'urgently'
        : outcome.rule.action === 'refer'
          ? `routinely${due ? `, to be seen by ${due}` : ''}`
          : `for your opinion (the screening policy's next step is: ${describeRule(outcome.rule).toLowerCase()})`;
    const findings = (['OD', 'OS'] as const)
      .map((eye) =>
        outcome.eyes[eye].category === 'missing'
          ? `the ${EYE_NAMES[eye].toLowerCase()} eye was not photographed at this visit`
          : `${EYE_NAMES[eye]} eye: ${eyeFinding(outcome.eyes[eye])}`,
      )
      .join('; ');
    const reviewers = [...new Set(visit.images.flatMap((i) => (i.review ? [i.review.reviewer] : [])))];
    this.doc.text('Dear colleague,', { width: this.width }).moveDown(0.4);
    this.doc.text(
      `I am referring ${patient.name} (clinic ID ${patient.clinicId}${patient.dateOfBirth ? `, born ${patient.dateOfBirth}` : ''}) ${urgency}. ` +
        `Diabetic retinopathy screening on ${visit.date} found (ICDR grades): ${findings}. ` +
        `Every photograph was reviewed by ${reviewers.join(' and ') || 'a clinician'}. ` +
        (outcome.alsoNeeded ? `${alsoNeededText(outcome)} ` : '') +
        'The photographs, what the screening model saw and each grade are below.',
      { width: this.width },
    );
    const diabetes = [
      patient.diabetesType ? `Diabetes: ${DIABETES_TYPES[patient.diabetesType]}` : '',
      patient.diagnosisYear ? `diagnosed ${patient.diagnosisYear}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    if (diabetes) this.doc.moveDown(0.3).text(`${diabetes}.`, { width: this.width });
    if (patient.notes.trim())
      this.doc.moveDown(0.3).text(`Notes: ${patient.notes.trim()}`, { width: this.width });
    if (!outcome.final)
      this.doc
        .moveDown(0.3)
        .text('Not every grade has been confirmed by a clinician yet: treat them as provisional.');
    this.doc.moveDown(0.4).text(`Yours sincerely,`).moveDown(1.2);
    if (this.signer)
      this.doc.text(
        `${this.signer.displayName}, clinician (signed electronically ${this.report.generatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
      );
    this.doc.text(`${clinic.name || 'Diabetic eye screening'}`);
    this.doc.moveDown(0.2);
  }

  eyes(): void {
    for (const { eye, outcome, photographs } of this.report.eyes) {
      // The eye's heading never sits alone at the foot of a page: its first photograph comes with it.
      if (photographs.length) this.room(PICTURE + 70);
      this.heading(`${eyeName(eye)} eye (${eye}): ${eyeFinding(outcome)}`);
      if (photographs.length === 0) this.doc.text('Not photographed at this visit.');
      for (const photograph of photographs) this.photograph(photograph);
    }
  }

  private photograph({ image, photo, preview, heatmap }: ReportPhotograph): void {
    const pictures = (photo ? 1 : 0) + (preview ? 1 : 0);
    this.room(pictures ? PICTURE + 24 : 90);
    const top = this.doc.y + 4;
    let x = MARGIN;
    const caption = (text: string) => {
      this.doc
        .fontSize(7)
        .fillColor(MUTED)
        .text(text, x, top + PICTURE + 2, { width: PICTURE, align: 'center' });
      x += PICTURE + 8;
    };
    if (photo) {
      this.doc.image(Buffer.from(photo), x, top, {
        fit: [PICTURE, PICTURE],
        align: 'center',
        valign: 'center',
      });
      caption('Photograph');
    }
    if (preview) {
      this.doc.image(Buffer.from(preview), x, top, { fit: [PICTURE, PICTURE] });
      if (heatmap) this.doc.image(Buffer.from(heatmap), x, top, { fit: [PICTURE, PICTURE] });
      caption(heatmap ? 'What the model saw; heatmap: its hottest tenth' : 'What the model saw');
    }
    x += pictures ? 4 : 0;
    const width = this.width - (x - MARGIN);
    this.doc.fontSize(9).fillColor(INK);
    this.doc.x = x;
    this.doc.y = top;
    const r = image.result;
    const text = (s: string, bold = false) =>
      this.doc.font(bold ? 'bold' : 'regular').text(s, x, this.doc.y, { width });
    text(image.fileName, true);
    if (image.dicom?.camera) text(`Camera (from the DICOM header): ${image.dicom.camera}`);
    if (!r) text('Not graded.');
    else if (!r.quality.gradable) {
      text('Quality: ungradable', true);
      text(qualityReasonTexts(r.quality).join('; ') || 'No reason recorded');
      text('No grade is given for an ungradable photograph: re-image the eye.');
    } else {
      text('Quality: gradable');
      text(`Model grade: ${r.grade} (${GRADE_NAMES[r.grade!]})`);
      if (r.referableProbability !== null) {
        const point = r.referableThreshold ?? DEFAULT_REFERABLE_THRESHOLD;
        text(
          `Referable-DR probability: ${pct(r.referableProbability)} ` +
            `(operating point ${pct(point)}: ${isReferable(r) ? 'flagged referable' : 'not flagged'})`,
        );
      }
      text(maculopathyResultText(r.maculopathy));
      if (r.maculopathy?.status === 'assessed') text(MACULOPATHY_SUSPICION);
    }
    const review = image.review;
    this.doc.moveDown(0.3);
    if (review) {
      const grade =
        review.clinicianGrade === null
          ? 'ungradable'
          : `${review.clinicianGrade} (${GRADE_NAMES[review.clinicianGrade]})`;
      text(`Clinician's grade: ${grade}`, true);
      if (review.clinicianMaculopathy !== null)
        text(
          `Clinician's maculopathy reading: ${review.clinicianMaculopathy ? 'M1 (maculopathy)' : 'M0 (none)'}`,
          true,
        );
      text(
        `${review.action === 'accept' ? 'Accepted' : 'Overridden'} by ${review.reviewer}, ${when(review.reviewedAt)}`,
      );
      if (review.reason) text(`Reason: ${review.reason}`);
    } else if (r) text("Clinician's grade: not yet reviewed (provisional)", true);
    this.doc.fontSize(10).font('regular');
    this.doc.x = MARGIN;
    this.doc.y = Math.max(this.doc.y, pictures ? top + PICTURE + 14 : this.doc.y + 6);
  }

  models(): void {
    this.heading('About the screening model', 12);
    if (this.report.models.length === 0) this.doc.text('No photograph of this visit was graded.');
    for (const model of this.report.models) this.model(model);
    this.doc.moveDown(0.4).font('bold').text(SCREENING_DISCLAIMER, { width: this.width }).font('regular');
  }

  private model(model: ReportModel): void {
    this.line(
      'Model',
      `${model.name} ${model.version} (computed with ${model.backends.join(', ')}; preprocessing ${model.preprocessing})`,
    );
    this.line(
      'Validation status',
      model.validated
        ? 'validated on held-out camera photographs'
        : 'NOT VALIDATED for clinical use: its figures do not yet meet the bar for acting on it without a clinician',
    );
    if (model.figures.length === 0) {
      this.doc.text('Its evaluation figures are not installed on this workstation.');
      return;
    }
    this.doc.text('Evaluations on photographs it never trained on:');
    for (const f of model.figures) {
      const ci = f.auc95 ? ` (95% CI ${f.auc95.low.toFixed(3)}–${f.auc95.high.toFixed(3)})` : '';
      this.doc.text(
        `• ${f.set}: ${f.gradable} gradable of ${f.images}; referable-DR AUC ${f.referableAuc.toFixed(3)}${ci}; ` +
          `sensitivity ${pct(f.sensitivity)}, specificity ${pct(f.specificity)} at ${pct(f.threshold)}` +
          (f.pointChosenHere ? ' (the operating point was chosen on these photographs)' : ''),
        { indent: 10, width: this.width - 10 },
      );
    }
  }

  /** Page numbers, the provisional mark and the disclaimer on every page, written once all pages exist. */
  footers(): void {
    const range = this.doc.bufferedPageRange();
    const { patient, visit, provisional } = this.report;
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      const { height } = this.doc.page;
      // Writing in the bottom margin: without this pdfkit would start a new page.
      this.doc.page.margins.bottom = 0;
      const y = height - MARGIN - FOOTER + 12;
      this.doc
        .moveTo(MARGIN, y - 4)
        .lineTo(MARGIN + this.width, y - 4)
        .strokeColor('#999999')
        .lineWidth(0.5)
        .stroke();
      this.doc
        .fontSize(8)
        .fillColor(provisional ? AMBER_INK : MUTED)
        .font(provisional ? 'bold' : 'regular');
      this.doc.text(
        `${provisional ? 'PROVISIONAL · ' : ''}${patient.name} · ${patient.clinicId} · visit ${visit.date}`,
        MARGIN,
        y,
        { width: this.width - 80, lineBreak: false },
      );
      this.doc.font('regular').fillColor(MUTED);
      this.doc.text(`Page ${i - range.start + 1} of ${range.count}`, MARGIN, y, {
        width: this.width,
        align: 'right',
      });
      this.doc.text(
        `${SCREENING_DISCLAIMER} Printed ${when(this.report.generatedAt.toISOString())}.`,
        MARGIN,
        y + 12,
        {
          width: this.width,
        },
      );
    }
  }
}

/** A visit's report (or referral letter) as PDF bytes: made in Node, no browser. */
export function renderVisitPdf(
  report: VisitReport,
  kind: ReportKind = 'report',
  paper: PaperSize = report.clinic.paperSize,
  signer: SignedInUser | null = null,
): Promise<Uint8Array> {
  const writer = new ReportWriter(report, kind, paper, signer);
  const chunks: Buffer[] = [];
  const done = new Promise<Uint8Array>((resolve, reject) => {
    writer.doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    writer.doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    writer.doc.on('error', reject);
  });
  writer.header();
  if (kind === 'referral') {
    writer.letter();
    writer.patientAndVisit();
  } else {
    writer.patientAndVisit();
    writer.outcome();
    writer.signOff();
  }
  writer.eyes();
  writer.models();
  writer.footers();
  writer.doc.end();
  return done;
}

/** A file name for the report: clinic ID, visit date and kind, safe on every file system. */
export function reportFileName(report: VisitReport, kind: ReportKind): string {
  const id = report.patient.clinicId.replace(/[^\w.-]+/g, '_');
  return `${id}_${report.visit.date}_${kind === 'referral' ? 'referral-letter' : 'screening-report'}.pdf`;
}
