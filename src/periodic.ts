/** A background job run every `intervalMs` on an unref'd timer (it never keeps the process alive). */
export interface Periodic {
  start(): void;
  stop(): void;
}

/** Runs `job` every `intervalMs`; a throw goes to `onError` and the next tick runs as usual. */
export function periodic(job: () => unknown, intervalMs: number, onError: (error: unknown) => void): Periodic {
  let timer: NodeJS.Timeout | undefined;
  return {
    start() {
      timer ??= setInterval(() => {
        try {
          job();
        } catch (error) {
          onError(error);
        }
      }, intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
