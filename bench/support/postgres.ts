import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { withPostgresServer } from '../../test/helpers/postgres-server';

/**
 * A fresh PostgreSQL database per benchmark run, dropped afterwards. PostgreSQL rather than the
 * embedded database because a worker in its own process needs a server, and because 1,000
 * scenes' writes are what the product does in production. BENCH_DATABASE_URL names the server.
 */
export const BENCH_SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `scene_regen_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  await withServer((client) => client.query(`create database ${name}`));
  const url = new URL(BENCH_SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withServer((client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

function withServer<T>(work: (client: Client) => Promise<T>): Promise<T> {
  return withPostgresServer(BENCH_SERVER_URL, 'The benchmarks need (set BENCH_DATABASE_URL)', work);
}
