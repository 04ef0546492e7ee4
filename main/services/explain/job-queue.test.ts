import { describe, expect, it } from 'vitest';
import { VerdictError } from '../../../app/errors';
import { JobQueue, checkCancelled } from './job-queue';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('JobQueue', () => {
  it('runs jobs one at a time, in order, and reports progress', async () => {
    const events: string[] = [];
    const q = new JobQueue((job, done, total) => events.push(`${job.label} ${done}/${total}`));
    const log: string[] = [];
    let running = 0;
    const job = (name: string) =>
      q.run(name, async ({ progress }) => {
        running++;
        expect(running).toBe(1);
        log.push(`start ${name}`);
        progress(0, 1);
        await new Promise((r) => setTimeout(r, 5));
        progress(1, 1);
        log.push(`end ${name}`);
        running--;
        return name;
      });
    expect(await Promise.all([job('a'), job('b'), job('c')])).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(events).toEqual(['a 0/1', 'a 1/1', 'b 0/1', 'b 1/1', 'c 0/1', 'c 1/1']);
    expect(q.size).toBe(0);
  });

  it("passes a job's failure to its caller and goes on with the next", async () => {
    const q = new JobQueue();
    const bad = q.run('bad', async () => {
      throw new VerdictError('explain.inference-failed', 'boom');
    });
    const good = q.run('good', async () => 42);
    await expect(bad).rejects.toMatchObject({ code: 'explain.inference-failed' });
    expect(await good).toBe(42);
  });

  it('cancels queued and running jobs with explain.cancelled, and waits for the running one before the next', async () => {
    const q = new JobQueue();
    const gate = deferred();
    const order: string[] = [];
    let sawAbort = false;
    const running = q.run('running', async ({ signal }) => {
      order.push('running started');
      await gate.promise;
      sawAbort = signal.aborted;
      order.push('running finished');
      checkCancelled(signal);
      return 'never seen';
    });
    const queued = q.run('queued', async () => 'never run');
    await new Promise((r) => setTimeout(r, 0));
    expect(q.cancelAll()).toBe(2);
    await expect(running).rejects.toMatchObject({ code: 'explain.cancelled', message: 'running: cancelled.' });
    await expect(queued).rejects.toMatchObject({ code: 'explain.cancelled' });
    const next = q.run('next', async () => {
      order.push('next');
      return 'ok';
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(order).toEqual(['running started']); // the cancelled job's ORT call is still out
    let idle = false;
    const whenIdle = q.idle().then(() => (idle = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(idle).toBe(false);
    gate.resolve();
    expect(await next).toBe('ok');
    await whenIdle;
    expect(order).toEqual(['running started', 'running finished', 'next']);
    expect(sawAbort).toBe(true);
    expect(q.cancelAll()).toBe(0);
  });

  it("reports each job's progress to whom it is for, whichever request is being served meanwhile", async () => {
    const heard: string[] = [];
    const alice = { name: 'alice' } as never;
    const bob = { name: 'bob' } as never;
    const q = new JobQueue((job, done) =>
      heard.push(`${job.to === 'staff' ? 'staff' : (job.to.caller as unknown as { name: string }).name}:${job.label}:${done}`),
    );
    const step = ({ progress }: { progress: (d: number, t: number) => void }) => (progress(1, 1), Promise.resolve());
    await Promise.all([
      q.run('a', step, { to: { caller: alice, readerId: null } }),
      q.run('b', step, { to: { caller: bob, readerId: null } }),
      q.run('c', step),
    ]);
    expect(heard).toEqual(['alice:a:1', 'bob:b:1', 'staff:c:1']);
  });
});
