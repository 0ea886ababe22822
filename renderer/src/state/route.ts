export type Route =
  | { name: 'patients' }
  | { name: 'patient'; id: number }
  | { name: 'worklists' }
  | { name: 'import' }
  | { name: 'review' }
  | { name: 'readings' }
  | { name: 'settings' }
  | { name: 'exports' }
  | { name: 'models' }
  | { name: 'deleted' }
  | { name: 'users' }
  | { name: 'audit' };

const SIMPLE = [
  'patients',
  'worklists',
  'import',
  'review',
  'readings',
  'settings',
  'exports',
  'models',
  'deleted',
  'users',
  'audit',
] as const;

/** The route as the address bar's fragment (`#/patient/12`), so a reload keeps the page the user was on. */
export function routeToHash(route: Route): string {
  return route.name === 'patient' ? `#/patient/${route.id}` : `#/${route.name}`;
}

/** The route a fragment names; anything else (the first `#token=…`, a typo) is the patient list. */
export function routeFromHash(hash: string): Route {
  const patient = /^#\/patient\/(\d{1,9})$/.exec(hash);
  if (patient) return { name: 'patient', id: Number(patient[1]) };
  const name = SIMPLE.find((n) => hash === `#/${n}`);
  return name ? ({ name } as Route) : { name: 'patients' };
}
