import { describe, expect, it } from 'vitest';
import { TypeormJobRepository } from './typeorm-job.repository.js';

type Retry = { retryDeadlocks<T>(run: () => Promise<T>): Promise<T> };
const repo = () => new TypeormJobRepository({ dialect: 'mysql' } as never) as unknown as Retry;
const deadlock = () => Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), { errno: 1213, code: 'ER_LOCK_DEADLOCK' });

describe('job transactions on MySQL', () => {
  it('run again after a deadlock rollback, up to 4 attempts', async () => {
    let calls = 0;
    expect(await repo().retryDeadlocks(async () => (++calls < 3 ? Promise.reject(deadlock()) : 'ok'))).toBe('ok');
    expect(calls).toBe(3);
    calls = 0;
    await expect(repo().retryDeadlocks(async () => (++calls, Promise.reject(deadlock())))).rejects.toMatchObject({ errno: 1213 });
    expect(calls).toBe(4);
  });

  it('do not retry other errors', async () => {
    let calls = 0;
    await expect(repo().retryDeadlocks(async () => (++calls, Promise.reject(Object.assign(new Error('dup'), { errno: 1062 }))))).rejects.toThrow('dup');
    expect(calls).toBe(1);
  });
});
