import type { ScenarioRule, SimCalls } from '../../src/sim/server';
import { freePort } from '../../src/temporal/dev-server';
import { startLoggedProcess, type LoggedProcess } from './logged-process';
import { killHard } from './worker-process';

export interface SimulatorProcess {
  url: string;
  logged: LoggedProcess;
  setScenarios(rules: ScenarioRule[]): Promise<void>;
  calls(): Promise<SimCalls>;
  stop(): Promise<void>;
}

/**
 * `npm run sim` in a process of its own, driven through its control routes. A test that loads
 * it with a hundred rounds keeps it off the test's own event loop, so a slow answer from it
 * means the product was slow, not the harness.
 */
export async function startSimulatorProcess(dataDir: string): Promise<SimulatorProcess> {
  const port = await freePort();
  const logged = await startLoggedProcess(
    'src/sim/main.ts',
    { SIM_PORT: String(port), SIM_LATENCY_MS: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    'simulator listening',
  );
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    logged,
    async setScenarios(rules) {
      const response = await fetch(`${url}/_sim/scenarios`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(rules),
      });
      if (!response.ok) throw new Error(`the simulator refused the rules: ${response.status} ${await response.text()}`);
    },
    async calls() {
      return (await (await fetch(`${url}/_sim/calls`)).json()) as SimCalls;
    },
    stop: () => killHard(logged.child),
  };
}
