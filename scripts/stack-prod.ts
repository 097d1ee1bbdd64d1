/**
 * `npm run stack:prod`: the production topology on this host without Docker (README "Running the
 * production stack here"): src/stack/production-stack.ts on the local PostgreSQL, with the ports
 * of the settings (TEMPORAL_PORT, TEMPORAL_UI_PORT, PORT; STACK_POSTGRES_URL) and its files under
 * DATA_DIR/stack-prod. The rest of the environment goes on to the workers and the web server.
 * Prints every URL; Ctrl-C stops everything it started.
 */
import path from 'node:path';
import { loadConfig } from '../src/config';
import { startProductionStack } from '../src/stack/production-stack';

async function main(): Promise<void> {
  const config = loadConfig();
  const postgres = new URL(config.stackPostgresUrl);
  const stack = await startProductionStack({
    postgres: {
      host: postgres.hostname,
      port: Number(postgres.port || 5432),
      user: decodeURIComponent(postgres.username || 'postgres'),
      password: postgres.password ? decodeURIComponent(postgres.password) : undefined,
    },
    dataDir: path.join(config.dataDir, 'stack-prod'),
    ports: { temporal: config.devServer.port, ui: config.devServer.uiPort, web: config.port },
    say: (line) => process.stdout.write(`starting ${line}\n`),
  });
  process.stdout.write(
    [
      '',
      `Review page and API   ${stack.webUrl}   (Authorization: Bearer ${stack.reviewToken})`,
      `Temporal frontend     ${stack.temporalAddress}   (temporal workflow list --address ${stack.temporalAddress})`,
      `Temporal Web UI       ${stack.temporalUiUrl}`,
      `Object store (S3)     ${stack.s3Endpoint}   bucket scene-assets`,
      `Product database      ${stack.databaseUrl}`,
      ...(stack.simulatorUrl ? [`Provider simulator    ${stack.simulatorUrl}   (no provider key set)`] : []),
      `Logs                  ${stack.logDir}`,
      '',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('stopping...\n');
    stack.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`stack:prod: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
