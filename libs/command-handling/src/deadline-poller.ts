/**
 * Deadlines (mute ends, safety escalations) as "what is due" in a read model, polled, never a sleeping timer per
 * deadline: a restart simply finds what is still due. `fire` sends a command with a deterministic command id, so
 * several nodes polling the same read model append it once. One poll at a time; errors do not stop polling.
 */
export function startDeadlinePoller<Due>(options: {
  intervalMs: number;
  due: () => Promise<Due[]>;
  fire: (due: Due) => Promise<unknown>;
  /** told only the error's name: messages can quote health data */
  onError: (errorName: string) => void;
}): { stop(): void; tick(): Promise<number> } {
  let current: Promise<number> | undefined;
  let next: Promise<number> | undefined;
  const poll = async (): Promise<number> => {
    let fired = 0;
    try {
      for (const due of await options.due()) {
        await options.fire(due);
        fired++;
      }
    } catch (error) {
      options.onError(error instanceof Error ? error.name : 'error');
    }
    return fired;
  };
  /** resolves with how many deadlines this poll fired */
  const tick = (): Promise<number> => {
    if (!current) {
      current = poll().finally(() => (current = undefined));
      return current;
    }
    // the poll under way may have read what was due before the caller's moment: one more poll after it, shared by
    // every caller meanwhile, never a queue of them
    next ??= current.then(() => {
      next = undefined;
      return tick();
    });
    return next;
  };
  // the interval skips a beat while a poll is under way: a slow gateway does not make polling back to back
  const timer = setInterval(() => void (current ?? tick()), options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), tick };
}

/** how often deadlines are looked for; tests lower it with DEADLINE_POLL_MS */
export const deadlinePollMs = (): number => {
  const raw = process.env.DEADLINE_POLL_MS?.trim() || '1000';
  const ms = Number(raw);
  // a typo must not become a 1 ms busy poll of the store
  if (!Number.isInteger(ms) || ms < 10) throw new Error(`DEADLINE_POLL_MS must be a whole number of milliseconds, at least 10 (got "${raw}")`);
  return ms;
};

/** Says when this node's read models hold the log as it was when the node started (the log follower does). */
export interface ReadModelsReady {
  whenReadModelsReady(): Promise<void>;
}

/**
 * One kind of deadline a node looks after, as a provider: polling starts when the app has started and its read models
 * have caught up with the log they found, and stops when it shuts down (`onApplicationBootstrap` and
 * `onApplicationShutdown` are Nest's hooks; this lib imports nothing of Nest). Not before: a read model built anew at
 * start (new, or of a new version) fills from position 0, and a poll of it meanwhile would find due what is long done
 * (a notice for messages whose read mark is not replayed yet). A subclass says what is due, how to fire one, and what to
 * log when a poll fails.
 */
export abstract class DeadlineProcessor<Due> {
  private poller?: { stop(): void; tick(): Promise<number> };
  private stopped = false;

  constructor(private readonly readModels: ReadModelsReady) {}

  protected abstract due(): Promise<Due[]>;
  protected abstract fire(due: Due): Promise<unknown>;
  /** told only the error's name: messages can quote health data */
  protected abstract failed(errorName: string): void;

  onApplicationBootstrap(): void {
    // read now: a mistaken DEADLINE_POLL_MS stops the start, rather than the process once the read models are ready
    const intervalMs = deadlinePollMs();
    void this.readModels.whenReadModelsReady().then(() => {
      if (this.stopped) return;
      this.poller = startDeadlinePoller<Due>({
        intervalMs,
        due: () => this.due(),
        fire: (due) => this.fire(due),
        onError: (name) => this.failed(name),
      });
    });
  }

  /**
   * Polls once now, after any poll under way, and resolves with how many deadlines it fired (0 before polling has
   * started). The test clock calls it so that what a clock move made due is done when the move is answered.
   */
  pollNow(): Promise<number> {
    return this.poller?.tick() ?? Promise.resolve(0);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.poller?.stop();
  }
}
