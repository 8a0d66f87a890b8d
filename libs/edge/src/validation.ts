import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { payloadShapeErrors } from './payload-shape';
import { fieldErrorsOf, ValidationFailedError } from './validation-failed.error';

/**
 * The one ValidationPipe for HTTP bodies and socket payloads: unknown properties are refused (not silently
 * dropped), payloads become DTO instances, and a refusal is a ValidationFailedError, which both exception
 * filters answer as `VALIDATION.FAILED` with the failing fields.
 */
export function createValidationPipe(): ValidationPipe {
  return new ShapeCheckingValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // the submitted values stay out of errors: they may be message bodies
    validationError: { target: false, value: false },
    exceptionFactory: (errors: ValidationError[]) => new ValidationFailedError(fieldErrorsOf(errors)),
  });
}

/** Refuses what class-transformer cannot be trusted with (see payloadShapeErrors) before handing the rest to Nest's pipe. */
class ShapeCheckingValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom' && this.toValidate(metadata)) {
      const errors = payloadShapeErrors(value);
      if (errors.length > 0) throw new ValidationFailedError(errors);
    }
    return super.transform(value, metadata);
  }
}
