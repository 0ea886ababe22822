import { z } from 'zod';
import type { SignedInUser, UserAccount } from '../../../contract/index.ts';
import { AppError } from '../../../domain/errors.ts';
import { ROLES } from '../../../domain/roles.ts';
import { idleLockMinutes } from '../../auth/sessions.ts';
import { beginSignIn, signInSucceeded } from '../../auth/login-throttle.ts';
import {
  assertPasswordStrength,
  hashForUnknownUser,
  hashPassword,
  verifyPassword,
} from '../../auth/passwords.ts';
import { listAudit, verifyAuditChain } from '../../audit/audit-log.ts';
import {
  countUsers,
  findLogin,
  getUser,
  insertUser,
  listUsers,
  setPasswordHash,
  updateUser,
} from '../../db/users-repo.ts';
import { ADMINISTRATORS, STAFF, staff, type Caller, type HandlerGroup } from '../handler.ts';
import { empty, id, isoDate } from '../schemas.ts';

const username = z
  .string()
  .trim()
  .min(2, 'A user name has at least 2 characters.')
  .max(64, 'A user name is at most 64 characters.')
  .regex(/^[\p{L}\p{N}._@-]+$/u, 'A user name may use letters, digits, dot, dash, @ and underscore only.');
const displayName = z.string().trim().min(1, 'Enter the name to show on reviews and reports.').max(120);
const password = z.string().max(200, 'A password is at most 200 characters.');
const role = z.enum(ROLES as [string, ...string[]]) as z.ZodType<UserAccount['role']>;

const signedIn = (user: UserAccount): SignedInUser => ({
  id: user.id,
  username: user.username,
  displayName: user.displayName,
  role: user.role,
});

function windowOf(caller: Caller): string {
  if (!caller.clientId) throw new AppError('UNAUTHORIZED', 'This window cannot sign in (it has no session).');
  return caller.clientId;
}

export const authHandlers: HandlerGroup<'auth'> = {
  'auth:status': {
    roles: 'anyone',
    audit: 'none',
    passive: true,
    contract: 'Says whether accounts exist yet and who is signed in on this window; no patient data.',
    input: empty,
    run(ctx, _input, caller) {
      const locked = caller.clientId !== null && ctx.sessions.lockedUserId(caller.clientId) !== null;
      return {
        setupNeeded: countUsers(ctx.db) === 0,
        user: caller.user,
        locked,
        idleLockMinutes: idleLockMinutes(ctx.db),
      };
    },
  },
  'auth:setup': {
    roles: 'anyone',
    audit: 'change',
    contract:
      'Creates the first account, an administrator, and signs it in on this window; refused once any account exists.',
    input: z.object({ username, displayName, password }).strict(),
    async run(ctx, input, caller) {
      const client = windowOf(caller);
      assertPasswordStrength(input.password, input.username);
      const hash = await hashPassword(input.password, input.username);
      const user = ctx.db.transaction(() => {
        if (countUsers(ctx.db) > 0)
          throw new AppError('FORBIDDEN', 'EyeNet already has an administrator: sign in instead.');
        return insertUser(ctx.db, { ...input, role: 'administrator' }, hash);
      })();
      ctx.sessions.signIn(client, user.id);
      return signedIn(user);
    },
  },
  'auth:login': {
    roles: 'anyone',
    audit: 'change',
    readOnlySafe: true,
    contract:
      'Checks a user name and password against the stored scrypt hash and signs that account in on this window.',
    input: z
      .object({ username: z.string().trim().min(1, 'Enter your user name.').max(64), password })
      .strict(),
    async run(ctx, input, caller) {
      const client = windowOf(caller);
      // Counted before the hash is checked (and kept in the record): attempts sent at once cannot all be tried.
      if (!beginSignIn(ctx.db, input.username))
        throw new AppError(
          'UNAUTHORIZED',
          'Too many wrong passwords for this user name: wait a minute, then try again.',
        );
      const login = findLogin(ctx.db, input.username);
      // The hash is checked even for an unknown name, so the answer takes as long either way.
      const ok = await verifyPassword(input.password, login?.passwordHash ?? (await hashForUnknownUser()));
      if (!login || !ok || login.user.disabled) {
        throw new AppError(
          'UNAUTHORIZED',
          login?.user.disabled && ok
            ? 'This account is disabled. Ask an administrator.'
            : 'The user name or password is wrong.',
        );
      }
      signInSucceeded(ctx.db, input.username);
      ctx.sessions.signIn(client, login.user.id);
      return signedIn(login.user);
    },
  },
  'auth:logout': {
    roles: 'anyone',
    audit: 'change',
    readOnlySafe: true,
    contract: 'Signs this window out; changes no record.',
    input: empty,
    run(ctx, _input, caller) {
      if (caller.clientId) ctx.sessions.signOut(caller.clientId);
      return { signedOut: true as const };
    },
  },
  'auth:lock': {
    roles: STAFF,
    audit: 'none',
    contract:
      'Locks this window now (the page does it after the idle time); the same person signs in to go on.',
    input: empty,
    run(ctx, _input, caller) {
      ctx.sessions.lock(windowOf(caller));
      return { locked: true as const };
    },
  },
  'auth:changePassword': {
    roles: STAFF,
    audit: 'change',
    contract: "Changes the signed-in person's own password after checking the current one.",
    input: z.object({ current: password, password }).strict(),
    async run(ctx, input, caller) {
      const me = staff(caller);
      const login = findLogin(ctx.db, me.username);
      if (!login || !(await verifyPassword(input.current, login.passwordHash)))
        throw new AppError('UNAUTHORIZED', 'Your current password is wrong.');
      setPasswordHash(ctx.db, me.id, await hashPassword(input.password, me.username));
      // Anyone signed in as this person elsewhere (a window left open, someone who knew the old password) is out.
      ctx.sessions.revokeUser(me.id, caller.clientId);
      return { changed: true as const };
    },
  },
};

