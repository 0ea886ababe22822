/** Who may do what: administrators run the site, clinicians decide, technicians register and photograph. */
export type Role = 'administrator' | 'clinician' | 'technician';

export const ROLES: readonly Role[] = ['administrator', 'clinician', 'technician'];

export const ROLE_LABELS: Record<Role, string> = {
  administrator: 'Administrator',
  clinician: 'Clinician',
  technician: 'Technician',
};

/** What each role is for, in the words the Users screen shows. */
export const ROLE_DUTIES: Record<Role, string> = {
  administrator: 'accounts, settings, referral policy, the audit log',
  clinician: 'review and override results, corrections, promote models',
  technician: 'patients, visits, importing photographs',
};
