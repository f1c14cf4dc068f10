// Group commit for the embedded database on Node: the atomic writes asked for in the same turn of
// the event loop share one transaction, and so one sync of the log to disk.
//
// With synchronous=FULL every commit waits for the disk, on the one thread that also serves
// requests. Under a burst of submissions that sync is a large share of each request. Writes queued
// in the same turn of the event loop are committed together, each inside a savepoint of its own:
// one that fails (a replayed proof of work, say) is rolled back alone and gets its own error,
// and the others commit. Nobody is told a write succeeded before the transaction holding it has
// committed, so durability is unchanged.
import type { Client, InStatement, Transaction } from '@libsql/client';

/** One atomic write: statements that must commit together or not at all. */
export type Statements = InStatement[];
export type CommitGroup = (statements: Statements) => Promise<void>;

interface Pending {
  statements: Statements;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Writes per transaction at most, so that one commit never holds the thread for long. */
export const MAX_GROUP = 32;

/**
 * A committer on `client`: each call's statements commit atomically, grouped with the calls made
 * in the same turn of the event loop. The first write after a quiet moment waits one turn at
 * most.
 */
export function groupCommitter(client: Client, maxGroup = MAX_GROUP): CommitGroup {
  let queue: Pending[] = [];
  let scheduled = false;

  async function runGroup(group: Pending[]): Promise<void> {
    if (group.length === 1) {
      const [only] = group as [Pending];
      try {
        await client.batch(only.statements, 'write');
        only.resolve();
      } catch (err) {
        only.reject(err);
      }
      return;
    }
    let tx: Transaction | undefined;
    const failed = new Map<Pending, unknown>();
    try {
      tx = await client.transaction('write');
      for (const [i, item] of group.entries()) {
        await tx.execute(`SAVEPOINT w${i}`);
        try {
          await tx.batch(item.statements);
          await tx.execute(`RELEASE w${i}`);
        } catch (err) {
          failed.set(item, err);
          await tx.execute(`ROLLBACK TO w${i}`);
          await tx.execute(`RELEASE w${i}`);
        }
      }
      await tx.commit();
    } catch (err) {
      // The transaction itself failed (the disk, say): nothing in it committed.
      try {
        tx?.close();
      } catch {
        // Rolling back failed too; the connection goes back to the client either way.
      }
      for (const item of group) item.reject(err);
      return;
    }
    for (const item of group) {
      if (failed.has(item)) item.reject(failed.get(item));
      else item.resolve();
    }
  }

  async function flush(): Promise<void> {
    try {
      while (queue.length > 0) {
        const group = queue.slice(0, maxGroup);
        queue = queue.slice(maxGroup);
        await runGroup(group);
      }
    } finally {
      // Never left set: the next write must always find a flush on its way.
      scheduled = false;
    }
  }

  return (statements) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ statements, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => void flush());
      }
    });
}
