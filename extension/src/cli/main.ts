import { relaunchWithSingleThreadedGcOnOneCore } from '../../../relay/src/oneCoreGc';
import { runCli } from './cli';

// `tandem … | head` closes the pipe early: that is the reader being done, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

// `tandem relay` on one core runs itself again with V8's single-threaded GC (relay/src/oneCoreGc.ts)
const relaunched = process.argv[2] === 'relay' ? relaunchWithSingleThreadedGcOnOneCore() : null;

(relaunched ?? runCli(process.argv.slice(2))).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`tandem: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
