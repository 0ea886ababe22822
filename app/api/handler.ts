import type { z } from 'zod';
import type { AppContext } from '../services/app-context.ts';
import type { ApiInput, ApiOutput, Channel, SignedInUser } from '../../contract/index.ts';
import type { Role } from '../../domain/roles.ts';
import { AppError } from '../../domain/errors.ts';

/** Who may call a channel: anyone (signing in itself), or signed-in staff of these roles. */
export type Access = 'anyone' | readonly Role[];

export const STAFF: readonly Role[] = ['administrator', 'clinician', 'technician'];
/** Registering, photographing, correcting the record. */
export const RECORD_KEEPERS: readonly Role[] = ['clinician', 'technician'];
export const CLINICIANS: readonly Role[] = ['clinician'];
export const ADMINISTRATORS: readonly Role[] = ['administrator'];

/** The window a call came from and who is signed in on it (null only on channels open to anyone). */
export interface Caller {
  readonly clientId: string | null;
  readonly user: SignedInUser | null;
}

export interface Handler<C extends Channel> {
  /** One line: what this handler may read or change, and what it trusts from the caller. */
  readonly contract: string;
  /** The roles it allows; checked before the input is even read. */
  readonly roles: Access;
  /**
   * What the audit log keeps of a successful call: a change (what was asked, before and after), a view of a
   * patient's record (who looked at whom), or nothing (lists, counts, the page's polling).
   */
  readonly audit: 'change' | 'view' | 'none';
  /** Audit only the calls this accepts (a view of a thumbnail in a list is not opening the photograph). */
  auditIf?(input: ApiInput<C>): boolean;
  /** The page's own polling: not a sign of someone at the keyboard, so it does not hold off the idle lock. */
  readonly passive?: boolean;
  /** Audited as a change but writes nothing to the record (signing in or out): allowed while it is read-only. */
  readonly readOnlySafe?: boolean;
  /** Validated before `run` sees anything; the caller is the renderer, so nothing it sends is trusted. */
  readonly input: z.ZodType<ApiInput<C>>;
  /** For the audit log: the record as it was before a change. */
  before?(ctx: AppContext, input: ApiInput<C>): unknown;
  run(ctx: AppContext, input: ApiInput<C>, caller: Caller): Promise<ApiOutput<C>> | ApiOutput<C>;
}

export type HandlerMap = { readonly [C in Channel]: Handler<C> };

/** A group of handlers for one area (`patients:*`, `images:*`, ...). */
export type HandlerGroup<A extends string> = {
  readonly [C in Channel as C extends `${A}:${string}` ? C : never]: Handler<C>;
};

/** The signed-in user of a call that needs one; dispatch has already refused calls without. */
export function staff(caller: Caller): SignedInUser {
  if (!caller.user) throw new AppError('UNAUTHORIZED', 'Sign in first.');
  return caller.user;
}
