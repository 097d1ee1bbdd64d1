import { Client, type Connection, type WorkflowClientInterceptor } from '@temporalio/client';

/**
 * A client whose every call about a workflow (start, signal, query, describe, cancel, terminate)
 * has a deadline: a Temporal server or worker that does not answer fails the call with
 * DEADLINE_EXCEEDED after `deadlineMs` instead of holding the request, or the reconciler's pass,
 * for ever. Waiting for a result (a long poll) is not one of them.
 */
export function clientWithDeadlines(connection: Connection, namespace: string, deadlineMs: number): Client {
  return new Client({ connection, namespace, interceptors: { workflow: [deadlineInterceptor(connection, deadlineMs)] } });
}

function deadlineInterceptor(connection: Connection, deadlineMs: number): WorkflowClientInterceptor {
  const within = <T>(call: () => Promise<T>): Promise<T> => connection.withDeadline(Date.now() + deadlineMs, call);
  return {
    startWithDetails: (input, next) => within(() => next(input)),
    signal: (input, next) => within(() => next(input)),
    signalWithStart: (input, next) => within(() => next(input)),
    query: (input, next) => within(() => next(input)),
    describe: (input, next) => within(() => next(input)),
    cancel: (input, next) => within(() => next(input)),
    terminate: (input, next) => within(() => next(input)),
  };
}