export const userHandlers: HandlerGroup<'users'> = {
  'users:list': {
    roles: ADMINISTRATORS,
    audit: 'none',
    contract: 'Lists staff accounts (never their password hashes).',
    input: empty,
    run: (ctx) => listUsers(ctx.db),
  },
  'users:create': {
    roles: ADMINISTRATORS,
    audit: 'change',
    contract: 'Adds one staff account with a role and a password (stored as a scrypt hash only).',
    input: z.object({ username, displayName, role, password }).strict(),
    async run(ctx, input) {
      return insertUser(ctx.db, input, await hashPassword(input.password, input.username));
    },
  },
  'users:update': {
    roles: ADMINISTRATORS,
    audit: 'change',
    contract:
      "Changes one account's name, role or disabled state, or resets its password, from the version the administrator saw.",
    input: z
      .object({
        id,
        version: z.number().int().positive(),
        displayName,
        role,
        disabled: z.boolean(),
        password: password.optional(),
        reason: z.string().trim().max(500).optional(),
      })
      .strict(),
    before: (ctx, input) => getUser(ctx.db, input.id),
    async run(ctx, input) {
      // A role decides what a person may do to the record: a change says why, for the audit log.
      const stored = getUser(ctx.db, input.id);
      // (An edit from an older version is refused as stale by updateUser, whatever it says.)
      if (stored.version === input.version && input.role !== stored.role && (input.reason ?? '').length < 10)
        throw new AppError(
          'INVALID_INPUT',
          'Say why the role changes (at least 10 characters): it is kept in the audit log.',
        );
      const hash = input.password
        ? await hashPassword(input.password, getUser(ctx.db, input.id).username)
        : null;
      const updated = updateUser(ctx.db, input, hash);
      // A reset password or a disabled account ends every sign-in of that account at once.
      if (hash || input.disabled) ctx.sessions.revokeUser(input.id);
      return updated;
    },
  },
};

export const auditHandlers: HandlerGroup<'audit'> = {
  'audit:list': {
    roles: ADMINISTRATORS,
    audit: 'none',
    contract: 'Reads audit entries by date, person, action or patient, newest first; changes nothing.',
    input: z
      .object({
        from: isoDate.optional(),
        to: isoDate.optional(),
        username: z.string().trim().max(64).optional(),
        action: z.string().trim().max(64).optional(),
        patientId: id.optional(),
        kind: z.enum(['change', 'view', 'security']).optional(),
        limit: z.number().int().min(1).max(5000).optional(),
      })
      .strict(),
    run: (ctx, input) => listAudit(ctx.db, input),
  },
  'audit:verify': {
    roles: ADMINISTRATORS,
    audit: 'none',
    contract: "Recomputes the audit log's hash chain and says whether any entry was edited or removed.",
    input: empty,
    run: (ctx) => verifyAuditChain(ctx.db),
  },
};
