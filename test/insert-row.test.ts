import { Identity, Message } from '../src/db/entities';
import { insertForId } from '../src/db/repositories/insert-row';
import { DB_KINDS, startTestChorus, type TestChorus } from './helpers/test-chorus';

// The plain single-row insert must store exactly what TypeORM's own insert stores, on both
// stores: times, JSON, booleans, nulls, and a left-out column with an entity default.
describe.each(DB_KINDS)('plain single-row inserts (%s)', (db) => {
  let t: TestChorus;
  beforeAll(async () => {
    t = await startTestChorus({ db, env: { CHORUS_WORKERS: 'false' } });
  });
  afterAll(async () => t.stop());

  const message = (over: Partial<Message> = {}): Omit<Message, 'id'> => ({
    ticketId: 999_001, authorType: 'contact', authorContactId: 5, authorAgentId: null, authorName: 'Zoë “Z” Ångström', channel: 'email',
    direction: 'inbound', audience: 'participants', text: 'Hello there 👋', fullText: null, html: '<p>x</p>', externalId: null,
    emailMessageId: '<a@b>', deliveryState: null, deliveryError: null, inboundItemId: null, hidden: true, score: -3,
    flags: { noise: { bounce: true }, list: ['a', 1, null] }, createdAt: 1_790_000_000_123, ...over,
  });

  it('stores every column as the query builder does', async () => {
    const m = t.s.db.m;
    const viaBuilder = Number((await m.getRepository(Message).insert(message())).identifiers[0].id);
    const plain = await insertForId(m, Message, message());
    expect(plain).not.toBe(viaBuilder);
    const [a, b] = await Promise.all([m.getRepository(Message).findOneByOrFail({ id: viaBuilder }), m.getRepository(Message).findOneByOrFail({ id: plain })]);
    expect({ ...b, id: 0 }).toEqual({ ...a, id: 0 });
    expect(b).toMatchObject({ hidden: true, score: -3, createdAt: 1_790_000_000_123, flags: { noise: { bounce: true }, list: ['a', 1, null] }, fullText: null });
  });

  it('leaves a row without a value for a column with an entity default to the builder, which fills it in', async () => {
    const m = t.s.db.m;
    const row = { contactId: 77, kind: 'email', value: `d-${db}@x.test`, handle: null, displayName: null, followers: null, createdAt: 1 } as Partial<Identity>;
    const id = await insertForId(m, Identity, row as never);
    expect(await m.getRepository(Identity).findOneByOrFail({ id })).toMatchObject({ contactId: 77, verified: false, value: `d-${db}@x.test` });
  });
});
