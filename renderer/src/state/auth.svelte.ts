import type { Role, SignedInUser } from '$contract/index.ts';
import { ApiFailure, call, messageOf, onSignInNeeded } from '../lib/api.ts';

/** What counts as someone at the keyboard for the idle lock. */
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * Who is signed in on this window. The main process decides (it keeps the session and checks every call); this
 * state only mirrors it: it shows the sign-in screen when a call finds nobody signed in or the window locked,
 * and locks the window itself after the site's idle time without a key or a click.
 */
export class AuthState {
  user = $state.raw<SignedInUser | null>(null);
  setupNeeded = $state(false);
  locked = $state(false);
  /** The person the window locked on, shown on the lock screen. */
  lockedName = $state<string | null>(null);
  /** Why the window is locked: by the person's own Lock, or after the idle time (the lock screen says which). */
  lockedBy = $state<'hand' | 'idle'>('idle');
  checked = $state(false);
  error = $state<string | null>(null);
  busy = $state(false);
  private idleMinutes = 15;
  /** When the site's idle limit was last read: a limit an administrator changes reaches open windows too. */
  private limitReadAt = 0;
  private lastActivity = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  readonly signedIn = $derived(this.user !== null && !this.locked);

  constructor(private readonly now: () => number = Date.now) {
    this.lastActivity = now();
    onSignInNeeded((code) => {
      if (code === 'LOCKED') this.showLock();
      else {
        this.user = null;
        this.locked = false;
      }
    });
  }

  can(...roles: Role[]): boolean {
    return this.user !== null && roles.includes(this.user.role);
  }

  async check(): Promise<void> {
    try {
      const status = await call('auth:status', {});
      this.setupNeeded = status.setupNeeded;
      this.idleMinutes = status.idleLockMinutes;
      this.limitReadAt = this.now();
      if (status.user) {
        this.user = status.user;
        this.locked = false;
      } else if (status.locked) this.showLock();
      else this.user = null;
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.checked = true;
    }
  }

  async setUp(input: { username: string; displayName: string; password: string }): Promise<void> {
    await this.signInWith(() => call('auth:setup', input));
    this.setupNeeded = false;
  }

  async signIn(username: string, password: string): Promise<void> {
    await this.signInWith(() => call('auth:login', { username, password }));
  }

  async signOut(): Promise<void> {
    await call('auth:logout', {}).catch(() => undefined);
    this.user = null;
    this.locked = false;
    this.lockedName = null;
  }

  async lock(by: 'hand' | 'idle' = 'hand'): Promise<void> {
    await call('auth:lock', {}).catch(() => undefined);
    this.showLock(by);
  }

  /** Starts watching for activity; returns the function that stops it. */
  watchIdle(target: Pick<Window, 'addEventListener' | 'removeEventListener'>): () => void {
    const seen = () => (this.lastActivity = this.now());
    for (const e of ACTIVITY_EVENTS) target.addEventListener(e, seen, { passive: true });
    this.timer = setInterval(() => void this.lockIfIdle(), 15_000);
    return () => {
      for (const e of ACTIVITY_EVENTS) target.removeEventListener(e, seen);
      if (this.timer) clearInterval(this.timer);
    };
  }

  async lockIfIdle(): Promise<void> {
    // The limit is read again every minute (auth:status is passive: it does not count as use).
    if (this.signedIn && this.now() - this.limitReadAt >= 60_000) {
      try {
        this.idleMinutes = (await call('auth:status', {})).idleLockMinutes;
        this.limitReadAt = this.now();
      } catch {
        // the next tick tries again; the main process enforces the limit on every call meanwhile
      }
    }
    if (this.signedIn && this.now() - this.lastActivity > this.idleMinutes * 60_000) await this.lock('idle');
  }

  private showLock(by: 'hand' | 'idle' = 'idle'): void {
    this.lockedBy = by;
    this.lockedName = this.user?.displayName ?? this.lockedName;
    this.locked = true;
  }

  private async signInWith(run: () => Promise<SignedInUser>): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      const user = await run();
      // Someone else at a locked window starts from their own first page, not the previous person's.
      const samePerson = this.user?.id === user.id;
      this.user = user;
      this.locked = false;
      this.lockedName = null;
      this.lastActivity = this.now();
      if (!samePerson) this.changedPerson?.();
    } catch (error) {
      this.error = error instanceof ApiFailure ? error.message : messageOf(error);
      throw error;
    } finally {
      this.busy = false;
    }
  }

  /** Set by the app: what to do when a different person signs in (go to the first page). */
  changedPerson: (() => void) | null = null;
}
