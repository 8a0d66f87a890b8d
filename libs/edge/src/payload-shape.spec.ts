import { MAX_PAYLOAD_DEPTH, payloadShapeErrors } from './payload-shape';

const nestedArrays = (depth: number): unknown => {
  let value: unknown = 'x';
  for (let level = 0; level < depth; level++) value = [value];
  return value;
};

describe('payloadShapeErrors', () => {
  it('passes ordinary payloads, primitives and arrays of objects', () => {
    expect(payloadShapeErrors({ commandId: 'c', roomId: 'r', text: 'hi', tags: [{ a: 1 }] })).toEqual([]);
    expect(payloadShapeErrors('text')).toEqual([]);
    expect(payloadShapeErrors(null)).toEqual([]);
    expect(payloadShapeErrors(nestedArrays(MAX_PAYLOAD_DEPTH))).toEqual([]);
  });

  it('refuses nesting past the limit, naming where, without overflowing the stack itself', () => {
    expect(payloadShapeErrors({ name: nestedArrays(MAX_PAYLOAD_DEPTH) })).toEqual([
      { property: `name${'.0'.repeat(MAX_PAYLOAD_DEPTH - 1)}`, constraints: { maxDepth: `nested more than ${MAX_PAYLOAD_DEPTH} levels deep` } },
    ]);
    expect(payloadShapeErrors(nestedArrays(200_000))).toHaveLength(1);
  });

  it("refuses keys that class-transformer would drop silently, as unknown fields, at any depth", () => {
    const parsed = JSON.parse('{"name":"n","__proto__":{"admin":true},"nested":{"constructor":1,"toString":"x"}}');
    expect(payloadShapeErrors(parsed)).toEqual(
      expect.arrayContaining([
        { property: '__proto__', constraints: { whitelistValidation: 'property __proto__ should not exist' } },
        { property: 'nested.constructor', constraints: { whitelistValidation: 'property constructor should not exist' } },
        { property: 'nested.toString', constraints: { whitelistValidation: 'property toString should not exist' } },
      ]),
    );
    expect(payloadShapeErrors(parsed)).toHaveLength(3);
    expect(payloadShapeErrors({ prototype: {} })).toEqual([{ property: 'prototype', constraints: { whitelistValidation: 'property prototype should not exist' } }]);
  });

  it('refuses strings that are not text (NUL, lone surrogates), passes any well-formed text', () => {
    const wellFormedText = { wellFormedText: expect.stringContaining('without NUL characters or lone surrogates') };
    expect(payloadShapeErrors({ text: 'a\u0000b' })).toEqual([{ property: 'text', constraints: wellFormedText }]);
    expect(payloadShapeErrors({ list: ['ok', 'x\ud800'] })).toEqual([{ property: 'list.1', constraints: wellFormedText }]);
    expect(payloadShapeErrors({ text: '\udc00 tail' })).toHaveLength(1);
    expect(payloadShapeErrors({ text: 'emoji 💙, عربى, 中文, \u200f, tab\t and newline\n' })).toEqual([]);
  });
});
