import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../src/common/errors/domain-error';
import { HashingQueue } from '../src/users/hashing-queue';
import { PasswordHasher } from '../src/users/password-hasher';
import { databaseKinds } from './support/databases';
import { loginLimit, RIGHT } from './support/limits';
import { serveFreshDatabase } from './support/server';

/** A task that runs until the test lets it finish: a slow hash whose end the test decides. */
function slowTask() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { run: () => done, finish };
}

/** Resolves with whether `promise` has settled by the time the queued microtasks ran. */
async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('HashingQueue', () => {
  it('starts and answers queued tasks in arrival order', async () => {
    const queue = new HashingQueue({ concurrency: 1, maxWaitMs: 60_000, initialTaskMs: 1 });
    const blocker = slowTask();
    const first = queue.run(blocker.run);
    const started: number[] = [];
    const answered: number[] = [];
    const queued = Array.from({ length: 20 }, (_, i) =>
      queue
        .run(async () => {
          started.push(i);
          await new Promise((resolve) => setImmediate(resolve));
          return i;
        })
        .then((value) => answered.push(value)),
    );
    assert.equal(queue.waiting, 20);
    assert.deepEqual(started, []);
    blocker.finish();
    await Promise.all([first, ...queued]);
    const inOrder = Array.from({ length: 20 }, (_, i) => i);
    assert.deepEqual(started, inOrder);
    assert.deepEqual(answered, inOrder);
  });

  it('never lets a newcomer overtake a waiting task when a thread frees up', async () => {
    const queue = new HashingQueue({ concurrency: 2, maxWaitMs: 60_000, initialTaskMs: 1 });
    const a = slowTask();
    const b = slowTask();
    const order: string[] = [];
    const running = [queue.run(a.run), queue.run(b.run)];
    const waiting = queue.run(() => Promise.resolve(order.push('waited')));
    a.finish();
    await running[0];
    const late = queue.run(() => Promise.resolve(order.push('late')));
    b.finish();
    await Promise.all([...running, waiting, late]);
    assert.deepEqual(order, ['waited', 'late']);
  });

  it('refuses at once, with Retry-After, a task that could not start within the bound', async () => {
    // Four queued tasks of 800 ms each fill a 3.2 s bound with one thread.
    const queue = new HashingQueue({ concurrency: 1, maxWaitMs: 3200, initialTaskMs: 800 });
    const blocker = slowTask();
    const running = queue.run(blocker.run);
    const admitted = Array.from({ length: 4 }, () => queue.run(() => Promise.resolve('ok')));
    const refused = queue.run(() => Promise.resolve('never'));
    // Answered while the slow hash still runs: the caller did not wait out the bound.
    assert.equal(await hasSettled(refused), true);
    await assert.rejects(refused, (error: unknown) => {
      assert.ok(error instanceof DomainError);
      assert.equal(error.code, 'server_busy');
      // It would start in 4 s; the queue is back within the bound in 0.8 s.
      assert.equal(error.retryAfterSeconds, 1);
      return true;
    });
    assert.equal(queue.waiting, 4);
    blocker.finish();
    assert.deepEqual(await Promise.all(admitted), ['ok', 'ok', 'ok', 'ok']);
    await running;
  });

  it('estimates from the hash time it measured', async () => {
    let clock = 0;
    const queue = new HashingQueue({
      concurrency: 1,
      maxWaitMs: 1000,
      initialTaskMs: 10,
      now: () => clock,
    });
    const first = slowTask();
    const running = queue.run(first.run);
    // Guessing 10 ms a hash, the queue takes a newcomer...
    const guessed = queue.run(() => Promise.resolve('admitted'));
    clock = 2500;
    first.finish();
    await running;
    assert.equal(await guessed, 'admitted');
    // 2500 ms measured, then 0 ms: a running average that leans on the past.
    assert.equal(queue.averageTaskMs, 2000);

    // ...and once hashes are seen to take seconds, the next one behind a running hash is
    // refused: it would start in 2 s, past the 1 s bound, and could come back in 1 s.
    const blocker = slowTask();
    const busy = queue.run(blocker.run);
    const refused = queue.run(() => Promise.resolve());
    assert.equal(await hasSettled(refused), true);
    await assert.rejects(refused, (error: DomainError) => error.retryAfterSeconds === 1);
    blocker.finish();
    await busy;
  });

  it('gives up on a task still waiting when the bound has passed', async () => {
    const queue = new HashingQueue({ concurrency: 1, maxWaitMs: 50, initialTaskMs: 1 });
    const blocker = slowTask();
    const running = queue.run(blocker.run);
    let ran = false;
    await assert.rejects(
      queue.run(() => Promise.resolve((ran = true))),
      (error: DomainError) => error.code === 'server_busy' && (error.retryAfterSeconds ?? 0) >= 1,
    );
    assert.equal(queue.waiting, 0);
    blocker.finish();
    await running;
    assert.equal(ran, false);
  });

  it('passes a failing task’s error on and keeps serving', async () => {
    const queue = new HashingQueue({ concurrency: 1, maxWaitMs: 1000, initialTaskMs: 1 });
    await assert.rejects(
      queue.run(() => Promise.reject(new Error('worker died'))),
      /worker died/,
    );
    assert.equal(await queue.run(() => Promise.resolve(7)), 7);
    assert.equal(queue.running, 0);
  });
});

