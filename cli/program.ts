import { Command } from 'commander';
import { STRATUS_VERSION } from '../core/version.js';
import { aclCommand } from './commands/acl.js';
import { datastoreCommand } from './commands/datastore.js';
import { groupCommand } from './commands/group.js';
import { hostCommand } from './commands/host.js';
import { imageCommand } from './commands/image.js';
import { pluginCommand } from './commands/plugin.js';
import { templateCommand } from './commands/template.js';
import { userCommand } from './commands/user.js';
import { vmCommand } from './commands/vm.js';
import { vnetCommand } from './commands/vnet.js';
import type { CliContext } from './context.js';

const HELP_FOOTER = `
Objects are given by id or by name. Names are looked up in the pool listing.

Credentials: the file named by $ONE_AUTH, else $STRATUS_HOME/one_auth, else
~/.one/one_auth, containing "user:password" or "user:token".
Endpoint: --endpoint, else $ONE_XMLRPC, else ~/.one/one_endpoint, else
http://localhost:2633/RPC2.

Exit status:
  0  success
  1  the server rejected the call, or a local step failed (file, name, credentials)
  2  usage error: unknown command or option, missing or invalid argument
  3  the server could not be reached (connection refused, timeout, HTTP error)
`;

/** Builds the `stratus` command tree. A new tree is built for each run, because commander keeps parsed values on it. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('stratus');

  // Set before the subcommands are added, which copy these settings from their parent.
  program
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.stdout(text),
      writeErr: (text) => ctx.io.stderr(text),
    })
    .showHelpAfterError('(add --help for usage)');

  program
    .description('Manage a Stratus (OpenNebula-compatible) cloud through its XML-RPC API.')
    .version(STRATUS_VERSION, '-V, --version', 'print the stratus version')
    .option('--endpoint <url>', 'XML-RPC endpoint, overriding $ONE_XMLRPC (e.g. http://localhost:2633/RPC2)')
    .option('--json', 'print results as JSON for scripts')
    .addHelpText('after', HELP_FOOTER);

  for (const addCommand of [
    userCommand,
    groupCommand,
    aclCommand,
    hostCommand,
    datastoreCommand,
    imageCommand,
    templateCommand,
    vnetCommand,
    vmCommand,
    pluginCommand,
  ]) {
    addCommand(program, ctx);
  }
  return program;
}
