const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Builds the environment of a driver process: the daemon's PATH, HOME and TMPDIR
 * (ssh and temporary files need them), a UTF-8 locale, and STRATUS_PLUGIN_DIR.
 * Nothing else of the daemon's environment reaches the driver.
 */
export function driverEnvironment(pluginDir: string, version: number, parent: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: parent.PATH ?? DEFAULT_PATH,
    LANG: 'C.UTF-8',
    STRATUS_PLUGIN_DIR: pluginDir,
    STRATUS_PROTOCOL_VERSION: String(version),
  };
  if (parent.HOME !== undefined) env.HOME = parent.HOME;
  if (parent.TMPDIR !== undefined) env.TMPDIR = parent.TMPDIR;
  return env;
}
