// One locale for every date so screenshots and demos read the same on every machine.
const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
// Dates without a time (manufactured_on) are calendar dates: format them in UTC so they
// never shift by a day in western time zones.
const dateOnly = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

// Lists show the local calendar day only; the detail page has the full timestamp.
const localDay = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' });

export function formatDay(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : localDay.format(date);
}

export function formatDate(isoDate: string | null | undefined): string {
  if (!isoDate) return '—';
  const date = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? isoDate : dateOnly.format(date);
}

export function orDash(value: string | null | undefined): string {
  return value === null || value === undefined || value === '' ? '—' : value;
}

// Tag codes are accepted case-insensitively; the API stores them upper case.
export function normaliseCode(input: string): string {
  return input.trim().toUpperCase();
}
