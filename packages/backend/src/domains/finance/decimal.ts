// Exact money arithmetic on decimal strings with two fraction digits, via BigInt cents. Money
// never passes through a binary float: "0.10" + "0.20" is "0.30", and sums beyond 2^53 stay exact.

const MONEY_RE = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;

export function toCents(value: string): bigint {
  const m = MONEY_RE.exec(value.trim());
  if (!m) throw new RangeError(`not a money amount: ${JSON.stringify(value)}`);
  const cents = BigInt(m[2]!) * 100n + BigInt((m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -cents : cents;
}

export function fromCents(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const whole = abs / 100n;
  const frac = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${frac}`;
}

export const addMoney = (a: string, b: string): string => fromCents(toCents(a) + toCents(b));
export const subMoney = (a: string, b: string): string => fromCents(toCents(a) - toCents(b));
