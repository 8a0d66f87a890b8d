import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';
import { charCount } from '@haven/domain';

/**
 * class-validator's @Length counted in characters as people count them (code points), as the domain's rules count:
 * @Length counts UTF-16 units, so it refused text within a rule's limit when it held emoji or other astral characters.
 */
export function CharLength(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'charLength',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const count = charCount(value);
          return count >= min && count <= max;
        },
        defaultMessage: buildMessage((each) => `${each}$property must be $constraint1 to $constraint2 characters long`, options),
      },
    },
    options,
  );
}
