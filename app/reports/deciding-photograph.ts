import type { FundusImage } from '../../contract/index.ts';

/**
 * The photograph of an eye whose grade decides it (the clinician's when reviewed, else the model's: the worst,
 * as the referral decision takes it), else the latest. The CSV row and the FHIR Observation of an eye show it.
 */
export function decidingPhotograph(images: readonly FundusImage[], grade: number | null): FundusImage | null {
  const graded = (i: FundusImage) => (i.review ? i.review.clinicianGrade : (i.result?.grade ?? null));
  return images.find((i) => grade !== null && graded(i) === grade) ?? images.at(-1) ?? null;
}
