/**
 * At most `slots` pieces of work at once; the rest wait their turn in arrival order. Used where each piece holds a
 * lot of memory (a large upload being read, decoded and graded), so memory stays flat however many arrive at once.
 */
export class WorkLimiter {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(readonly slots: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new Error('A work limiter needs at least one slot.');
  }

  /** How many are running and how many wait (for tests and the bench). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.queue.length };
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.slots) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.running++;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, so a newcomer can never overtake it.
      const next = this.queue.shift();
      if (next) next();
      else this.running--;
    }
  }
}
