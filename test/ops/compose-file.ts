import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const ROOT = path.resolve(__dirname, '../..');

export interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string } | string;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] | string };
  stop_grace_period?: string;
  deploy?: { replicas?: number };
  container_name?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** docker-compose.yml as Compose reads it: YAML merge keys (`<<: *anchor`) applied. */
export function readComposeFile(): ComposeFile {
  return parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;
}

/**
 * A value after Compose's interpolation with an empty host environment: `${X:-default}` gives
 * the default, `${X}` gives '', `${X:?message}` gives `<required X>`, so what a setting falls
 * back to can be checked without Docker.
 */
export function interpolate(value: string): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::?([-?])([^}]*))?\}/g, (_match, name: string, kind?: string, rest?: string) => {
    if (kind === '-') return rest ?? '';
    if (kind === '?') return `<required ${name}>`;
    return '';
  });
}

export function environmentOf(service: ComposeService): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, String(value ?? '')]));
}

export function words(value: string[] | string | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : value.split(/\s+/).filter((word) => word !== '');
}

/** `source:target[:mode]` → the named volume or host path, and where it is mounted. */
export function mounts(service: ComposeService): { source: string; target: string }[] {
  return (service.volumes ?? []).map((entry) => {
    const [source, target] = entry.split(':');
    return { source, target };
  });
}

/** Container ports a service publishes ("9464:9464" → 9464). */
export function publishedContainerPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((entry) => Number(String(entry).split(':').at(-1)));
}
