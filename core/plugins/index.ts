/** Plugin discovery, loading and verification: what the daemon and the CLI import. */
export { PluginRegistry, type PluginChangeListener, type PluginRegistryDependencies } from './plugin-registry.js';
export { DEFAULT_PLUGIN_SETTINGS, type PluginSettings } from './plugin-settings.js';
export type { PluginStatus } from './plugin-status.js';
export { PluginRejection, type RejectionCode } from './plugin-rejection.js';
export { loadPlugin, type LoadedPlugin, type PluginLoadOptions } from './load-plugin.js';
export { inspectPlugin, readManifest, chooseProtocolVersion, type LoadStep, type PluginCandidate } from './inspect-plugin.js';
export { MANIFEST_FILE, type ExecutableEntry, type ModuleEntry, type PluginManifest } from './manifest.js';
export { formatProblems, validateManifest, type ManifestCheck, type ManifestProblem } from './validate-manifest.js';
export { formatVerifyReport, verifyPlugin, type VerifyCheck, type VerifyOptions, type VerifyReport } from './verify.js';
export { renderProtocolReference } from './protocol-reference.js';
