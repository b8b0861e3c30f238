/**
 * The webhook benchmark's yardstick: a bare Fastify route that does nothing but the acknowledgement's
 * one statement — the same `INSERT ... ON CONFLICT DO NOTHING RETURNING` into a copy of the inbox
 * table, through the same Kysely + pg pool — on the same PostgreSQL, in a process of its own. The
 * real route's latency beside this one's is what its signature check, validation and logging cost.
 *
 *   DATABASE_URL=postgres://... PORT=3001 node --import tsx bench/lib/bare-insert-server.ts
 */
import Fastify from 'fastify';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/connection.js';

const url = process.env.DATABASE_URL;
const port = Number(process.env.PORT);
if (!url) throw new Error('DATABASE_URL is required');
if (!Number.isInteger(port) || port <= 0) throw new Error(`PORT: ${String(process.env.PORT)} is not a port`);

const db = await openDatabase({ url });
await sql`create table if not exists bare_webhook_deliveries (like webhook_deliveries including all)`.execute(db);
const app = Fastify();
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
app.get('/healthz', () => ({ ok: true }));
app.post('/bare', async (request, reply) => {
  const delivery = String(request.headers['x-github-delivery']);
  const event = String(request.headers['x-github-event']);
  const json = (request.body as Buffer).toString('utf8');
  const inserted = await sql<{ delivery_id: string }>`insert into bare_webhook_deliveries (delivery_id, event, project_id, outcome, payload, verified_project_ids)
    values (${delivery}, ${event}, null, 'queued', ${json}, null) on conflict (delivery_id) do nothing returning delivery_id`.execute(db);
  const first = inserted.rows.length > 0;
  return reply.status(first ? 202 : 200).send({ delivery, event, outcome: first ? 'queued' : 'duplicate' });
});
const close = async () => {
  await app.close();
  await db.destroy();
  process.exit(0);
};
process.once('SIGTERM', () => void close());
process.once('SIGINT', () => void close());
await app.listen({ port, host: '127.0.0.1' });
