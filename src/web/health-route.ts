import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { HttpError } from './http-error';

/** Ready when the database answers; Temporal's own health is visible on each request that needs it. */
export function registerHealthRoute(app: FastifyInstance, db: Db): void {
  app.get('/healthz', async (request) => {
    try {
      await sql`select 1`.execute(db.kysely);
    } catch (error) {
      request.log.error({ err: error }, 'health check: database did not answer');
      throw new HttpError(503, 'Database unavailable');
    }
    return { status: 'ok' };
  });
}
