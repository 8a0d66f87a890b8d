import { resumeAfterOf, resumePositionMiddleware } from './resume-position';

/** Runs the middleware on a handshake carrying `auth`; returns what it passed to next and what it left in socket.data. */
function handshake(auth: Record<string, unknown>) {
  const socket = { handshake: { auth }, data: {} as Record<string, unknown> } as never as Parameters<typeof resumePositionMiddleware>[0];
  let refusal: (Error & { data: unknown }) | undefined;
  let passed = false;
  resumePositionMiddleware(socket, (error) => ((refusal = error), (passed = error === undefined)));
  return { passed, refusal, after: resumeAfterOf(socket) };
}

describe('auth.lastPosition at the handshake', () => {
  it('resumes after a non-negative integer, 0 included', () => {
    expect(handshake({ token: 't', lastPosition: 42 })).toMatchObject({ passed: true, after: 42 });
    expect(handshake({ lastPosition: 0 })).toMatchObject({ passed: true, after: 0 });
  });

  it('means no catch-up when left out or null', () => {
    expect(handshake({ token: 't' })).toMatchObject({ passed: true, after: null });
    expect(handshake({ lastPosition: null })).toMatchObject({ passed: true, after: null });
  });

  it.each([['42'], [-1], [1.5], [2 ** 60], [Number.NaN], [{ n: 1 }], [[3]], [true]])('refuses %p with VALIDATION.FAILED', (lastPosition) => {
    const { passed, refusal } = handshake({ token: 't', lastPosition });
    expect(passed).toBe(false);
    expect(refusal?.data).toMatchObject({
      code: 'VALIDATION.FAILED',
      message: expect.stringContaining('auth.lastPosition'),
      details: { errors: [{ property: 'lastPosition' }] },
    });
    expect(refusal?.message).toBe((refusal?.data as { message: string }).message);
  });

  it('refuses a deeply nested value without throwing (it once overflowed the stack and ended the process)', () => {
    let nested: unknown = 1;
    for (let depth = 0; depth < 20_000; depth++) nested = depth % 2 === 0 ? [nested] : { n: nested };
    const { passed, refusal } = handshake({ token: 't', lastPosition: nested });
    expect(passed).toBe(false);
    expect(refusal?.data).toMatchObject({ code: 'VALIDATION.FAILED', details: { errors: [{ property: 'lastPosition' }] } });
  });
});
