// A test build of the CLI whose storage obeys PROJECT_SYNC_FAILPOINT (see ./failpoint.ts).
import { runCliProcess } from '../../src/cli/process';
import { parseFailpoint } from './failpoint';

const failpoint = parseFailpoint(process.env.PROJECT_SYNC_FAILPOINT);
runCliProcess(failpoint ? { failpoint } : {});
