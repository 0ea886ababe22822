/** ICDR grades 0–4, and their names, in grade order: index = grade. */
export const GRADE_NAMES = [
  'No DR',
  'Mild NPDR',
  'Moderate NPDR',
  'Severe NPDR',
  'Proliferative DR',
] as const;

export type Grade = 0 | 1 | 2 | 3 | 4;

/** Referable diabetic retinopathy is ICDR grade 2 (moderate NPDR) or worse. */
export const REFERABLE_GRADE = 2;

export function isReferableGrade(grade: number): boolean {
  return grade >= REFERABLE_GRADE;
}

/** The most likely grade of five grade probabilities (the first of equals). */
export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Probability of referable DR: the probabilities of grades 2, 3 and 4 together. */
export function referableProbability(probabilities: readonly number[]): number {
  let sum = 0;
  for (let g = REFERABLE_GRADE; g < probabilities.length; g++) sum += probabilities[g]!;
  return sum;
}
