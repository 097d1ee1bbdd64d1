import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { isNotificationEvent, NOTIFICATION_EVENTS, type NotificationEvent } from '../domain/notifications';

/** The body a receiver gets: CONTRACT's signed JSON, or Slack's incoming-webhook `{ text }`. */
export type TargetFormat = 'json' | 'slack';

/** One receiver of NOTIFY_WEBHOOK_URLS. */
export interface WebhookTarget {
  /**
   * Names the receiver in the database and the delivery ids without its URL: a URL can itself
   * be a credential (a Slack incoming webhook's path is), so only this key and `label` are kept.
   */
  key: string;
  /** What is sent to: the URL as configured, less the `format` query parameter. */
  url: string;
  /** Scheme, host and port, for the page and the logs. */
  label: string;
  format: TargetFormat;
  /** Only these events; absent: every one. */
  events?: readonly NotificationEvent[];
  /** Only these projects' events; absent: every project's. */
  projects?: readonly number[];
}

const SETTING = 'NOTIFY_WEBHOOK_URLS';

/**
 * `NOTIFY_WEBHOOK_URLS` (CONTRACT.md): URLs separated by spaces, each optionally followed by
 * `#events=a,b` and `#projects=7+8`; `?format=slack` on a URL sends Slack's shape. A malformed
 * entry stops the start; the message names the entry by position, never by its URL, which may
 * hold a credential. `production`: a URL outside loopback must be HTTPS.
 */
export function parseWebhookTargets(value: string | undefined, options: { production: boolean }): WebhookTarget[] {
  const entries = (value ?? '').split(/\s+/).filter((entry) => entry !== '');
  const targets = entries.map((entry, index) => parseEntry(entry, index + 1, options.production));
  const keys = new Set(targets.map((t) => t.key));
  if (keys.size !== targets.length) throw settingError('lists the same URL twice');
  return targets;
}

function parseEntry(entry: string, position: number, production: boolean): WebhookTarget {
  const [address, ...suffixes] = entry.split('#');
  const url = URL.canParse(address) ? new URL(address) : undefined;
  const at = `entry ${position}`;
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw settingError(`${at} is not an http(s) URL`);
  }
  if (url.username || url.password) throw settingError(`${at} carries credentials in its URL; use NOTIFY_WEBHOOK_SECRET`);
  if (production && url.protocol !== 'https:' && !isLoopback(url.hostname)) {
    throw settingError(`${at} must be https:// when NODE_ENV=production (plain http only on loopback)`);
  }
  const format = url.searchParams.get('format') ?? 'json';
  if (format !== 'json' && format !== 'slack') throw settingError(`${at} has format=${format}; the formats are json and slack`);
  url.searchParams.delete('format');
  const target: WebhookTarget = {
    key: createHash('sha256').update(url.href).digest('hex').slice(0, 16),
    url: url.href,
    label: url.origin,
    format,
  };
  const seen = new Set<string>();
  for (const suffix of suffixes) {
    const [name, list = '', ...rest] = suffix.split('=');
    if (seen.has(name) || rest.length > 0) throw settingError(`${at} repeats or misspells "#${name}"`);
    seen.add(name);
    if (name === 'events') target.events = parseEvents(list, at);
    else if (name === 'projects') target.projects = parseProjects(list, at);
    else throw settingError(`${at} has "#${name}"; the filters are #events=a,b and #projects=7+8`);
  }
  return target;
}

function parseEvents(list: string, at: string): NotificationEvent[] {
  const events = list.split(',').map((name) => name.trim());
  const unknown = events.find((name) => !isNotificationEvent(name));
  if (unknown !== undefined) {
    throw settingError(`${at} filters on "${unknown}"; the events are ${NOTIFICATION_EVENTS.join(', ')}`);
  }
  return events as NotificationEvent[];
}

function parseProjects(list: string, at: string): number[] {
  if (!/^[1-9]\d{0,9}(\+[1-9]\d{0,9})*$/.test(list)) throw settingError(`${at} needs #projects=7+8 (project ids joined by +)`);
  return list.split('+').map(Number);
}

/** The receivers that want this event of this project. */
export function targetsFor(targets: readonly WebhookTarget[], event: NotificationEvent, projectId: number): WebhookTarget[] {
  return targets.filter(
    (target) =>
      (target.events === undefined || target.events.includes(event)) &&
      (target.projects === undefined || target.projects.includes(projectId)),
  );
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function settingError(problem: string): Error {
  return new Error(`Invalid environment: ${SETTING} ${problem}`);
}
