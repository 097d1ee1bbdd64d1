import { buildWebServer } from './src/web/server';
import { openDatabase, IN_MEMORY } from './src/db/database';
(async () => {
  const db = await openDatabase({ dataDir: IN_MEMORY });
  const app = buildWebServer({ db, temporal: {} as never, taskQueue: 'q', assets: {} as never, reviewers: [{ reviewer: 'a', token: 't' }] });
  const r = await app.inject({ method: 'GET', url: '/api/openapi.json', headers: { authorization: 'Bearer t' } });
  console.log(r.statusCode);
  const doc = JSON.parse(r.body);
  console.log(Object.keys(doc), doc.openapi, Object.keys(doc.paths), Object.keys(doc.webhooks ?? {}));
  console.log(JSON.stringify(doc.paths['/api/scenes/{id}']).slice(0, 1500));
  console.log(JSON.stringify(doc.paths['/api/review-queue/{entryId}/decision'].post.requestBody));
  const r2 = await app.inject({ method: 'GET', url: '/api/scenes/abc', headers: { authorization: 'Bearer t' } });
  console.log(r2.statusCode, r2.body);
  await app.close(); await db.close();
})();