/** Lets the event loop run until `condition` holds (the server runs in this process). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

for (const kind of databaseKinds()) {
  describe(`logins behind a slow hash on ${kind}`, () => {
    const fixture = serveFreshDatabase(kind, loginLimit(100, { LOGIN_QUEUE_TIMEOUT: '10m' }));

    it('are answered in the order they arrived', async () => {
      await fixture.api.register('in_turn', RIGHT);
      const queue = fixture.server.app.get(PasswordHasher).queue;
      // Every hashing thread taken by a hash that lasts until the test ends it.
      const blockers = Array.from({ length: queue.concurrency }, () => slowTask());
      const blocked = blockers.map((blocker) => queue.run(blocker.run));
      const answered: number[] = [];
      const logins: Promise<void>[] = [];
      for (let i = 0; i < 12; i++) {
        // Each login is queued before the next one is sent: this is the arrival order.
        // Wrong passwords all: what follows their hash is the same short work for each.
        logins.push(
          fixture.api.login('in_turn', `wrong ${i}`).then((reply) => {
            assert.equal(reply.status, 401);
            answered.push(i);
          }),
        );
        await until(() => queue.waiting === i + 1);
      }
      assert.deepEqual(answered, []);
      for (const blocker of blockers) {
        blocker.finish();
      }
      await Promise.all([...blocked, ...logins]);
      // With several threads, hashes started together may finish in either order.
      answered.forEach((login, rank) => {
        assert.ok(
          Math.abs(login - rank) < queue.concurrency,
          `answers in order ${answered.join()}`,
        );
      });
    });
  });

  describe(`a full hashing queue on ${kind}`, () => {
    // A bound of 0: a login that finds every hashing thread busy is refused at once.
    const fixture = serveFreshDatabase(kind, loginLimit(16, { LOGIN_QUEUE_TIMEOUT: '0' }));

    it('answers 503 with Retry-After, and a refused login does not count as an attempt', async () => {
      await fixture.api.register('queued', RIGHT);
      const replies = await Promise.all(
        Array.from({ length: 16 }, (_, i) => fixture.api.login('queued', `wrong ${i}`)),
      );
      const statuses = replies.map((r) => r.status);
      assert.ok(
        statuses.every((s) => s === 401 || s === 503),
        `statuses ${statuses.join()}`,
      );
      const refused = replies.filter((r) => r.status === 503);
      assert.ok(refused.length > 0, `no 503 among ${statuses.join()}`);
      for (const reply of refused) {
        assert.ok(Number(reply.headers.get('retry-after')) >= 1);
        assert.match((reply.body as unknown as { message: string }).message, /try again/i);
      }
      // Only the checked passwords used up attempts: the rest of the 16 are still there.
      const checked = statuses.filter((s) => s === 401).length;
      for (let i = checked; i < 16; i++) {
        assert.equal((await fixture.api.login('queued', 'wrong again')).status, 401);
      }
      assert.equal((await fixture.api.login('queued', RIGHT)).status, 429);
    });
  });
}
