import type { AppContext } from '../services/app-context.ts';
import { CHANNELS, type Channel, type Envelope, type SignedInUser } from '../../contract/index.ts';
import { isAppError, type ErrorCode } from '../../domain/errors.ts';
import { ROLE_LABELS } from '../../domain/roles.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { patientOfCall } from '../audit/audit-subject.ts';
import type { Caller, Handler, HandlerMap } from './handler.ts';
import { storageFailure } from '../services/storage-errors.ts';
import { validationMessage } from './validation-message.ts';

function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

/** Where a call came from: the window (Electron web contents or HTTP tab), never what the page claims. */
export interface CallOrigin {
  clientId: string | null;
  /** The workstation, as the transport saw it (a network address, or "this computer"), for the audit log. */
  workstation?: string | null;
}

export type Dispatch = (channel: unknown, input: unknown, origin?: CallOrigin) => Promise<Envelope<unknown>>;

const refuse = (code: ErrorCode, message: string): Envelope<unknown> => ({
  ok: false,
  error: { code, message },
});

function roleList(roles: readonly string[]): string {
  const names = roles.map((r) => ROLE_LABELS[r as keyof typeof ROLE_LABELS].toLowerCase());
  const first = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  return `${/^[aeiou]/.test(first) ? 'an' : 'a'} ${first}`;
}

/**
 * The single entry point both transports call. In order: unknown channels are refused; the window's
 * sign-in is resolved and the channel's roles checked; a database that failed its check at start takes no
 * changes; the input is validated; the handler runs; a change or a view of a record is written to the audit
 * log. Errors become envelopes, and only errors meant for users keep their message.
 */
const isPromise = (value: unknown): value is Promise<unknown> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

/** Runs `work` in a savepoint: released when it returns, rolled back when it throws. */
function inSavepoint<T>(ctx: AppContext, work: () => T): T {
  ctx.db.exec('SAVEPOINT dispatch_change');
  try {
    const result = work();
    ctx.db.exec('RELEASE dispatch_change');
    return result;
  } catch (error) {
    ctx.db.exec('ROLLBACK TO dispatch_change; RELEASE dispatch_change');
    throw error;
  }
}

export function createDispatch(
  handlers: HandlerMap,
  ctx: AppContext,
  log: (message: string, error: unknown) => void = (m, e) => console.error(m, e),
): Dispatch {
  const audit = (
    origin: CallOrigin,
    user: SignedInUser | null,
    action: string,
    entry: Partial<Parameters<typeof appendAudit>[1]>,
  ): void => {
    // A record opened read-only (damaged at start) cannot take audit entries either; its banner says so.
    if (ctx.readOnly) return;
    appendAudit(ctx.db, {
      userId: user?.id ?? null,
      username: user?.username ?? '(nobody signed in)',
      role: user?.role ?? '',
      action,
      kind: 'security',
      patientId: null,
      request: {},
      workstation: origin.workstation ?? null,
      ...entry,
    });
  };

  return async (channel, rawInput, origin = { clientId: null }) => {
    if (!isChannel(channel)) return refuse('UNKNOWN_CHANNEL', `Unknown channel ${JSON.stringify(channel)}.`);
    const handler = handlers[channel] as Handler<Channel>;
    const session = ctx.sessions.resolve(ctx.db, origin.clientId, handler.passive === true);
    const caller: Caller = { clientId: origin.clientId, user: session.user };
    if (handler.roles !== 'anyone') {
      if (!session.user)
        return session.locked
          ? refuse('LOCKED', 'EyeNet locked itself after a while without use. Sign in again to go on.')
          : refuse('UNAUTHORIZED', 'Sign in first.');
      if (!handler.roles.includes(session.user.role)) {
        audit(origin, session.user, 'access:refused', { request: { channel } });
        return refuse(
          'FORBIDDEN',
          `This needs ${roleList(handler.roles)}'s account; you are signed in as ${ROLE_LABELS[session.user.role].toLowerCase()}.`,
        );
      }
    }
    if (handler.audit === 'change' && !handler.readOnlySafe && ctx.readOnly)
      return refuse(
        'READ_ONLY',
        `EyeNet is open read-only: ${ctx.readOnly} Nothing can be changed until then.`,
      );
    const parsed = handler.input.safeParse(rawInput ?? {});
    if (!parsed.success) return refuse('INVALID_INPUT', validationMessage(parsed.error));
    try {
      const before = handler.audit === 'change' ? handler.before?.(ctx, parsed.data) : undefined;
      const audited = handler.audit !== 'none' && (handler.auditIf?.(parsed.data) ?? true);
      const record = (value: unknown) =>
        audit(origin, caller.user ?? ctx.sessions.resolve(ctx.db, origin.clientId, true).user, channel, {
          // Signing in changes who is at the window: the entry names the person who signed in.
          kind: handler.audit === 'change' ? 'change' : 'view',
          patientId: patientOfCall(channel, parsed.data, value),
          request: parsed.data,
          before,
          after: handler.audit === 'change' ? value : undefined,
        });
      const recordAfter = (v: unknown): void => {
        try {
          record(v);
        } catch (error) {
          // The change itself is done: answering a failure would make staff repeat it. The log says what is
          // missing from the audit trail.
          log(`[${channel}] done, but its audit entry could not be written`, error);
        }
      };
      let value: unknown;
      if (handler.audit === 'change' && !ctx.readOnly && !ctx.db.inTransaction) {
        // A change and its audit entry commit together or not at all: the handler runs in a savepoint that the
        // entry joins. A handler that must wait (hashing, grading) returns a promise: its writes before the wait
        // are committed as they were, and its entry is written when it is done (a failure there is logged).
        const done = inSavepoint(ctx, () => {
          const result = handler.run(ctx, parsed.data, caller);
          if (!isPromise(result)) record(result);
          return result;
        });
        value = await done;
        if (isPromise(done)) recordAfter(value);
      } else {
        value = await handler.run(ctx, parsed.data, caller);
        if (audited) recordAfter(value);
      }
      return { ok: true, value };
    } catch (error) {
      if (isAppError(error)) {
        if (error.code === 'UNAUTHORIZED' && channel === 'auth:login')
          audit(origin, null, 'auth:failed', {
            request: { username: (parsed.data as { username?: string }).username },
          });
        return { ok: false, error: { code: error.code, message: error.message } };
      }
      log(`[${channel}] failed`, error);
      const storage = storageFailure(error);
      if (storage) return refuse(storage.code, storage.message);
      return refuse('INTERNAL', 'Something went wrong. The error was logged.');
    }
  };
}
