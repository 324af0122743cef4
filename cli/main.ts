import { CommanderError } from 'commander';
import { CliContext } from './context.js';
import { ExitCode, reportError } from './errors.js';
import { type CliIo, processIo } from './io.js';
import { buildProgram } from './program.js';

/** Commander's codes for help and version output, which are successes. */
const INFORMATION_CODES = new Set(['commander.helpDisplayed', 'commander.version']);

async function run(args: string[], io: CliIo): Promise<number> {
  const program = buildProgram(new CliContext(io));

  try {
    await program.parseAsync(args, { from: 'user' });
    return ExitCode.OK;
  } catch (error) {
    // Commander has already printed its own message for these.
    if (error instanceof CommanderError) {
      return INFORMATION_CODES.has(error.code) ? ExitCode.OK : ExitCode.USAGE;
    }

    const report = reportError(error);
    io.stderr(`stratus: ${report.message}\n`);
    if (report.stack !== undefined) io.stderr(`${report.stack}\n`);
    return report.exitCode;
  }
}

/**
 * Runs `stratus` with `argv` in process.argv form (`[node, script, ...arguments]`) and
 * returns the exit status. Without `io` it uses the real process and sets
 * process.exitCode. It never calls process.exit.
 */
export async function main(argv: readonly string[], io?: CliIo): Promise<number> {
  const code = await run(argv.slice(2), io ?? processIo());
  if (io === undefined) process.exitCode = code;
  return code;
}
