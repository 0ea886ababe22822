import type { z } from 'zod';
import type { AppContext } from '../services/app-context.ts';
import type { ApiInput, ApiOutput, Channel } from '../../contract/index.ts';

export interface Handler<C extends Channel> {
  /** One line: what this handler may read or change, and what it trusts from the caller. */
  readonly contract: string;
  /** Validated before `run` sees anything; the caller is the renderer, so nothing it sends is trusted. */
  readonly input: z.ZodType<ApiInput<C>>;
  run(ctx: AppContext, input: ApiInput<C>): Promise<ApiOutput<C>> | ApiOutput<C>;
}

export type HandlerMap = { readonly [C in Channel]: Handler<C> };

/** A group of handlers for one area (`patients:*`, `images:*`, ...). */
export type HandlerGroup<A extends string> = {
  readonly [C in Channel as C extends `${A}:${string}` ? C : never]: Handler<C>;
};
