import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { fieldErrorsOf, ValidationFailedError } from './validation-failed.error';

/**
 * The one ValidationPipe for HTTP bodies and socket payloads: unknown properties are refused (not silently
 * dropped), payloads become DTO instances, and a refusal is a ValidationFailedError, which both exception
 * filters answer as `VALIDATION.FAILED` with the failing fields.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // the submitted values stay out of errors: they may be message bodies
    validationError: { target: false, value: false },
    exceptionFactory: (errors: ValidationError[]) => new ValidationFailedError(fieldErrorsOf(errors)),
  });
}
