export { DEFAULT_MONITOR_TIMING, Monitor, type MonitorDependencies, type MonitorTiming } from './monitor.js';
export { startMonitor } from './start-monitor.js';
