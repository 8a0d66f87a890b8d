/** Injection tokens the app fills with every context's read models and delivery policies. */
export const READ_MODELS = Symbol('READ_MODELS');
export const DELIVERY_POLICIES = Symbol('DELIVERY_POLICIES');

/**
 * Whether a user asked not to be shown online (rooms.setPresenceVisible): the gateway then announces neither their
 * arrival nor their departure. The rooms context answers it from its read model; without one, everyone is shown.
 */
export const PRESENCE_PRIVACY = Symbol('PRESENCE_PRIVACY');
export interface PresencePrivacy {
  hidden(userId: string): Promise<boolean>;
}
export const EVERYONE_SHOWN: PresencePrivacy = { hidden: async () => false };
