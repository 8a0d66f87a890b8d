/** Injection tokens the app fills with every context's read models and delivery policies. */
export const READ_MODELS = Symbol('READ_MODELS');
export const DELIVERY_POLICIES = Symbol('DELIVERY_POLICIES');
