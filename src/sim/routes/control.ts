import type { FastifyInstance } from 'fastify';
import { InvalidScenarioRulesError, parseScenarioRules } from '../scenario-rules';
import { applySettings, InvalidSimSettingsError } from '../sim-settings';
import type { SimContext } from '../sim-context';

/** The simulator's own controls, for tests and demo scripts (CONTRACT.md "The simulator"). */
export function registerControlRoutes(app: FastifyInstance, context: SimContext, reset: () => void): void {
  app.post('/_sim/scenarios', async (request, reply) => {
    try {
      const rules = parseScenarioRules(request.body);
      context.book.replace(rules);
      return { rules: rules.length };
    } catch (error) {
      if (error instanceof InvalidScenarioRulesError) return reply.code(400).send({ error: error.message });
      throw error;
    }
  });

  app.get('/_sim/scenarios', async () => context.book.list());

  app.post('/_sim/settings', async (request, reply) => {
    try {
      context.settings = applySettings(context.settings, request.body);
      return context.settings;
    } catch (error) {
      if (error instanceof InvalidSimSettingsError) return reply.code(400).send({ error: error.message });
      throw error;
    }
  });

  app.get('/_sim/settings', async () => context.settings);

  app.get('/_sim/calls', async () => context.counts.snapshot(context.book.usage()));

  app.post('/_sim/reset', async () => {
    reset();
    return { reset: true };
  });

  app.get('/_sim/health', async () => ({ ok: true }));
}
