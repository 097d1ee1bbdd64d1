import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseScenarioRules } from '../../src/sim/scenario-rules';
import type { Simulator } from '../../src/sim/server';
import { ANTHROPIC_HEADERS, analysisRequest } from './judge-helpers';
import { call, sleep, startTestSimulator } from './sim-test-helpers';

describe('simulator: controls', function () {
  this.timeout(30_000);
  let sim: Simulator;

  before(async () => {
    sim = await startTestSimulator();
  });
  after(() => sim.stop());
  beforeEach(() => sim.reset());

  it('replaces rules with POST /_sim/scenarios and rejects a bad body with 400', async () => {
    const ok = await call(`${sim.url}/_sim/scenarios`, { json: [{ match: 'barn', scores: [50] }, { match: 'mill' }] });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.rules, 2);
    assert.deepEqual((await call(`${sim.url}/_sim/scenarios`)).body.map((rule: { match: string }) => rule.match), ['barn', 'mill']);

    for (const bad of [{ match: 'barn' }, [{ scores: [50] }], [{ match: 'barn', faults: { kling: ['http529'] } }], [{ match: 'x', scores: [101] }]]) {
      const response = await call(`${sim.url}/_sim/scenarios`, { json: bad });
      assert.equal(response.status, 400, JSON.stringify(bad));
      assert.match(response.body.error, /Invalid scenario rules/);
    }
    const notJson = await fetch(`${sim.url}/_sim/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[{' });
    assert.equal(notJson.status, 400);
    assert.equal((await call(`${sim.url}/_sim/scenarios`)).body.length, 2, 'a rejected body leaves the rules as they were');
  });

  it('validates rules in setScenarios and names the offending field', () => {
    assert.throws(() => sim.setScenarios([{ match: 'x', faults: { claude: ['expired_url'] } }] as never), /faults\.claude\.0/);
    assert.throws(() => parseScenarioRules([{ match: 'x', faults: { midjourney: ['http500'] } }]), /faults/);
    assert.throws(() => parseScenarioRules([{ match: ' ' }]), /match/);
    assert.equal(parseScenarioRules([{ match: 'x', faults: { claude: ['http529', 'malformed'], kling: ['expired_url'] } }]).length, 1);
  });

  it('counts submissions, polls, downloads and analyses per provider and per rule, and resets them', async () => {
    await call(`${sim.url}/_sim/scenarios`, { json: [{ match: 'barn', scores: [50] }] });
    const headers = { 'x-api-key': 'k' };
    const created = await call(`${sim.url}/api/v1/task`, {
      headers,
      json: { model: 'Qubico/flux1-schnell', task_type: 'txt2img', input: { prompt: 'A red barn', width: 256, height: 256 } },
    });
    let data;
    do {
      data = (await call(`${sim.url}/api/v1/task/${created.body.data.task_id}`, { headers })).body.data;
      if (data.status !== 'completed') await sleep(30);
    } while (data.status !== 'completed');
    await (await fetch(data.output.image_url)).arrayBuffer();
    await call(`${sim.url}/v1/messages`, { headers: ANTHROPIC_HEADERS, json: analysisRequest({ visualDirection: 'A red barn', prompt: 'A red barn' }) });

    const calls = (await call(`${sim.url}/_sim/calls`)).body;
    assert.equal(calls.providers.flux.submissions, 1);
    assert.ok(calls.providers.flux.polls >= 1);
    assert.equal(calls.providers.flux.downloads, 1);
    assert.equal(calls.providers.kling.submissions, 0);
    assert.equal(calls.analyses, 1);
    assert.deepEqual(calls.rules.barn, { generations: 1, analyses: 1 });
    assert.deepEqual(sim.calls(), calls);

    assert.equal((await call(`${sim.url}/_sim/reset`, { method: 'POST' })).status, 200);
    const cleared = (await call(`${sim.url}/_sim/calls`)).body;
    assert.equal(cleared.providers.flux.submissions, 0);
    assert.equal(cleared.analyses, 0);
    assert.deepEqual(cleared.rules, {});
    assert.deepEqual((await call(`${sim.url}/_sim/scenarios`)).body, []);
  });

  it('runs as `npm run sim`: reads SIM_PORT and SIM_SCENARIOS, logs its URL, stops on SIGTERM', async function () {
    const directory = await mkdtemp(path.join(tmpdir(), 'sim-main-'));
    const scenarios = path.join(directory, 'scenarios.json');
    await writeFile(scenarios, JSON.stringify([{ match: 'barn', scores: [61] }]));
    const child = spawn(process.execPath, ['-r', 'ts-node/register', 'src/sim/main.ts'], {
      env: { ...process.env, SIM_PORT: '0', SIM_SCENARIOS: scenarios, DATA_DIR: directory },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const found = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (found) resolve(found[1]);
        });
        child.on('exit', (code) => reject(new Error(`sim exited early with ${code}: ${output}`)));
      });
      const rules = (await call(`${url}/_sim/scenarios`)).body;
      assert.deepEqual(rules, [{ match: 'barn', scores: [61] }]);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(directory, { recursive: true, force: true });
    }
  });
});
