// Child process for the lock tests: takes the storage lock in argv[2], reports over IPC, and
// releases it when told to (or dies holding it).
import { nullLogger } from '../../src/core/logger';
import { acquireStorageLock } from '../../src/storage';

const dir = process.argv[2] as string;
acquireStorageLock(dir, { logger: nullLogger, waitMs: 5000 }).then(
  (lock) => {
    process.send?.({ type: 'locked', pid: process.pid });
    process.on('message', (m: { type: string }) => {
      if (m.type === 'release') void lock.release().then(() => process.send?.({ type: 'released' }, () => process.exit(0)));
      if (m.type === 'die') process.kill(process.pid, 'SIGKILL');
    });
  },
  (e: unknown) => {
    process.send?.({ type: 'error', message: String(e) }, () => process.exit(1));
  },
);
