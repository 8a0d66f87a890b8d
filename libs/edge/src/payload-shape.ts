import { isStorableText } from '@haven/domain';
import type { FieldError } from './validation-failed.error';

/** No request or socket payload of ours nests deeper than a few levels; 32 leaves room and stops abuse early. */
export const MAX_PAYLOAD_DEPTH = 32;

/**
 * Keys dropped before the validator sees them, so that it cannot refuse them as unknown fields: Nest's pipe deletes
 * `__proto__`, `constructor` and `prototype`, and class-transformer skips names of Object.prototype's members.
 */
const PROTOTYPE_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * What must be refused before a payload reaches class-transformer: nesting deeper than `maxDepth` (its recursive copy
 * overflows the stack on a few kilobytes of `[[[[…]]]]`, which would answer 500 or, in a socket.io middleware, end the
 * process), keys that would be dropped silently (`__proto__`, `constructor`, `toString`…), which we refuse like any
 * other unknown field, and strings that are not text (NUL, a lone surrogate), which one store would keep and another
 * refuse with an internal error. Returns one FieldError per problem found, stopping at the first one too deep.
 */
export function payloadShapeErrors(value: unknown, maxDepth = MAX_PAYLOAD_DEPTH): FieldError[] {
  const errors: FieldError[] = [];
  // iterative, so that checking depth cannot overflow the stack either
  const pending: Array<{ node: unknown; path: string; depth: number }> = [{ node: value, path: '', depth: 0 }];
  while (pending.length > 0) {
    const { node, path, depth } = pending.pop()!;
    if (typeof node === 'string' && !isStorableText(node)) {
      errors.push({ property: path, constraints: { wellFormedText: `${path || 'the payload'} must be text without NUL characters or lone surrogates` } });
    }
    if (node === null || typeof node !== 'object') continue;
    if (depth >= maxDepth) {
      errors.push({ property: path, constraints: { maxDepth: `nested more than ${maxDepth} levels deep` } });
      return errors;
    }
    for (const key of Object.keys(node)) {
      const childPath = path ? `${path}.${key}` : key;
      if (!Array.isArray(node) && PROTOTYPE_KEYS.has(key)) {
        errors.push({ property: childPath, constraints: { whitelistValidation: `property ${key} should not exist` } });
        continue;
      }
      pending.push({ node: (node as Record<string, unknown>)[key], path: childPath, depth: depth + 1 });
    }
  }
  return errors;
}
