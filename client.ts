import { Connection } from '@temporalio/client';
import { clientWithDeadlines } from './src/temporal/call-deadline';
import { explainTemporalConnectFailure, loadConfig } from './src/config';
import { runCli } from './src/cli/cli';

/** The operator and pipeline CLI: `ts-node client.ts <command>` (see src/cli/cli.ts). */
async function main(): Promise<number> {
  const config = loadConfig();
  let connection: Connection | undefined;
  try {
    return await runCli(process.argv.slice(2), {
      taskQueue: config.temporal.taskQueue,
      print: (text) => process.stdout.write(`${text}\n`),
      printError: (text) => process.stderr.write(`${text}\n`),
      client: async () => {
        connection ??= await Connection.connect(config.temporal.connection).catch((error: unknown) => {
          throw explainTemporalConnectFailure(error, config.temporal.connection);
        });
        return clientWithDeadlines(connection, config.temporal.namespace, config.temporal.callTimeoutMs);
      },
    });
  } finally {
    await connection?.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
