import { DomainError } from '@haven/domain';

/** One invalid input field: its dotted path and the failed rules (`{ isString: 'name must be a string' }`). */
export interface FieldError {
  property: string;
  constraints: Record<string, string>;
}

/** The shape of class-validator's ValidationError that we read; declared here to stay free of its import. */
export interface ValidationErrorLike {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationErrorLike[];
}

/**
 * Input refused before any command ran: HTTP 400 / ack error `VALIDATION.FAILED` with
 * `details.errors: FieldError[]`. Never carries the submitted values (they may be message bodies).
 */
export class ValidationFailedError extends DomainError {
  constructor(readonly errors: FieldError[]) {
    super('VALIDATION.FAILED', 'the request is not valid', { errors });
    this.name = 'ValidationFailedError';
  }
}

/** Flattens nested class-validator errors to one entry per failing field (`members.0.userId`). */
export function fieldErrorsOf(errors: readonly ValidationErrorLike[], parentPath = ''): FieldError[] {
  return errors.flatMap((error) => {
    const property = parentPath ? `${parentPath}.${error.property}` : error.property;
    const own = error.constraints && Object.keys(error.constraints).length > 0 ? [{ property, constraints: { ...error.constraints } }] : [];
    return [...own, ...fieldErrorsOf(error.children ?? [], property)];
  });
}
