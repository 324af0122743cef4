const UNITS = ['K', 'M', 'G', 'T', 'P'];

function formatSize(text: string, firstUnit: number): string {
  if (text === '' || Number.isNaN(Number(text))) return '-';

  let value = Number(text);
  let unit = firstUnit;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `${digits}${UNITS[unit]}`;
}

/**
 * Formats a size given in KiB (host memory) as `512M` or `1.5G`. Returns `-` for text
 * that is not a number, so a missing element shows as a dash.
 */
export function formatKib(text: string): string {
  return formatSize(text, 0);
}

/** Formats a size given in MiB (VM MEMORY, image SIZE, datastore space) the same way. */
export function formatMib(text: string): string {
  return formatSize(text, 1);
}

/** Formats a duration as `3d 04h05`, the form OpenNebula's listings use for VM age. */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const days = Math.floor(whole / 86400);
  const hours = Math.floor((whole % 86400) / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  return `${days}d ${String(hours).padStart(2, '0')}h${String(minutes).padStart(2, '0')}`;
}

/** Formats epoch seconds as local `YYYY-MM-DD HH:MM:SS`, or `-` for 0 (never). */
export function formatTimestamp(text: string): string {
  const seconds = Number(text);
  if (text === '' || Number.isNaN(seconds) || seconds <= 0) return '-';

  const date = new Date(seconds * 1000);
  const pad = (value: number) => String(value).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}
