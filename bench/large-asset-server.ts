/**
 * Child process of store-large-asset.ts: serves `<bytes>` of padded MP4 on loopback. It runs
 * apart so that the bench's memory figure is the worker's alone.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { paddedMp4Body } from '../test/storage/media-fixtures';

const [mp4Path, bytesArg] = process.argv.slice(2);
const mp4 = readFileSync(mp4Path);

const server = http.createServer((request, response) => {
  const bytes = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('bytes') ?? bytesArg);
  response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': bytes });
  pipeline(paddedMp4Body(mp4, bytes), response).catch(() => undefined);
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => process.exit(0));
