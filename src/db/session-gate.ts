/**
 * PGlite is a single PostgreSQL session. Every user of it (this process's kysely and each
 * connection a later process makes over the socket) takes this gate for as long as the session
 * carries its state: one statement, or a whole transaction. Without it one user's statement
 * would run inside another's transaction and commit or roll back with it.
 *
 * Holders are served first come, first served, so a busy connection cannot starve the others.
 */
export class SessionGate {
  private held = false;
  private readonly waiting: (() => void)[] = [];

  /** Resolves once the caller holds the gate; call the returned function exactly once to let go. */
  async acquire(): Promise<() => void> {
    if (this.held) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.held = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.handOn();
    };
  }

  private handOn(): void {
    const next = this.waiting.shift();
    // The next waiter inherits `held = true`: nobody can slip in between.
    if (next === undefined) this.held = false;
    else next();
  }
}
