/**
 * Which fields of an event hold personal data, and whose it is. Each context declares this beside its events; the
 * store seals those fields with the person's own key before the event is appended, so that erasing a person is
 * deleting their key (crypto-shredding) and the log itself never changes.
 */
export interface PersonalFieldsOf {
  /** path in the event's data to the user id of the person the fields are about, e.g. `authorId` */
  subject: string;
  /** paths in the event's data (`heldMessage.text` for a nested one): a string, or each string of a list, is sealed; null stays null */
  fields: readonly string[];
}

/** By event type. */
export type PersonalFieldMap = Readonly<Record<string, PersonalFieldsOf>>;
