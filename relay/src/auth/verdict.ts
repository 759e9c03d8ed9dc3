import { CloseCode } from '../../../protocol/src';

/** The outcome of checking an upgrade (or a `/check` request): whom to let in, or why not. */
export type Verdict<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      code: typeof CloseCode.unauthorized | typeof CloseCode.forbidden | typeof CloseCode.tryAgainLater;
      /** short label for the metric */
      kind: string;
      /** sentence for the person holding the link */
      reason: string;
    };

export function refuse(code: 4401 | 4403 | 1013, kind: string, reason: string): Verdict<never> {
  return { ok: false, code, kind, reason };
}
