// Accounts: who is signed in on this window, staff accounts (administrators), and the audit log.

import type { Role } from '../domain/roles.ts';

export type { Role };

/** The person signed in on this window. */
export interface SignedInUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
}

export interface AuthStatus {
  /** No account exists yet: the first start creates the administrator. */
  setupNeeded: boolean;
  user: SignedInUser | null;
  /** Signed in, but locked after the idle time: the same person (or another) signs in again. */
  locked: boolean;
  /** Minutes without use before the window locks (a site setting). */
  idleLockMinutes: number;
}

export interface UserAccount extends SignedInUser {
  createdAt: string;
  disabled: boolean;
  /** Changes with every save: an update names the version it was made from. */
  version: number;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  password: string;
}

export interface UserUpdate {
  id: number;
  version: number;
  displayName: string;
  role: Role;
  disabled: boolean;
  /** A new password, when the administrator resets it. */
  password?: string;
  /** Why the role changes: required when it does, and kept in the audit log. */
  reason?: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  username: string;
  role: string;
  action: string;
  kind: 'change' | 'view' | 'security';
  patientId: number | null;
  request: unknown;
  before: unknown;
  after: unknown;
  /** Where the call came from: a workstation's network address, or "this computer"; null on older entries. */
  workstation: string | null;
}

export interface AuditQuery {
  from?: string;
  to?: string;
  username?: string;
  action?: string;
  patientId?: number;
  kind?: AuditEntry['kind'];
  /** Newest first; at most this many (default 200). */
  limit?: number;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** The hash of the newest entry: write it down to detect a cut tail later. */
  head: string | null;
  /** The first entry whose hash or link does not hold, and why. */
  broken: { id: number; reason: string } | null;
}

/** Channels of accounts and the audit log. */
export interface AuthApi {
  'auth:status': { input: Record<string, never>; output: AuthStatus };
  'auth:setup': { input: Omit<NewUser, 'role'>; output: SignedInUser };
  'auth:login': { input: { username: string; password: string }; output: SignedInUser };
  'auth:logout': { input: Record<string, never>; output: { signedOut: true } };
  'auth:lock': { input: Record<string, never>; output: { locked: true } };
  'auth:changePassword': { input: { current: string; password: string }; output: { changed: true } };
  'users:list': { input: Record<string, never>; output: UserAccount[] };
  'users:create': { input: NewUser; output: UserAccount };
  'users:update': { input: UserUpdate; output: UserAccount };
  'audit:list': { input: AuditQuery; output: AuditEntry[] };
  'audit:verify': { input: Record<string, never>; output: AuditVerification };
}

/** A password's least length, spaces at either end not counted (the main process checks the rest). */
export const MIN_PASSWORD_LENGTH = 10;
