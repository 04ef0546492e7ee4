import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AnswerValue } from '../../../app/study';
import { ApiError } from '../api-client';
import { AnswerQueue, mayRecover, type Ack, type AnswerContext } from './answer-queue';

const ctx: AnswerContext = { displayState: { opacity: 0.5 }, timings: { timeToFirstInputMs: 100, timeOnTrialMs: 200 } };

/** A fake main: records sends and lets the test answer each one. */
function fakeMain() {
  const calls: { id: string; value: AnswerValue; resolve: (a: Ack) => void; reject: (e: unknown) => void }[] = [];
  let version = 0;
  const send = (id: string, value: AnswerValue) => new Promise<Ack>((resolve, reject) => calls.push({ id, value, resolve, reject }));
  const ack = (i = 0) => calls.splice(i, 1)[0].resolve({ answerId: ++version, version, scores: null });
  const fail = (e: unknown, i = 0) => calls.splice(i, 1)[0].reject(e);
  return { calls, send, ack, fail };
}

describe('AnswerQueue', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => vi.useRealTimers());

  it('sends at once, one question at a time, and replaces an answer not yet sent', async () => {
    const main = fakeMain();
    const statuses: string[] = [];
    const journal = new Map<string, AnswerValue>();
    const q = new AnswerQueue({
      send: main.send,
      onStatus: (id, s) => statuses.push(`${id}:${s}`),
      journal: { write: (id, a) => journal.set(id, a.value), remove: (id) => journal.delete(id) },
    });
    q.put('trust', 2, ctx);
    q.put('trust', 3, ctx);
    q.put('trust', 4, ctx);
    expect(main.calls.map((c) => c.value)).toEqual([2]);
    expect(q.status('trust')).toBe('saving');
    expect(journal.get('trust')).toBe(4);
    main.ack();
    await vi.advanceTimersByTimeAsync(0);
    // 3 was replaced by 4 before it could be sent.
    expect(main.calls.map((c) => c.value)).toEqual([4]);
    expect(journal.get('trust')).toBe(4);
    main.ack();
    await vi.advanceTimersByTimeAsync(0);
    expect(q.status('trust')).toBe('saved');
    expect(journal.has('trust')).toBe(false);
    expect(q.idle).toBe(true);
    expect(statuses.at(-1)).toBe('trust:saved');
  });

  it('debounces, and flush sends what waits and resolves once it is acknowledged', async () => {
    const main = fakeMain();
    const q = new AnswerQueue({ send: main.send });
    q.put('why', 'spic', ctx, 1000);
    q.put('why', 'spiculated margin', ctx, 1000);
    expect(q.status('why')).toBe('pending');
    expect(main.calls).toHaveLength(0);
    const flushed = q.flush();
    expect(main.calls.map((c) => c.value)).toEqual(['spiculated margin']);
    let done: boolean | null = null;
    void flushed.then((ok) => (done = ok));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBeNull();
    main.ack();
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
  });

  it('sends a debounced answer when its time comes', async () => {
    const main = fakeMain();
    const q = new AnswerQueue({ send: main.send });
    q.put('why', 'x', ctx, 1000);
    await vi.advanceTimersByTimeAsync(999);
    expect(main.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(main.calls).toHaveLength(1);
  });

  it('keeps a failed answer, reports it, retries it, and flush says it is not safe', async () => {
    const main = fakeMain();
    const q = new AnswerQueue({ send: main.send, retryMs: [500] });
    q.put('trust', 5, ctx);
    const flushed = q.flush();
    main.fail(new Error('The connection to Verdict was closed.'));
    expect(await flushed).toBe(false);
    expect(q.status('trust')).toBe('failed');
    expect(q.error('trust')).toMatch(/closed/);
    expect(q.unsaved).toEqual(['trust']);
    await vi.advanceTimersByTimeAsync(500);
    expect(main.calls.map((c) => c.value)).toEqual([5]);
    main.ack();
    await vi.advanceTimersByTimeAsync(0);
    expect(q.status('trust')).toBe('saved');
  });

  it('does not retry a refused answer by itself, but a new answer replaces it', async () => {
    const main = fakeMain();
    const q = new AnswerQueue({ send: main.send, transient: () => false, retryMs: [10] });
    q.put('n', 7, ctx);
    main.fail(new Error('invalid value'));
    await vi.advanceTimersByTimeAsync(100);
    expect(main.calls).toHaveLength(0);
    q.put('n', 8, ctx);
    expect(main.calls.map((c) => c.value)).toEqual([8]);
  });

  it('a newer answer given while one is failing is the one resent', async () => {
    const main = fakeMain();
    const q = new AnswerQueue({ send: main.send, retryMs: [100] });
    q.put('a', 1, ctx);
    q.put('a', 2, ctx);
    main.fail(new Error('lost'));
    await vi.advanceTimersByTimeAsync(100);
    expect(main.calls.map((c) => c.value)).toEqual([2]);
  });

  it('keeps an answer refused for a full disk, in the journal and on screen, and sends it once space returns', async () => {
    const main = fakeMain();
    const journal = new Map<string, AnswerValue>();
    const q = new AnswerQueue({
      send: main.send,
      transient: mayRecover,
      retryMs: [1000, 2000, 5000],
      journal: { write: (id, a) => journal.set(id, a.value), remove: (id) => journal.delete(id) },
    });
    const full = new ApiError({
      code: 'disk.full',
      message: 'Not saved: the disk is full. Nothing was written; free some disk space and it can be saved again.',
    });
    q.put('dx', 'mel', ctx);
    // The disk stays full for three tries: the answer stays queued and the reader is told why.
    for (const wait of [1000, 2000, 5000]) {
      main.fail(full);
      await vi.advanceTimersByTimeAsync(0);
      expect(q.status('dx')).toBe('failed');
      expect(q.error('dx')).toMatch(/disk is full/);
      expect(q.unsaved).toEqual(['dx']);
      expect(journal.get('dx')).toBe('mel');
      await vi.advanceTimersByTimeAsync(wait - 1);
      expect(main.calls).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(main.calls.map((c) => c.value)).toEqual(['mel']);
    }
    // Space is back: the same answer is acknowledged, and leaves the journal.
    main.ack();
    await vi.advanceTimersByTimeAsync(0);
    expect(q.status('dx')).toBe('saved');
    expect(q.error('dx')).toBeNull();
    expect(journal.has('dx')).toBe(false);
  });

  it('retries what main may get over (no code, internal, disk.full) and not a refused value', () => {
    expect(mayRecover(new Error('The connection to Verdict was closed.'))).toBe(true);
    expect(mayRecover(new ApiError({ code: 'internal', message: 'x' }))).toBe(true);
    expect(mayRecover(new ApiError({ code: 'disk.full', message: 'x' }))).toBe(true);
    expect(mayRecover(new ApiError({ code: 'answer.invalid', message: 'x' }))).toBe(false);
    expect(mayRecover(new ApiError({ code: 'answer.locked', message: 'x' }))).toBe(false);
    expect(mayRecover(new ApiError({ code: 'db.wal-lost', message: 'x' }))).toBe(false);
  });
});
