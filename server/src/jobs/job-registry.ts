/** Job handlers by name. The runner will not start while a pending job names an unknown handler. */
export interface JobHandler<P = unknown> {
  run(payload: P): Promise<void>;
  /** Called once after the last attempt failed. */
  giveUp?(payload: P, error: unknown): Promise<void>;
}

export class JobRegistry {
  private readonly handlers = new Map<string, JobHandler<never>>();

  register<P>(name: string, handler: JobHandler<P>): this {
    if (this.handlers.has(name)) throw new Error(`job handler "${name}" registered twice`);
    this.handlers.set(name, handler as JobHandler<never>);
    return this;
  }

  get(name: string): JobHandler<unknown> | undefined {
    return this.handlers.get(name) as JobHandler<unknown> | undefined;
  }

  has(name: string): boolean {
    return this.handlers.has(name);
  }
}
