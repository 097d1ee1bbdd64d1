import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { SimContext } from '../sim-context';

/**
 * The generated outputs, at the URLs the provider routes hand out. A task scripted with
 * `expired_url` succeeds, but its URLs answer 410 Gone, like a provider URL past its lifetime.
 */
export function registerFileRoutes(app: FastifyInstance, context: SimContext): void {
  app.get<{ Params: { name: string } }>('/_sim/files/:name', async (request, reply) => {
    const found = context.tasks.resolveFileName(request.params.name);
    if (found === undefined) return reply.code(404).send({ error: `no such file: ${request.params.name}` });
    const { task, index } = found;
    // A HEAD (a size check before downloading) is not a download.
    if (request.method !== 'HEAD') context.counts.count(task.provider, 'downloads');
    if (task.fault === 'expired_url') {
      return reply.code(410).send({ error: 'This URL has expired; request the task again for a fresh one' });
    }
    const outcome = await context.tasks.outcome(task, Infinity);
    if (outcome.state !== 'succeeded') return reply.code(404).send({ error: 'this task has no output' });
    const file = outcome.files[index];
    return reply
      .header('content-type', file.contentType)
      .header('content-length', String(file.sizeBytes))
      .header('cache-control', 'private, max-age=3600')
      .send(createReadStream(file.path));
  });
}
