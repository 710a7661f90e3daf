import { setTimeout as wait } from "node:timers/promises";

/** Wait `ms`, or less once `signal` aborts (the connector stops); never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return wait(ms, undefined, signal ? { signal } : {}).then(
    () => undefined,
    () => undefined,
  );
}
