/** Money in integer minor units of an ISO 4217 currency. Never a float. */
export interface Money {
  amount: number;
  currency: string;
}

export const money = (amount: number, currency: string): Money => ({ amount, currency });

/** Digits after the decimal point for a currency (CNY 2, JPY 0), from the platform's ICU data. */
export function minorUnitDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** `12345 CNY` → `¥123.45` (zh-CN) or `CN¥123.45` (en). */
export function formatMoney(value: Money, locale: string): string {
  const digits = minorUnitDigits(value.currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency: value.currency }).format(
    value.amount / 10 ** digits,
  );
}

export function isKnownCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  return Intl.supportedValuesOf('currency').includes(code);
}
