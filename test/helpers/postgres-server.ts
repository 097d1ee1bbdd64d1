import { Client } from 'pg';

/**
 * One connection to a PostgreSQL server's maintenance database, for creating and dropping the
 * databases a test run or a benchmark works in; `needs` says who needs it when none answers.
 */
export async function withPostgresServer<T>(serverUrl: string, needs: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`${needs} PostgreSQL at ${serverUrl}: ${String(error)}`);
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
