import { loadConfig } from '../config';
import { startWebServer } from './start';

/** `npm run web`: the HTTP API and stored assets, until SIGTERM or SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const server = await startWebServer(config);
  if (server.generatedToken) {
    // Printed once and never logged: set REVIEW_API_TOKEN to keep one across restarts.
    process.stdout.write(`Review API token for this run: ${server.generatedToken}\n`);
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`web: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
