/// <reference types="jest" />
// the app build (types: ["node"]) also compiles specs under libs, so they name their jest types themselves
import { fieldErrorsOf, ValidationFailedError, type ValidationErrorLike } from './validation-failed.error';

describe('validation failures', () => {
  it('flattens nested errors to dotted paths and drops nodes without constraints', () => {
    const errors: ValidationErrorLike[] = [
      { property: 'commandId', constraints: { isUuid: 'commandId must be a UUID' } },
      {
        property: 'members',
        children: [{ property: '0', children: [{ property: 'userId', constraints: { isString: 'userId must be a string' } }] }],
      },
      { property: 'extra', constraints: { whitelistValidation: 'property extra should not exist' } },
    ];
    expect(fieldErrorsOf(errors)).toEqual([
      { property: 'commandId', constraints: { isUuid: 'commandId must be a UUID' } },
      { property: 'members.0.userId', constraints: { isString: 'userId must be a string' } },
      { property: 'extra', constraints: { whitelistValidation: 'property extra should not exist' } },
    ]);
  });

  it('is a VALIDATION.FAILED domain error carrying the list', () => {
    const error = new ValidationFailedError([{ property: 'body', constraints: { maxLength: 'too long' } }]);
    expect(error).toMatchObject({ code: 'VALIDATION.FAILED', details: { errors: [{ property: 'body' }] } });
  });
});
