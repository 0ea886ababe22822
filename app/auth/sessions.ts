import type { SignedInUser } from '../../contract/index.ts';
import { getUser } from '../db/users-repo.ts';
import { SETTING_KEYS } from '../db/settings-keys.ts';
import { getSetting } from '../db/settings-repo.ts';
import type { Database } from '../db/database.ts';

export const DEFAULT_IDLE_LOCK_MINUTES = 15;
/** However active, a sign-in ends after this long (a shift): the next call asks for the password again. */
export const MAX_SESSION_HOURS = 12;

export function idleLockMinutes(db: Database): number {
  return getSetting<number>(db, SETTING_KEYS.idleLockMinutes) ?? DEFAULT_IDLE_LOCK_MINUTES;
}

interface Session {
  userId: number;
  signedInAt: number;
  lastActive: number;
  locked: boolean;
}

export interface SessionState {
  user: SignedInUser | null;
  locked: boolean;
}

/**
 * Who is signed in on which window, in memory only: a restart signs everyone out. A window is named by its
 * transport (Electron: the web contents; HTTP: the tab's random client id), never by anything the page says
 * about its user. The account is read again on every call, so a disabled account or a changed role takes effect
 * at once.
 */
export class Sessions {
  private readonly byClient = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  signIn(clientId: string, userId: number): void {
    const now = this.now();
    this.byClient.set(clientId, { userId, signedInAt: now, lastActive: now, locked: false });
  }

  signOut(clientId: string): void {
    this.byClient.delete(clientId);
  }

  /**
   * Signs a user out of every window but `keep` (after a password change the person who changed it stays in;
   * after an administrator's reset, nobody does).
   */
  revokeUser(userId: number, keep: string | null = null): void {
    for (const [client, session] of this.byClient)
      if (session.userId === userId && client !== keep) this.byClient.delete(client);
  }

  lock(clientId: string): void {
    const session = this.byClient.get(clientId);
    if (session) session.locked = true;
  }

  /** The user locked out of this window, if any (the lock screen offers to sign them in again). */
  lockedUserId(clientId: string): number | null {
    const session = this.byClient.get(clientId);
    return session?.locked ? session.userId : null;
  }

  /**
   * The signed-in user of a window. A call counts as use unless `passive` (the page's own polling), and a
   * window idle for longer than the site's lock time locks before anything is answered.
   */
  resolve(db: Database, clientId: string | null, passive: boolean): SessionState {
    const session = clientId ? this.byClient.get(clientId) : undefined;
    if (!session) return { user: null, locked: false };
    const now = this.now();
    if (now - session.signedInAt > MAX_SESSION_HOURS * 3_600_000) {
      this.byClient.delete(clientId!);
      return { user: null, locked: false };
    }
    if (!session.locked && now - session.lastActive > idleLockMinutes(db) * 60_000) session.locked = true;
    if (session.locked) return { user: null, locked: true };
    let account;
    try {
      account = getUser(db, session.userId);
    } catch {
      account = null;
    }
    if (!account || account.disabled) {
      this.byClient.delete(clientId!);
      return { user: null, locked: false };
    }
    if (!passive) session.lastActive = now;
    return {
      user: {
        id: account.id,
        username: account.username,
        displayName: account.displayName,
        role: account.role,
      },
      locked: false,
    };
  }
}
