/**
 * Public disclosure of a serious case (docs/policy.md): off by default; only with a court judgment
 * reference and two distinct approvals, and then with masked personal data.
 */

/** 张伟 → 张*, 欧阳小明 → 欧***; Wei Zhang → W** Z****. */
export function maskName(name: string): string {
  const trimmed = name.trim();
  if (/^[\u3400-\u9fff]+$/u.test(trimmed))
    return `${[...trimmed][0] ?? ''}${'*'.repeat(Math.max(1, [...trimmed].length - 1))}`;
  return trimmed
    .split(/\s+/)
    .map((word) => `${word[0] ?? ''}${'*'.repeat(Math.max(1, word.length - 1))}`)
    .join(' ');
}

/** +8613800138000 → +86 138****8000: the country code, the first three and the last four digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/^\+/, '');
  const country = phone.startsWith('+86') ? '+86 ' : phone.startsWith('+1') ? '+1 ' : '+';
  const national = digits.slice(country.trim().length - 1);
  if (national.length < 8) return `${country}${'*'.repeat(national.length)}`;
  return `${country}${national.slice(0, 3)}${'*'.repeat(national.length - 7)}${national.slice(-4)}`;
}

export const DISCLOSURE_APPROVALS_REQUIRED = 2;
