import { readFileSync } from 'node:fs';
import { validateCrisisList } from './screening/crisis-screen';
import { DEFAULT_CRISIS_LIST, DEFAULT_CRISIS_RESOURCES, type CrisisList, type CrisisResources } from './screening/default-crisis-phrases';

/** A clinic's safety settings (docs/SAFETY.md). Read once at start; a bad file stops the start with a clear error. */
export interface SafetyConfig {
  list: CrisisList;
  resources: CrisisResources;
  /** user ids of the clinicians on call; empty: every clinician is on call */
  onCall: string[];
  escalateAfterSeconds: number;
}

export function safetyConfigFrom(env: Record<string, string | undefined>): SafetyConfig {
  const readJson = (path: string, what: string): unknown => {
    try {
      return JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`${what} ${path} cannot be read as JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const list = env.SAFETY_PHRASES_FILE ? validateCrisisList(readJson(env.SAFETY_PHRASES_FILE, 'SAFETY_PHRASES_FILE')) : DEFAULT_CRISIS_LIST;
  const resources = env.SAFETY_RESOURCES_FILE
    ? (readJson(env.SAFETY_RESOURCES_FILE, 'SAFETY_RESOURCES_FILE') as CrisisResources)
    : DEFAULT_CRISIS_RESOURCES;
  if (typeof resources.message !== 'string' || !Array.isArray(resources.resources)) {
    throw new Error('SAFETY_RESOURCES_FILE must hold { "message": "...", "resources": [{ "name": "...", "how": "..." }] }');
  }
  // set to nothing means unset: Number('') is 0, which would escalate every alert at once
  const escalateAfterSeconds = Number(env.SAFETY_ESCALATE_AFTER_SECONDS?.trim() || 300);
  if (!Number.isFinite(escalateAfterSeconds) || escalateAfterSeconds < 0) throw new Error('SAFETY_ESCALATE_AFTER_SECONDS must be a number of seconds');
  const onCall = (env.SAFETY_ON_CALL ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return { list, resources, onCall, escalateAfterSeconds };
}
