import type { NewUser, Role, UserAccount } from '$contract/index.ts';
import { call, messageOf } from '../lib/api.ts';

/** The Users screen (administrators): staff accounts, their roles, and the idle lock. */
export class UsersState {
  users = $state.raw<UserAccount[]>([]);
  idleLockMinutes = $state(15);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);

  async load(): Promise<void> {
    try {
      const [users, settings] = await Promise.all([call('users:list', {}), call('settings:get', {})]);
      this.users = users;
      this.idleLockMinutes = settings.idleLockMinutes;
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  /** Throws so the form can show why beside its fields. */
  async create(user: NewUser): Promise<void> {
    await call('users:create', user);
    await this.load();
    // Said last: the page clears its form when this returns, so the notice never shows over a form still to clear.
    this.notice = `${user.displayName} can sign in as “${user.username}”.`;
  }

  /** A role change waiting for its confirmation and reason (a role decides what a person may do). */
  pendingRole = $state.raw<{ user: UserAccount; role: Role } | null>(null);
  roleReason = $state('');

  askRole(user: UserAccount, role: Role): void {
    this.pendingRole = role === user.role ? null : { user, role };
    this.roleReason = '';
  }

  async confirmRole(): Promise<void> {
    const pending = this.pendingRole;
    if (!pending) return;
    await this.update(pending.user, { role: pending.role, reason: this.roleReason });
    if (!this.error) this.pendingRole = null;
  }

  async update(
    user: UserAccount,
    change: { role?: Role; disabled?: boolean; password?: string; reason?: string },
  ): Promise<void> {
    this.notice = null;
    try {
      await call('users:update', {
        id: user.id,
        version: user.version,
        displayName: user.displayName,
        role: change.role ?? user.role,
        disabled: change.disabled ?? user.disabled,
        ...(change.password ? { password: change.password } : {}),
        ...(change.reason ? { reason: change.reason } : {}),
      });
      this.notice = change.password
        ? `${user.displayName}’s password was reset.`
        : `${user.displayName} saved.`;
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    }
    await this.load();
  }

  async saveIdleLock(minutes: number): Promise<void> {
    try {
      this.idleLockMinutes = (await call('settings:update', { idleLockMinutes: minutes })).idleLockMinutes;
      this.notice = `Windows lock after ${this.idleLockMinutes} minutes without use.`;
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    }
  }
}
