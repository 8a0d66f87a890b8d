import { validateSync } from 'class-validator';
import { CharLength } from './char-length';

class Reaction {
  @CharLength(1, 3)
  emoji!: unknown;
}

const errorsFor = (emoji: unknown) => {
  const reaction = new Reaction();
  reaction.emoji = emoji;
  return validateSync(reaction).map((error) => error.constraints);
};

describe('CharLength', () => {
  it('counts code points, so astral characters count once (three emoji are six UTF-16 units)', () => {
    expect(errorsFor('🎉🎉🎉')).toEqual([]);
    expect(errorsFor('a😀b')).toEqual([]);
  });

  it('refuses too few or too many characters, and what is not a string, with its limits in the message', () => {
    expect(errorsFor('🎉🎉🎉🎉')).toEqual([{ charLength: 'emoji must be 1 to 3 characters long' }]);
    expect(errorsFor('')).toEqual([{ charLength: 'emoji must be 1 to 3 characters long' }]);
    expect(errorsFor(42)).toEqual([{ charLength: 'emoji must be 1 to 3 characters long' }]);
  });
});
