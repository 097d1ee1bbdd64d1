import { randomBytes } from 'node:crypto';
import { startDevServer } from '../../src/temporal/dev-server';
import {
  prepareTemporalSchema,
  setupTemporalNamespace,
  startProductionServer,
  type TemporalDatabases,
} from '../../src/temporal/production-server';
import { withPostgresServer } from '../../test/helpers/postgres-server';
import { BENCH_SERVER_URL } from './postgres';
import { cpuSeconds } from './proc-stats';

/**
 * 'dev': the CLI's dev server (SQLite in memory, one history shard), as the other benchmarks run.
 * 'production': Temporal's own server on PostgreSQL persistence and SQL visibility, as
 * `npm run stack:prod` starts it (deploy/temporal/), in databases of its own on BENCH_DATABASE_URL.
 */
export type BenchServerKind = 'dev' | 'production';

/** BENCH_PRODUCTION_SERVER=1: the benchmarks that compare servers also run on the production one. */
export function benchServerKinds(): BenchServerKind[] {
  return process.env.BENCH_PRODUCTION_SERVER === '1' ? ['dev', 'production'] : ['dev'];
}

export interface BenchTemporal {
  kind: BenchServerKind;
  address: string;
  pid: number;
  /**
   * CPU seconds used so far by the PostgreSQL backends serving this server's databases (none for
   * the dev server). Backends come from Temporal's connection pool and stay open, so the
   * difference of two readings is their work in between; a backend closed in between is lost.
   */
  postgresCpu(): Promise<Map<number, number>>;
  stop(): Promise<void>;
}

export async function startBenchTemporal(
  kind: BenchServerKind,
  dynamicConfig?: Record<string, string | number | boolean>,
): Promise<BenchTemporal> {
  if (kind === 'dev') {
    const server = await startDevServer({ startTimeoutMs: 120_000, dynamicConfig });
    return { kind, address: server.address, pid: server.process.pid!, postgresCpu: async () => new Map(), stop: () => server.stop() };
  }
  if (dynamicConfig) throw new Error('the production server takes its dynamic config from deploy/temporal/dynamicconfig.yaml');
  const url = new URL(BENCH_SERVER_URL);
  const prefix = `bench_${process.pid}_${randomBytes(3).toString('hex')}_`;
  const databases: TemporalDatabases = {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    password: url.password ? decodeURIComponent(url.password) : undefined,
    names: { temporal: `${prefix}temporal`, visibility: `${prefix}temporal_visibility` },
  };
  const names = Object.values(databases.names!);
  const drop = () =>
    withPostgresServer(BENCH_SERVER_URL, 'The benchmarks need', async (client) => {
      for (const name of names) await client.query(`drop database if exists "${name}" with (force)`);
    });
  try {
    await prepareTemporalSchema(databases);
    const server = await startProductionServer({ databases });
    try {
      await setupTemporalNamespace({ address: server.address });
    } catch (error) {
      await server.stop();
      throw error;
    }
    const postgresCpu = () =>
      withPostgresServer(BENCH_SERVER_URL, 'The benchmarks need', async (client) => {
        const { rows } = await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = any($1)', [names]);
        const used = new Map<number, number>();
        for (const { pid } of rows) {
          try {
            used.set(pid, cpuSeconds(pid));
          } catch {
            // Closed between the query and the read.
          }
        }
        return used;
      });
    return {
      kind,
      address: server.address,
      pid: server.process.pid!,
      postgresCpu,
      stop: async () => {
        await server.stop();
        await drop();
      },
    };
  } catch (error) {
    await drop();
    throw error;
  }
}

/** CPU seconds the backends used between two readings of postgresCpu(). */
export function postgresCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}
