/**
 * Compliance profiles: the law that applies to a contact, chosen by the customer's country
 * (docs/policy.md), never by the policy. Every number here cites its source.
 */
export type ProfileId = 'CN' | 'US';

export interface ComplianceProfile {
  id: ProfileId;
  /** Local wall-clock window in which contact is allowed, minutes after midnight, [start, end). */
  contactWindow: { startMinute: number; endMinute: number; source: string };
}

export const PROFILES: Readonly<Record<ProfileId, ComplianceProfile>> = {
  CN: {
    id: 'CN',
    contactWindow: {
      startMinute: 8 * 60,
      endMinute: 22 * 60,
      source: 'GB/T 45251-2025: no collection contact 22:00-08:00',
    },
  },
  US: {
    id: 'US',
    contactWindow: {
      startMinute: 8 * 60,
      endMinute: 21 * 60,
      source: 'Regulation F §1006.6(b)(1): before 8 a.m. or after 9 p.m. is inconvenient',
    },
  },
};

/** The profile for a customer's ISO 3166 country; CN (the stricter window) for every other country. */
export function profileForCountry(country: string | undefined): ComplianceProfile {
  return country?.toUpperCase() === 'US' ? PROFILES.US : PROFILES.CN;
}
