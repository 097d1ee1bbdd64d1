import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_ENV_KEYS, loadConfig } from '../../src/config';
import { SEARCH_ATTRIBUTE_FLAGS } from '../../src/domain/search-attributes';
import {
  environmentOf,
  interpolate,
  mounts,
  publishedContainerPorts,
  readComposeFile,
  ROOT,
  words,
  type ComposeFile,
  type ComposeService,
} from './compose-file';
import { execForm, finalStage, readDockerfile } from './dockerfile';
import { runtimePackages } from './runtime-imports';

/*
 * No Docker engine runs here, so `docker compose config` and `up` cannot check the stack. This
 * checks its wiring against the code instead: what each service runs, which variables it gets
 * (only ones src/config.ts reads, and all the product needs), and that the services point at
 * each other the way the code expects.
 */

const APP_SERVICES = ['worker', 'web'] as const;
/** The npm script each role runs in the image: compiled JavaScript, not ts-node. */
const PRODUCTION_SCRIPTS: Record<(typeof APP_SERVICES)[number], string> = { worker: 'worker:prod', web: 'start' };
const PROVIDER_KEYS = ['ANTHROPIC_API_KEY', 'PIAPI_API_KEY', 'RUNWAYML_API_SECRET', 'FAL_KEY'];

describe('docker-compose.yml', () => {
  let compose: ComposeFile;
  const service = (name: string): ComposeService => {
    const found = compose.services[name];
    assert.ok(found, `service ${name} is missing`);
    return found;
  };
  const env = (name: string): Record<string, string> => environmentOf(service(name));

  before(() => {
    compose = readComposeFile();
  });

  it('has the whole stack: Temporal on PostgreSQL, its UI and setup, the product database, the object store, worker and web', () => {
    for (const name of ['postgresql', 'temporal-schema', 'temporal', 'temporal-setup', 'temporal-ui', 'app-db', 'object-store', ...APP_SERVICES]) {
      service(name);
    }
    assert.equal(env('temporal').DB, 'postgres12');
    assert.equal(env('temporal').POSTGRES_SEEDS, 'postgresql');
    assert.equal(env('temporal-schema').POSTGRES_SEEDS, 'postgresql');
    assert.match(service('temporal-ui').image ?? '', /^temporalio\/ui:/);
    assert.match(service('app-db').image ?? '', /^postgres:/);
    for (const [name, svc] of Object.entries(compose.services)) {
      // Built services name their own image; pulled ones must name a release.
      if (svc.image === undefined || svc.build !== undefined) continue;
      // A moving tag would change the stack under a deployment that did not change.
      assert.doesNotMatch(svc.image, /:latest$|^[^:]+$/, `${name} pins no version`);
    }
    for (const svc of Object.values(compose.services)) {
      assert.ok(!('<<' in (svc.environment ?? {})), 'a YAML merge key was not applied');
    }
  });

  it('builds worker and web from the repository Dockerfile and runs their compiled scripts', () => {
    for (const name of APP_SERVICES) {
      const build = service(name).build;
      const { context, dockerfile } = typeof build === 'string' ? { context: build, dockerfile: undefined } : (build ?? {});
      assert.equal(path.resolve(ROOT, context ?? ''), ROOT, `${name} builds from the repository root`);
      assert.ok(existsSync(path.join(ROOT, context ?? '.', dockerfile ?? 'Dockerfile')), `${name}'s Dockerfile exists`);
      const command = words(service(name).command);
      assert.deepEqual(
        command.filter((word) => !word.startsWith('-')),
        ['npm', 'run', PRODUCTION_SCRIPTS[name]],
        `${name} runs: ${command.join(' ')}`,
      );
      assertRunsBuildOutput(PRODUCTION_SCRIPTS[name]);
    }
  });

  it('sets on worker and web only variables src/config.ts reads, and every one the product needs', () => {
    for (const name of APP_SERVICES) {
      for (const key of Object.keys(env(name))) {
        assert.ok(CONFIG_ENV_KEYS.includes(key), `${name} sets ${key}, which loadConfig never reads`);
      }
      for (const key of ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', 'DATABASE_URL', 'DATA_DIR', 'PUBLIC_URL', 'HOST']) {
        assert.ok(interpolate(env(name)[key] ?? '') !== '', `${name} needs ${key}`);
      }
    }
    assert.ok(env('web').PORT, 'web needs PORT');
    assert.ok(env('worker').METRICS_PORT, 'worker needs METRICS_PORT');
    // Required, not defaulted: an unset token must stop `docker compose up`, not start an open API.
    assert.match(env('web').REVIEW_API_TOKEN ?? '', /^\$\{REVIEW_API_TOKEN:\?[^}]+\}$/);
    for (const key of PROVIDER_KEYS) {
      // Taken from the host's environment under the same name, never written into the file.
      assert.match(env('worker')[key] ?? '', new RegExp(`^\\$\\{${key}(:-)?\\}$`), `worker's ${key}`);
      assert.equal(env('web')[key], undefined, `the web server has no use for ${key}`);
    }
  });

  it('gives worker and web settings that load, and the same Temporal, task queue, database and object store', () => {
    const worker = env('worker');
    const web = env('web');
    for (const key of [
      'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', 'DATABASE_URL', 'PUBLIC_URL',
      'ASSET_STORE', 'S3_ENDPOINT', 'S3_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY',
    ]) {
      assert.equal(worker[key], web[key], `worker and web disagree on ${key}`);
    }
    for (const name of APP_SERVICES) {
      const resolved = Object.fromEntries(Object.entries(env(name)).map(([key, value]) => [key, interpolate(value)]));
      assert.doesNotThrow(() => loadConfig(resolved), `${name}'s settings do not load`);
    }
  });

  it('points DATABASE_URL at the app-db service, with its user, password and database', () => {
    const db = env('app-db');
    const url = new URL(interpolate(env('worker').DATABASE_URL));
    assert.equal(url.hostname, 'app-db');
    assert.equal(url.port || '5432', '5432');
    assert.equal(url.username, db.POSTGRES_USER);
    assert.equal(url.password, interpolate(db.POSTGRES_PASSWORD));
    assert.equal(url.pathname, `/${db.POSTGRES_DB}`);
    for (const name of APP_SERVICES) {
      assert.equal(service(name).depends_on?.['app-db']?.condition, 'service_healthy', `${name} waits for app-db`);
    }
    assert.ok(service('app-db').healthcheck, 'app-db has a healthcheck');
  });

  it('points TEMPORAL_ADDRESS of worker, web, UI and setup at the temporal service’s frontend port', () => {
    const address = env('worker').TEMPORAL_ADDRESS;
    const [host, port] = address.split(':');
    assert.equal(host, 'temporal');
    assert.ok(publishedContainerPorts(service('temporal')).includes(Number(port)), `temporal serves ${port}`);
    for (const name of ['web', 'temporal-ui', 'temporal-setup']) assert.equal(env(name).TEMPORAL_ADDRESS, address, name);
    assert.equal(env('temporal-setup').TEMPORAL_NAMESPACE, env('worker').TEMPORAL_NAMESPACE);
    for (const name of APP_SERVICES) {
      assert.equal(service(name).depends_on?.temporal?.condition, 'service_healthy', `${name} waits for temporal`);
      assert.equal(
        service(name).depends_on?.['temporal-setup']?.condition,
        'service_completed_successfully',
        `${name} waits for the namespace and search attributes`,
      );
    }
    assert.equal(service('temporal').depends_on?.['temporal-schema']?.condition, 'service_completed_successfully');
    assert.equal(service('temporal-schema').depends_on?.postgresql?.condition, 'service_healthy');
  });

  it('stores assets in the object-store service: its bucket, port and credentials', () => {
    const store = service('object-store');
    assert.match(store.image ?? '', /^versity\/versitygw:v\d/);
    const config = loadConfig(Object.fromEntries(Object.entries(env('worker')).map(([key, value]) => [key, interpolate(value)])));
    assert.equal(config.assetStore.kind, 's3');
    if (config.assetStore.kind !== 's3') return;
    const endpoint = new URL(config.assetStore.endpoint ?? '');
    assert.equal(endpoint.hostname, 'object-store');
    const command = words(store.command).join(' ');
    // versitygw's posix backend serves each folder under its root as a bucket: the command makes ASSET_STORE's.
    const root = /\bposix\s+(\S+)/.exec(command)?.[1];
    assert.ok(root, `object-store runs the posix backend: ${command}`);
    assert.match(command, new RegExp(`mkdir -p ${root}/${config.assetStore.bucket}\\b`));
    assert.match(command, new RegExp(`--port :${endpoint.port}\\b`));
    assert.equal(interpolate(env('object-store').ROOT_ACCESS_KEY), config.assetStore.credentials?.accessKeyId);
    assert.equal(interpolate(env('object-store').ROOT_SECRET_KEY), config.assetStore.credentials?.secretAccessKey);
    assert.ok(mounts(store).some((mount) => mount.target === root && compose.volumes && mount.source in compose.volumes), 'the objects live on a named volume');
    assert.ok(store.healthcheck?.test, 'object-store has a healthcheck');
    for (const name of APP_SERVICES) {
      assert.equal(service(name).depends_on?.['object-store']?.condition, 'service_healthy', `${name} waits for the object store`);
    }
  });

  it('runs two workers and shares no volume between workers and web server', () => {
    const worker = service('worker');
    assert.equal(worker.deploy?.replicas, 2);
    // A fixed name or host port would stop the second replica from starting.
    assert.equal(worker.container_name, undefined);
    for (const port of worker.ports ?? []) assert.doesNotMatch(String(port), /:/, `worker publishes a fixed host port: ${port}`);
    const named = (name: string): string[] =>
      mounts(service(name))
        .map((mount) => mount.source)
        .filter((source) => compose.volumes !== undefined && source in compose.volumes);
    // A named volume on the worker would be shared by its replicas; the web server reads from the object store.
    assert.deepEqual(named('worker'), []);
    assert.deepEqual(named('web'), []);
    assert.ok(!named('object-store').some((source) => named('worker').includes(source) || named('web').includes(source)));
  });

  it('registers the four search attributes of CONTRACT.md with their types', () => {
    const setup = service('temporal-setup');
    assert.match(setup.image ?? '', /^temporalio\/admin-tools:/);
    const declared = words(env('temporal-setup').SEARCH_ATTRIBUTES);
    assert.deepEqual([...declared].sort(), [...SEARCH_ATTRIBUTE_FLAGS].sort());

    // The script the job runs is this repository's, mounted where the command expects it.
    const script = words(setup.command).find((word) => word.endsWith('.sh'));
    const mount = mounts(setup).find((candidate) => script?.startsWith(`${candidate.target}/`));
    assert.ok(script && mount, 'the setup script is mounted from the repository');
    const text = readFileSync(path.join(ROOT, mount.source, script.slice(mount.target.length + 1)), 'utf8');
    assert.match(text, /\$SEARCH_ATTRIBUTES/);
    assert.match(text, /temporal operator search-attribute create/);
    assert.match(text, /temporal operator namespace create/);
  });

  it('runs the Temporal server on deploy/temporal/config.yaml and its dynamic config, the files stack:prod uses', () => {
    const temporal = service('temporal');
    const fileIn = (containerPath: string): string => {
      const mount = mounts(temporal).find((candidate) => containerPath.startsWith(`${candidate.target}/`));
      assert.ok(mount, `${containerPath} is mounted from the repository`);
      return path.join(mount.source, containerPath.slice(mount.target.length + 1));
    };
    const config = fileIn(env('temporal').TEMPORAL_SERVER_CONFIG_FILE_PATH);
    const dynamic = fileIn(env('temporal').DYNAMIC_CONFIG_FILE_PATH);
    assert.equal(path.normalize(config), path.normalize('deploy/temporal/config.yaml'));
    assert.equal(path.normalize(dynamic), path.normalize('deploy/temporal/dynamicconfig.yaml'));
    const text = readFileSync(path.join(ROOT, config), 'utf8');
    assert.match(text, /^# enable-template/, 'the server renders the file as a template only with this first line');
    // The variables the file reads are the ones the compose file sets for the server.
    for (const name of ['POSTGRES_SEEDS', 'POSTGRES_USER', 'POSTGRES_PWD', 'DB_PORT', 'BIND_ON_IP', 'DYNAMIC_CONFIG_FILE_PATH']) {
      assert.match(text, new RegExp(`env "${name}"`), name);
      assert.ok(env('temporal')[name] !== undefined, `the temporal service sets ${name}`);
    }
    assert.match(readFileSync(path.join(ROOT, dynamic), 'utf8'), /^system\.enableActivityEagerExecution:/m);
  });

  it('checks health where it can and gives the worker longer than its shutdown grace time to drain', () => {
    for (const name of ['postgresql', 'temporal', 'app-db', ...APP_SERVICES]) {
      assert.ok(service(name).healthcheck?.test, `${name} has a healthcheck`);
    }
    const metricsPort = Number(env('worker').METRICS_PORT);
    assert.ok(publishedContainerPorts(service('worker')).includes(metricsPort), 'the worker publishes METRICS_PORT');
    assert.match(words(service('worker').healthcheck?.test).join(' '), new RegExp(`:${metricsPort}/metrics`));
    const webPort = Number(env('web').PORT);
    assert.ok(publishedContainerPorts(service('web')).includes(webPort), 'the web server publishes PORT');
    assert.match(words(service('web').healthcheck?.test).join(' '), new RegExp(`:${webPort}/healthz`));
    assert.equal(new URL(interpolate(env('web').PUBLIC_URL)).port, String(webPort), 'PUBLIC_URL reaches the web port');

    const source = readFileSync(path.join(ROOT, 'src/worker/create-worker.ts'), 'utf8');
    const grace = /shutdownGraceTime:\s*'(\d+) seconds'/.exec(source);
    assert.ok(grace, 'create-worker.ts sets shutdownGraceTime in seconds');
    const stopGrace = /^(\d+)s$/.exec(service('worker').stop_grace_period ?? '');
    assert.ok(stopGrace, 'the worker sets stop_grace_period in seconds');
    assert.ok(Number(stopGrace[1]) > Number(grace[1]), 'docker stop must outwait the worker’s drain');
  });
});

