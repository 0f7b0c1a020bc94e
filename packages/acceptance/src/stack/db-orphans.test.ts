// The db service as compose.stack.yml runs it: a process orphaned inside its container must not
// be reaped by the postmaster. PostgreSQL takes any child it reaps that exits other than 0/1
// for a crashed backend ("server process (PID n) was terminated by signal 13: Broken pipe") and
// drops every connection. Such orphans come from `docker exec` (a timed-out healthcheck's
// pg_isready, whose stdout is gone by the time it writes): the crash behind dropped requests in
// deploys and backup tests under load. The fix is compose's `init: true` (docker-init is PID 1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execIn, psqlIn } from '../harness/backup.ts';
import { startStack, type StartedStack } from '../harness/stack.ts';

const crashLine = /terminated by signal|exited with exit code [^01]|terminating any other active/;

describe('db: orphans of docker exec', () => {
  let stack: StartedStack;

  beforeAll(async () => {
    stack = await startStack({ services: ['db'] });
  });

  afterAll(async () => {
    await stack?.down();
  });

  it('a pg_isready orphaned in the db container and killed by SIGPIPE drops no connection', async () => {
    // A session that must outlive the orphan (TCP from inside: pg_hba trusts 127.0.0.1).
    const session = psqlIn(stack, 'db', {}, [
      ...['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres'],
      ...['-c', 'select pg_sleep(6)', '-c', "select 'survived'"],
    ]);
    // The exec's shell exits at once; its background pipeline is orphaned. A second later the
    // pipe's reader is gone and pg_isready dies of SIGPIPE on its first write, as a timed-out
    // healthcheck's does.
    const orphan = await execIn(stack, 'db', [
      'sh',
      '-c',
      '(sleep 1; exec pg_isready -h 127.0.0.1 -p 5432) 2>/dev/null | true & exit 0',
    ]);
    expect(orphan.code, orphan.output).toBe(0);

    const { code, output } = await session;
    const logs = (await stack.compose(['logs', '--no-color', '--no-log-prefix', 'db'])).output;
    expect(logs.split('\n').filter((line) => crashLine.test(line))).toEqual([]);
    expect(output.trim(), output).toBe('survived');
    expect(code).toBe(0);
  });

  it('stops Postgres with a clean shutdown, docker-init passing the stop signal on', async () => {
    const stop = await stack.compose(['stop', '-t', '30', 'db']);
    expect(stop.code, stop.output).toBe(0);
    const logs = (await stack.compose(['logs', '--no-color', '--no-log-prefix', 'db'])).output;
    expect(logs).toMatch(/received fast shutdown request/);
    expect(logs).toMatch(/database system is shut down/);
  });
});
