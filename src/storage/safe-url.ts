import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Provider output URLs come from outside; fetching one must not become a way into our own
 * network (SSRF). Only public unicast addresses are reachable, over https. The simulator runs on
 * loopback over plain http, so `allowLoopback` (set when SIM_URL is configured) opens loopback
 * and nothing else.
 *
 * The check runs twice: once before any request (clear error, no connection at all), and again
 * inside the socket's own DNS lookup, so a name that resolves differently the second time (DNS
 * rebinding) is refused at the address the socket would really use.
 */
export interface UrlSafetyOptions {
  allowLoopback: boolean;
  /** Resolves a hostname to every address; node:dns by default. Tests substitute their own. */
  resolve?: ResolveAll;
}

export type ResolveAll = (hostname: string) => Promise<LookupAddress[]>;

export class UnsafeUrlError extends Error {
  override readonly name = 'UnsafeUrlError';
}

const resolveWithDns: ResolveAll = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      if (error) reject(error);
      else resolve(addresses);
    });
  });

/** Parses and checks a URL; resolves its hostname and refuses it unless every address is allowed. */
export async function assertSafeUrl(rawUrl: string, options: UrlSafetyOptions): Promise<URL> {
  const url = parseUrl(rawUrl);
  assertSchemeAllowed(url, options.allowLoopback);
  const host = bareHostname(url);
  const addresses = isIP(host) ? [host] : (await (options.resolve ?? resolveWithDns)(host)).map((entry) => entry.address);
  if (addresses.length === 0) throw new UnsafeUrlError(`${host} resolves to no address`);
  for (const address of addresses) assertAddressAllowed(address, url, options.allowLoopback);
  return url;
}

/**
 * A `lookup` for http.request that applies the same rules to the addresses the socket is about
 * to connect to. Node skips `lookup` for IP literals, which assertSafeUrl has already checked.
 */
export function createSafeLookup(url: URL, options: UrlSafetyOptions): LookupFunction {
  const resolve = options.resolve ?? resolveWithDns;
  return (hostname: string, lookupOptions: LookupOptions, callback) => {
    resolve(hostname)
      .then((resolved) => {
        const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : undefined;
        const addresses = resolved.filter((entry) => wanted === undefined || entry.family === wanted);
        if (addresses.length === 0) throw new UnsafeUrlError(`${hostname} resolves to no usable address`);
        for (const entry of addresses) assertAddressAllowed(entry.address, url, options.allowLoopback);
        if (lookupOptions.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, '', 0));
  };
}

/** Why an address may not be fetched, or undefined when it may. */
export function addressRefusal(address: string, allowLoopback: boolean): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  // IPv4-mapped IPv6 (::ffff:10.0.0.1) reaches the IPv4 host: judge it as that host.
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (range === 'unicast') return undefined;
  if (range === 'loopback' && allowLoopback) return undefined;
  return `${address} is a ${range} address`;
}

function isLoopbackAddress(address: string): boolean {
  return ipaddr.isValid(address) && ipaddr.process(address).range() === 'loopback';
}

function assertAddressAllowed(address: string, url: URL, allowLoopback: boolean): void {
  const refusal = addressRefusal(address, allowLoopback);
  if (refusal) throw new UnsafeUrlError(`Refusing ${url.hostname}: ${refusal}`);
  if (url.protocol === 'http:' && !isLoopbackAddress(address)) {
    throw new UnsafeUrlError(`Refusing plain http to ${url.hostname}: only https is allowed beyond the simulator`);
  }
}

function assertSchemeAllowed(url: URL, allowLoopback: boolean): void {
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && allowLoopback) return; // its addresses must still be loopback
  throw new UnsafeUrlError(`Refusing ${url.protocol} URL: only https is allowed`);
}

function parseUrl(rawUrl: string): URL {
  try {
    return new URL(rawUrl);
  } catch {
    throw new UnsafeUrlError('Not a valid absolute URL');
  }
}

// URL keeps IPv6 literals in brackets; DNS and ipaddr want them bare.
function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}
