import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('gives one text whatever order the keys came in, nested objects and objects in arrays included', () => {
    const built = { messageId: 'm1', text: 'hi', contentWarning: null, replyTo: null, edit: false, nested: { b: 1, a: [{ d: 2, c: 3 }] } };
    const fromJsonb = { edit: false, text: 'hi', nested: { a: [{ c: 3, d: 2 }], b: 1 }, replyTo: null, messageId: 'm1', contentWarning: null };
    expect(canonicalJson(fromJsonb)).toBe(canonicalJson(built));
    expect(JSON.parse(canonicalJson(built))).toEqual(built);
  });

  it('keeps arrays in their order and writes what JSON.stringify writes for plain values', () => {
    expect(canonicalJson(['b', 'a'])).toBe('["b","a"]');
    for (const value of ['x', 1, null, true, []]) expect(canonicalJson(value)).toBe(JSON.stringify(value));
  });
});
