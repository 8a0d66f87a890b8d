/// <reference types="jest" />
// the app build (types: ["node"]) also compiles specs under libs, so they name their jest types themselves
import { CommonErrors, DomainError } from '@haven/domain';
import { AuthError } from '@haven/identity/auth-error';
import { errorBodyForHttpStatus, toErrorBody } from './error-body';
import { ValidationFailedError } from './validation-failed.error';

const statusOf = (error: unknown) => toErrorBody(error).status;

describe('toErrorBody', () => {
  it('keeps a domain error’s code, message and details', () => {
    const error = new DomainError('ROOM.MUTED', 'you are muted', { mutedUntil: '2026-01-01T00:00:00.000Z' });
    expect(toErrorBody(error)).toEqual({
      status: 422,
      body: { ok: false, error: { code: 'ROOM.MUTED', message: 'you are muted', details: { mutedUntil: '2026-01-01T00:00:00.000Z' } } },
    });
  });

  it.each([
    ['AUTH.TOKEN_EXPIRED', 401],
    ['AUTH.TOKEN_MISSING', 401],
    ['AUTH.FORBIDDEN', 403],
    ['ROOM.FORBIDDEN', 403],
    ['ROOM.NOT_A_MEMBER', 403],
    ['NOT_FOUND', 404],
    ['ROOM.NOT_FOUND', 404],
    ['FAMILY.INVITE_NOT_FOUND', 404],
    ['ROOM.ALREADY_EXISTS', 409],
    ['STORE.WRONG_EXPECTED_REVISION', 409],
    ['ROOM.SLOW_MODE', 429],
    ['RATE_LIMITED', 429],
    ['ROOM.CLOSED', 422],
    ['VALIDATION.FAILED', 400],
  ])('answers %s with %i', (code, status) => {
    expect(statusOf(new DomainError(code, 'refused'))).toBe(status);
  });

  it('answers an AuthError with 401, and an unreachable key set with 503', () => {
    expect(toErrorBody(new AuthError('AUTH.TOKEN_INVALID_SIGNATURE', 'bad signature')).body.error.code).toBe('AUTH.TOKEN_INVALID_SIGNATURE');
    expect(statusOf(new AuthError('AUTH.TOKEN_INVALID_SIGNATURE', 'bad signature'))).toBe(401);
    expect(statusOf(new AuthError('AUTH.VERIFIER_UNAVAILABLE', 'later'))).toBe(503);
  });

  it('answers the common domain errors', () => {
    expect(statusOf(CommonErrors.forbidden())).toBe(403);
    expect(statusOf(CommonErrors.notFound('room r1'))).toBe(404);
  });

  it('answers a validation failure with 400 and the failing fields', () => {
    const errors = [{ property: 'body', constraints: { isNotEmpty: 'body should not be empty' } }];
    expect(toErrorBody(new ValidationFailedError(errors))).toEqual({
      status: 400,
      body: { ok: false, error: { code: 'VALIDATION.FAILED', message: 'the request is not valid', details: { errors } } },
    });
  });

  it('answers the store’s conflict error with 409 without its internal message', () => {
    const conflict = Object.assign(new Error('stream room-7: expected revision 3, actual 4'), { code: 'STORE.WRONG_EXPECTED_REVISION' });
    const { status, body } = toErrorBody(conflict);
    expect(status).toBe(409);
    expect(body.error.code).toBe('STORE.WRONG_EXPECTED_REVISION');
    expect(body.error.message).not.toContain('room-7');
  });

  it.each([
    ['an Error', new Error('insert into messages (body) values (\'I relapsed\') failed')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a Node error with a code', Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' })],
    ['a string', 'boom'],
    ['undefined', undefined],
  ])('answers %s with a generic 500 INTERNAL that leaks nothing', (_name, thrown) => {
    const { status, body } = toErrorBody(thrown);
    expect(status).toBe(500);
    expect(body).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'something went wrong on our side', details: {} } });
  });
});

describe('errorBodyForHttpStatus (framework errors)', () => {
  it.each([
    [404, 404, 'NOT_FOUND'],
    [400, 400, 'VALIDATION.FAILED'],
    [429, 429, 'RATE_LIMITED'],
    [403, 403, 'AUTH.FORBIDDEN'],
    [413, 413, 'PAYLOAD_TOO_LARGE'],
    [409, 409, 'REQUEST_REFUSED'],
    [500, 500, 'INTERNAL'],
    [502, 500, 'INTERNAL'],
  ])('maps %i to %i %s', (input, status, code) => {
    const response = errorBodyForHttpStatus(input);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
  });

  it('gives bad JSON the validation shape with no field errors', () => {
    expect(errorBodyForHttpStatus(400).body.error.details).toEqual({ errors: [] });
  });
});
