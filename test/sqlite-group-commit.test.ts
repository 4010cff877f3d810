import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { EventBus } from '../src/events/bus';
import { Db } from '../src/db/transaction';
import { GroupLostError, groupCommitOf } from '../src/db/sqlite-group-commit';
import { beginImmediate } from '../src/db/data-source';
import { referenceCache } from '../src/db/repositories/reference-cache';

// Group commit on a real SQLite file, watched from a second connection (what another process,
// or the node after a crash, would find on disk).
describe('SQLite group commit', () => {
  let dir: string;
  let ds: DataSource;
  let outside: Database.Database;
  const rows = () => (outside.prepare('SELECT v FROM t ORDER BY id').all() as { v: string }[]).map((r) => r.v);

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-group-'));
    const file = path.join(dir, 'g.sqlite');
    ds = new DataSource({
      type: 'better-sqlite3', database: file,
      prepareDatabase: (db: Database.Database) => {
        db.pragma('journal_mode = WAL');
        db.pragma('foreign_keys = ON');
        db.pragma('busy_timeout = 50');
      },
    });
    await ds.initialize();
    // As Chorus opens its store: every transaction takes the write lock at BEGIN.
    beginImmediate(ds);
    await ds.query('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)');
    await ds.query('CREATE TABLE parent (id INTEGER PRIMARY KEY)');
    await ds.query('CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)');
    outside = new Database(file, { readonly: true });
    // Which members share a group must not hang on how busy the machine is: no time budget,
    // except where the budget itself is tested.
    groupCommitOf(ds).budgetMs = 60_000;
  });

  afterEach(async () => {
    outside.close();
    await ds.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('counts a member that holds its transaction open across a turn of the event loop, and only such a member', async () => {
    const g = groupCommitOf(ds);
    const before = g.stats.heldAcrossTurns;
    // Queries only: the whole transaction runs within the turn that started it.
    await g.transaction(async (m) => {
      await m.query('INSERT INTO t (v) VALUES (?)', ['quick']);
      await m.query('SELECT v FROM t');
    });
    await new Promise((r) => setImmediate(r));
    expect(g.stats.heldAcrossTurns).toBe(before);
    // A timer inside the transaction: the loop turns with the write lock held, and a read on the
    // one connection meanwhile sees the uncommitted row (what the counter warns of).
    let seenMeanwhile: unknown = null;
    const slow = g.transaction(async (m) => {
      await m.query('INSERT INTO t (v) VALUES (?)', ['slow']);
      await new Promise((r) => setTimeout(r, 20));
    });
    await new Promise((r) => setTimeout(r, 5));
    seenMeanwhile = (await ds.query('SELECT v FROM t WHERE v = ?', ['slow'])).length;
    await slow;
    expect(seenMeanwhile).toBe(1);
    expect(g.stats.heldAcrossTurns).toBe(before + 1);
  });

  it('commits transactions that wait together in one COMMIT, and answers each only once it is on disk', async () => {
    const g = groupCommitOf(ds);
    const before = { ...g.stats };
    const seenOutsideWhileRunning: string[][] = [];
    const seenOutsideWhenAnswered: string[][] = [];
    const all = ['a', 'b', 'c', 'd', 'e'].map((v) =>
      g.transaction(async (m) => {
        await m.query('INSERT INTO t (v) VALUES (?)', [v]);
        seenOutsideWhileRunning.push(rows());
        return v;
      }).then((r) => {
        seenOutsideWhenAnswered.push(rows());
        return r;
      }));
    expect(await Promise.all(all)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(g.stats.groups - before.groups).toBe(1);
    expect(g.stats.members - before.members).toBe(5);
    // Nothing was visible outside before the one COMMIT; everything was when anyone was answered.
    expect(seenOutsideWhileRunning.every((r) => r.length === 0)).toBe(true);
    expect(seenOutsideWhenAnswered.every((r) => r.join() === 'a,b,c,d,e')).toBe(true);
  });

  it('rolls back only the member that threw; the others commit', async () => {
    const g = groupCommitOf(ds);
    await g.transaction((m) => m.query("INSERT INTO t (v) VALUES ('taken')"));
    const results = await Promise.allSettled([
      g.transaction((m) => m.query("INSERT INTO t (v) VALUES ('first')")),
      g.transaction(async (m) => {
        await m.query("INSERT INTO t (v) VALUES ('half')");
        await m.query("INSERT INTO t (v) VALUES ('taken')");
      }),
      g.write((m) => m.query("INSERT INTO t (v) VALUES ('third')")),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(rows()).toEqual(['taken', 'first', 'third']);
  });

  it('fails every member that ran when the group’s COMMIT fails, keeps none of it, runs none twice, and goes on', async () => {
    const g = groupCommitOf(ds);
    await g.write((m) => m.query('INSERT INTO parent (id) VALUES (1)'));
    const runs: Record<string, number> = {};
    const member = (name: string, parent: number) => g.transaction(async (m) => {
      runs[name] = (runs[name] ?? 0) + 1;
      await m.query('INSERT INTO child (parent_id) VALUES (?)', [parent]);
      await m.query('INSERT INTO t (v) VALUES (?)', [name]);
      return name;
    });
    // The orphan's foreign key is checked at COMMIT (deferred), which fails the whole group.
    const results = await Promise.allSettled([member('good-1', 1), member('orphan', 99), member('good-2', 1)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results) expect(String((r as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(GroupLostError);
    expect(rows()).toEqual([]);
    expect(runs).toEqual({ 'good-1': 1, orphan: 1, 'good-2': 1 });
    expect(g.stats.lost).toBe(1);
    // The runner is usable afterwards, grouped again.
    await Promise.all([g.write((m) => m.query("INSERT INTO t (v) VALUES ('after-1')")), g.write((m) => m.query("INSERT INTO t (v) VALUES ('after-2')"))]);
    expect(rows()).toEqual(['after-1', 'after-2']);
  });

  it('fails the members before one that loses the whole transaction, and runs those after it in the next group', async () => {
    const g = groupCommitOf(ds);
    const runs: Record<string, number> = {};
    const ok = (name: string) => g.transaction(async (m) => {
      runs[name] = (runs[name] ?? 0) + 1;
      await m.query('INSERT INTO t (v) VALUES (?)', [name]);
    });
    const results = await Promise.allSettled([
      ok('before'),
      // Ends the transaction under everyone's feet, as SQLite does itself on a full disk.
      g.transaction(async (m) => {
        await m.query('ROLLBACK');
        throw new Error('disk full');
      }),
      ok('after'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/rolled back with the others.*disk full/);
    expect(rows()).toEqual(['after']);
    expect(runs).toEqual({ before: 1, after: 1 });
  });

  it('publishes the events of a transaction only if it committed', async () => {
    const bus = new EventBus();
    const db = new Db(ds, bus);
    const published: string[][] = [];
    bus.on('outbox.enqueued', () => {
      published.push(rows());
    });
    const results = await Promise.allSettled([
      db.transaction(async ({ m, emit }) => {
        await m.query("INSERT INTO t (v) VALUES ('lost')");
        emit('outbox.enqueued', {});
      }),
      db.transaction(async ({ m }) => {
        await m.query('ROLLBACK');
        throw new Error('disk full');
      }),
      db.transaction(async ({ m, emit }) => {
        await m.query("INSERT INTO t (v) VALUES ('told')");
        emit('outbox.enqueued', {});
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    await bus.drain();
    expect(published).toEqual([['told']]);
  });

  it('stops taking members once a group has worked past its budget; the rest form the next group, in order', async () => {
    const g = groupCommitOf(ds);
    // No budget at all: every group is past it after its first member.
    g.budgetMs = 0;
    const before = g.stats.groups;
    const slow = (v: string) => g.transaction(async (m) => {
      const until = performance.now() + 1;
      while (performance.now() < until);
      await m.query('INSERT INTO t (v) VALUES (?)', [v]);
    });
    await Promise.all(['s1', 's2', 's3', 's4'].map(slow));
    expect(g.stats.groups - before).toBe(4);
    expect(rows()).toEqual(['s1', 's2', 's3', 's4']);
  });

  it('fails each waiting write on its own while another process holds the write lock, and goes on after', async () => {
    const g = groupCommitOf(ds);
    const other = new Database(path.join(dir, 'g.sqlite'));
    other.exec('BEGIN IMMEDIATE');
    const blocked = await Promise.allSettled(['b1', 'b2'].map((v) => g.transaction((m) => m.query('INSERT INTO t (v) VALUES (?)', [v]))));
    expect(blocked.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((blocked[0] as PromiseRejectedResult).reason)).toMatch(/locked|busy/i);
    other.exec('ROLLBACK');
    other.close();
    await Promise.all(['a1', 'a2'].map((v) => g.transaction((m) => m.query('INSERT INTO t (v) VALUES (?)', [v]))));
    expect(rows()).toEqual(['a1', 'a2']);
  });

  it('tells the other nodes of reference lists a grouped plain write changed, once its group has committed', async () => {
    const g = groupCommitOf(ds);
    const told: string[][] = [];
    const off = referenceCache(ds.manager).onChange((kinds) => told.push([...kinds, `rows:${rows().length}`]));
    try {
      await Promise.all([
        g.write(async (m) => {
          await m.query("INSERT INTO t (v) VALUES ('agent list edited')");
          referenceCache(m).changed(m, 'agents');
        }),
        g.write((m) => m.query("INSERT INTO t (v) VALUES ('other')")),
      ]);
      // Told after the COMMIT (the other connection already sees both rows), not before.
      expect(told).toEqual([['agents', 'rows:2']]);
    } finally {
      off();
    }
  });

  it('commits each alone with a group of one', async () => {
    const g = groupCommitOf(ds);
    const saved = g.max;
    g.max = 1;
    try {
      const before = g.stats.groups;
      await Promise.all(['x', 'y', 'z'].map((v) => g.transaction((m) => m.query('INSERT INTO t (v) VALUES (?)', [v]))));
      expect(g.stats.groups - before).toBe(3);
      expect(rows()).toEqual(['x', 'y', 'z']);
    } finally {
      g.max = saved;
    }
  });
});
