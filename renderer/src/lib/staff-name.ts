const KEY = 'eyenet.staffName';

/**
 * The name of the person at this workstation, typed once and remembered (on every edit, not only after a save)
 * for reviews and corrections. Accounts (who is signed in) will replace it.
 */
export function readStaffName(): string {
  try {
    return localStorage.getItem(KEY) ?? localStorage.getItem('eyenet.reviewer') ?? '';
  } catch {
    return '';
  }
}

export function writeStaffName(name: string): void {
  try {
    localStorage.setItem(KEY, name.trim());
  } catch {
    // Remembering the name is a convenience only.
  }
}
