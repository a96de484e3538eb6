// dist/cli.js: the `project-sync` command.
import { runCliProcess } from './process';

runCliProcess();
