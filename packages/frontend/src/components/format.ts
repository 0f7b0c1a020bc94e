// Made on first use, not when the module loads: the first Intl object of a page loads the
// browser's locale data (tens of ms on a phone), which should not lengthen the app's start.
let dateTimeFormat: Intl.DateTimeFormat | undefined;
let dateOnlyFormat: Intl.DateTimeFormat | undefined;
const dateTime = () =>
  (dateTimeFormat ??= new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  }));
const dateOnly = () =>
  (dateOnlyFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }));

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime().format(d);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
  return Number.isNaN(d.getTime()) ? iso : dateOnly().format(d);
}

/** Money stays a decimal string end to end; only grouping is added for display. */
export function formatMoney(amount: string, currency: string): string {
  const negative = amount.startsWith('-');
  const [int = '0', frac = ''] = amount.replace('-', '').split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  return `${negative ? '−' : ''}${grouped}.${frac.padEnd(2, '0')} ${currency}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** `<input type="datetime-local">` value (local time) → ISO timestamp with Z, or the raw text when unparseable. */
export function localInputToIso(value: string): string | undefined {
  if (!value.trim()) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

/** ISO timestamp → `<input type="datetime-local">` value in local time. */
export function isoToLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function humanize(slug: string): string {
  const text = slug.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
