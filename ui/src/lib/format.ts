const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 0 → "0 bytes", 1536 → "1.5 KiB", 10 485 760 → "10 MiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = value >= 100 || Number.isInteger(value) ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** True on macOS, where shortcuts use ⌘ instead of Ctrl. */
export function isMac(): boolean {
  const platform =
    (navigator as Navigator & { userAgentData?: { platform?: string } }).userAgentData?.platform ??
    navigator.platform ??
    '';
  return /mac/i.test(platform);
}

/** `value` escaped for a double-quoted CSS attribute selector: `[data-x="${cssString(v)}"]`. */
export function cssString(value: string): string {
  return value.replace(/["\\]/g, '\\$&').replace(/\n/g, '\\a ');
}

/** "0 ms", "312 ms", "1.24 s", "12.4 s", "2 min 5 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

/** Pretty JSON bodies up to this size; bigger ones are shown as they came (tinting costs DOM). */
const PRETTY_LIMIT = 200_000;

/** The body as indented JSON when it is JSON and small enough to tint; otherwise null. */
export function prettyJson(text: string | null | undefined): string | null {
  if (!text || text.length > PRETTY_LIMIT) return null;
  const t = text.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return null;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return null;
  }
}

/** A CSS class for an HTTP status: 2xx ok, 3xx redirect, 4xx client, 5xx server. */
export function httpClass(status: number | null | undefined): 'ok' | 'redirect' | 'client' | 'server' | 'none' {
  if (status == null) return 'none';
  if (status < 300) return 'ok';
  if (status < 400) return 'redirect';
  if (status < 500) return 'client';
  return 'server';
}
