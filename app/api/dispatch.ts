import type { AppContext } from '../services/app-context.ts';
import { CHANNELS, type Channel, type Envelope } from '../../contract/index.ts';
import { isAppError } from '../../domain/errors.ts';
import type { Handler, HandlerMap } from './handler.ts';
import { validationMessage } from './validation-message.ts';

function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

export type Dispatch = (channel: unknown, input: unknown) => Promise<Envelope<unknown>>;

/**
 * The single entry point both transports call. Unknown channels and invalid input are refused before any
 * handler runs; errors become envelopes, and only errors meant for users keep their message.
 */
export function createDispatch(
  handlers: HandlerMap,
  ctx: AppContext,
  log: (message: string, error: unknown) => void = (m, e) => console.error(m, e),
): Dispatch {
  return async (channel, rawInput) => {
    if (!isChannel(channel)) {
      return {
        ok: false,
        error: { code: 'UNKNOWN_CHANNEL', message: `Unknown channel ${JSON.stringify(channel)}.` },
      };
    }
    const handler = handlers[channel] as Handler<Channel>;
    const parsed = handler.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      return { ok: false, error: { code: 'INVALID_INPUT', message: validationMessage(parsed.error) } };
    }
    try {
      return { ok: true, value: await handler.run(ctx, parsed.data) };
    } catch (error) {
      if (isAppError(error)) {
        return { ok: false, error: { code: error.code, message: error.message } };
      }
      log(`[${channel}] failed`, error);
      return {
        ok: false,
        error: { code: 'INTERNAL', message: 'Something went wrong. The error was logged.' },
      };
    }
  };
}
