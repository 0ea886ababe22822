import type { DiabetesType } from '$contract/index.ts';
import { localIsoDate as todayIso } from '$domain/dates.ts';

export function percent(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}

export { localIsoDate as todayIso } from '$domain/dates.ts';

export const DIABETES_TYPES: Record<DiabetesType, string> = {
  type1: 'Type 1',
  type2: 'Type 2',
  gestational: 'Gestational',
  other: 'Other',
  unknown: 'Unknown',
};

export function dateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${todayIso(d)} ${d.toTimeString().slice(0, 5)}`;
}
