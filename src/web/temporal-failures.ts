import { isGrpcDeadlineError, isGrpcServiceError } from '@temporalio/client';
import { HttpError } from './http-error';

const GRPC_UNAVAILABLE = 14;

/**
 * Temporal not answering is a 503 the caller can retry, not a fault of the request or a 500;
 * anything else is passed back unchanged for the error handler to log.
 */
export function translateTemporalFailure(error: unknown): unknown {
  if (isGrpcDeadlineError(error)) return new HttpError(503, 'Temporal did not answer in time; is a worker running?');
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    if (isGrpcServiceError(cause) && cause.code === GRPC_UNAVAILABLE) return new HttpError(503, 'Temporal is unavailable');
  }
  return error;
}
