/** Typed domain errors; handlers map each to one HTTP status and never leak anything else. */

export interface FieldError {
  /** Dotted path of the wrong field in the request body, e.g. `amount.currency`. */
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly kind: 'INVALID' | 'NOT_FOUND' | 'CONFLICT' | 'POLICY_LIMIT';
}

/** The request is well-formed JSON but a field is wrong (400). */
export class InvalidRequestError extends DomainError {
  override readonly name = 'InvalidRequestError';
  readonly kind = 'INVALID' as const;
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

export class CaseNotFoundError extends DomainError {
  override readonly name = 'CaseNotFoundError';
  readonly kind = 'NOT_FOUND' as const;
  constructor(readonly caseId: string) {
    super(`No case ${caseId}.`);
  }
}

/** The request is valid but not allowed in the case's current status (409). */
export class CaseStateConflictError extends DomainError {
  override readonly name = 'CaseStateConflictError';
  readonly kind = 'CONFLICT' as const;
  constructor(message: string) {
    super(message);
  }
}

/** Outside the limits the policy allows (422). */
export class PolicyLimitError extends DomainError {
  override readonly name = 'PolicyLimitError';
  readonly kind = 'POLICY_LIMIT' as const;
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

/** A conditional write lost a race too many times in a row; the caller may retry the request. */
export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';
}
