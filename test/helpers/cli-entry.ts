// Runs the CLI from source (through tsx), for tests that need a real process: `node --import tsx test/helpers/cli-entry.ts ...`.
import { main } from '../../src/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`meshlint: fatal: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