describe('Dockerfile', () => {
  const instructions = readDockerfile();
  const stage = finalStage(instructions);

  it('builds with every dependency in a stage of its own, on Node 20 with glibc', () => {
    const froms = instructions.filter((instruction) => instruction.keyword === 'FROM');
    assert.ok(froms.length >= 2, 'multi-stage');
    const nodeImage = instructions.find((instruction) => instruction.keyword === 'ARG' && instruction.args.startsWith('NODE_IMAGE='));
    assert.match(nodeImage?.args ?? '', /^NODE_IMAGE=node:20-(bookworm|bullseye)/);
    const build = instructions.slice(0, instructions.indexOf(stage[0]));
    assert.ok(build.some((instruction) => instruction.keyword === 'RUN' && /\bnpm ci\b(?!.*--omit=dev)/.test(instruction.args)));
    assert.ok(build.some((instruction) => instruction.keyword === 'RUN' && /\bnpm run build\b/.test(instruction.args)));
    assert.ok(instructions.some((instruction) => instruction.keyword === 'COPY' && instruction.args.includes('package-lock.json')));
  });

  it('runs on production dependencies, the compiled code and the review page only', () => {
    assert.ok(
      stage.some((instruction) => instruction.keyword === 'RUN' && /\bnpm ci\b.*--omit=dev\b/.test(instruction.args)),
      'the runtime stage installs production dependencies only',
    );
    const copiedFromBuild = stage
      .filter((instruction) => instruction.keyword === 'COPY' && instruction.args.startsWith('--from='))
      .map((instruction) => instruction.args.split(/\s+/).slice(1, -1).join(' '));
    assert.deepEqual(copiedFromBuild.sort(), ['/app/dist', '/app/src/ui/dist']);
    assert.ok(
      !stage.some((instruction) => instruction.keyword === 'COPY' && /^\.\s/.test(instruction.args)),
      'the sources stay in the build stage',
    );
  });

  it('needs no dev dependency at run time: npm ci --omit=dev leaves those out', () => {
    const { dependencies } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const missing = [...runtimePackages()].filter((name) => !(name in dependencies));
    assert.deepEqual(missing, [], 'imported by compiled code but not in "dependencies"');
  });

  it('runs npm run worker:prod by default, as a non-root user, with a script shell that passes SIGTERM on', () => {
    const cmd = stage.filter((instruction) => instruction.keyword === 'CMD').at(-1);
    assert.ok(cmd, 'the image has a CMD');
    assert.deepEqual(
      execForm(cmd.args).filter((word) => !word.startsWith('-')),
      ['npm', 'run', PRODUCTION_SCRIPTS.worker],
    );
    assert.ok(!stage.some((instruction) => instruction.keyword === 'ENTRYPOINT'), 'compose commands replace CMD only');
    assert.ok(stage.some((instruction) => instruction.keyword === 'USER' && instruction.args !== 'root'));
    assert.ok(
      stage.some((instruction) => instruction.keyword === 'ENV' && /NPM_CONFIG_SCRIPT_SHELL=\/bin\/bash\b/.test(instruction.args)),
      'npm must run scripts with bash so node replaces the shell and receives SIGTERM',
    );
  });

  it('keeps the host’s node_modules and local data out of the build context', () => {
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim());
    for (const entry of ['node_modules', 'data', '.git']) assert.ok(ignored.includes(entry), entry);
    for (const needed of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'worker.ts', 'src', 'workflows', 'activities', 'scripts']) {
      assert.ok(!ignored.includes(needed), `${needed} must reach the image`);
    }
  });
});

/**
 * A production script execs node on a file that `npm run build` emits (tsconfig.build.json
 * compiles the repository root to dist/), so the image needs neither ts-node nor the sources.
 */
function assertRunsBuildOutput(script: string): void {
  const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const match = /^exec node (?:--\S+ )*(dist\/\S+)\.js$/.exec(scripts[script] ?? '');
  assert.ok(match, `"${script}" runs compiled JavaScript with node: ${scripts[script]}`);
  const source = `${match[1].slice('dist/'.length)}.ts`;
  assert.ok(existsSync(path.join(ROOT, source)), `${source} is what dist/ compiles it from`);
  const included = (JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] }).include;
  assert.ok(
    included.some((entry) => source === entry || source.startsWith(`${entry}/`)),
    `tsconfig.build.json compiles ${source}`,
  );
}
