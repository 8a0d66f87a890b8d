/// <reference types="jest" />
// the app build (types: ["node"]) also compiles specs under libs, so they name their jest types themselves
import { bearerToken } from './bearer-token';

describe('bearer token', () => {
  it('reads the token of a Bearer header, case-insensitively', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc.def.ghi')).toBe('abc.def.ghi');
  });

  it('answers AUTH.TOKEN_MISSING without a header', () => {
    expect(() => bearerToken(undefined)).toThrow(expect.objectContaining({ code: 'AUTH.TOKEN_MISSING' }));
  });

  it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'abc.def.ghi'])('answers AUTH.TOKEN_MALFORMED for %p', (header) => {
    expect(() => bearerToken(header)).toThrow(expect.objectContaining({ code: 'AUTH.TOKEN_MALFORMED' }));
  });
});
