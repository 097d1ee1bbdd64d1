/**
 * `npm run temporal:dev`: the Temporal dev server for people, with the Web UI and CONTRACT.md's
 * search attributes, keeping its history in DATA_DIR so a restart loses nothing.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { startDevServer } from '../src/temporal/dev-server';

async function main(): Promise<void> {
  const config = loadConfig();
  mkdirSync(config.dataDir, { recursive: true });
  const server = await startDevServer({
    port: config.devServer.port,
    uiPort: config.devServer.uiPort,
    dbFilename: path.join(config.dataDir, 'temporal.sqlite'),
    logStream: process.stderr,
  });
  console.log(`Temporal dev server at ${server.address}; Web UI at ${server.uiUrl}`);
  const stop = (): void => {
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  server.process.once('exit', (code) => process.exit(code ?? 1));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
