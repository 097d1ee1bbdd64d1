/**
 * `npm run sim`: the simulator as a process of its own, for the demo and for manual runs.
 * SIM_PORT (default 7070), SIM_SCENARIOS (a JSON file of scenario rules), SIM_LATENCY_MS
 * (default 2000: tasks visibly pass through pending and processing), SIM_TIMEOUT_FAULT_MS
 * (default 30000), DATA_DIR (rendered media are cached under <DATA_DIR>/sim-cache), and the
 * judge's and reviewers' settings (src/sim/sim-env.ts: SIM_JUDGE, SIM_JUDGE_NOISE, SIM_SEED,
 * SIM_PROVIDER_PROFILE, SIM_REVIEWER_BARS, SIM_REVIEWER_SIGMA; default an exact judge).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { loadConfig } from '../config';
import { parseScenarioRules, type ScenarioRule } from './scenario-rules';
import { simSettingsFromEnv } from './sim-env';
import { startSimulator } from './server';

const SimEnvSchema = z.object({
  SIM_SCENARIOS: z.string().trim().optional(),
  SIM_LATENCY_MS: z.coerce.number().int().min(0).default(2000),
  SIM_TIMEOUT_FAULT_MS: z.coerce.number().int().min(0).default(30_000),
  SIM_HOST: z.string().trim().min(1).default('127.0.0.1'),
});

async function readScenarios(file: string | undefined): Promise<ScenarioRule[]> {
  if (file === undefined || file === '') return [];
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`SIM_SCENARIOS: cannot read ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`SIM_SCENARIOS: ${file} is not valid JSON: ${(error as Error).message}`);
  }
  return parseScenarioRules(json);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const env = SimEnvSchema.parse(process.env);
  const settings = simSettingsFromEnv(process.env);
  const scenarios = await readScenarios(env.SIM_SCENARIOS);
  const sim = await startSimulator({
    port: config.simPort,
    host: env.SIM_HOST,
    scenarios,
    latencyMs: env.SIM_LATENCY_MS,
    timeoutFaultMs: env.SIM_TIMEOUT_FAULT_MS,
    dataDir: path.join(config.dataDir, 'sim-cache'),
    logRequests: config.logLevel === 'debug',
    settings,
  });
  console.log(`simulator listening at ${sim.url} (${scenarios.length} scenario rules, latency ${env.SIM_LATENCY_MS} ms)`);
  const started = sim.settings();
  console.log(`judge ${JSON.stringify(started.judge)} (seed ${started.seed}), provider profile ${started.providerProfile ? 'on' : 'off'}`);
  console.log(`point the product at it with SIM_URL=${sim.url}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`simulator stopping (${signal})`);
    sim.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('simulator did not stop cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
