/**
 * The default crisis list: phrases and patterns for suicide, self-harm and overdose risk. It is deliberately broad:
 * a false alarm costs a staff member a minute; a miss can cost a life. Clinics replace it with SAFETY_PHRASES_FILE
 * (docs/SAFETY.md). Matching ignores case, punctuation and spacing ("K i l l  myself" matches "kill myself").
 */
export interface CrisisList {
  /** plain phrases, matched ignoring case, punctuation and spacing */
  phrases: Record<CrisisCategory, string[]>;
  /** regular expressions (case-insensitive) run on the text with punctuation removed and spaces collapsed */
  patterns: Record<CrisisCategory, string[]>;
}

export type CrisisCategory = 'suicide' | 'self_harm' | 'overdose';

export const DEFAULT_CRISIS_LIST: CrisisList = {
  phrases: {
    suicide: [
      'kill myself', 'killing myself', 'end my life', 'ending my life', 'take my own life', 'want to die', 'wanna die',
      'better off dead', 'suicide', 'suicidal', 'no reason to live', 'not worth living', 'end it all', 'ending it all',
      "don't want to be here anymore", 'dont want to be here anymore', 'want to disappear forever', 'goodbye forever',
      'wrote a note', 'hang myself',
    ],
    self_harm: ['cut myself', 'cutting myself', 'hurt myself', 'hurting myself', 'self harm', 'selfharm', 'burn myself', 'harm myself'],
    overdose: [
      'overdose', 'overdosing', 'take all my pills', 'took all my pills', 'swallow all the pills', 'whole bottle of pills',
      'too many pills', 'mix pills and alcohol',
    ],
  },
  patterns: {
    suicide: ['\\b(want|going|plan(ning)?|ready) to (die|end it)\\b', '\\bno (point|reason) (in )?(living|going on)\\b'],
    self_harm: ['\\b(cut|cutting|burn|burning|hurt|hurting) (myself|my (arm|arms|wrist|wrists|legs?))\\b'],
    overdose: ['\\b(take|took|taking|swallow(ed)?) (all|a bunch|a lot) of (my )?(pills|meds|medication)\\b'],
  },
};

/** What the sender is shown at once when the crisis path catches them; clinics replace it with SAFETY_RESOURCES_FILE. */
export interface CrisisResources {
  message: string;
  resources: { name: string; how: string }[];
}

export const DEFAULT_CRISIS_RESOURCES: CrisisResources = {
  message:
    "It sounds like things are really hard right now. You are not alone, and you did the right thing by saying it. " +
    'A staff member has been notified and will reach out to you. If you are in danger right now, please use one of these:',
  resources: [
    { name: '988 Suicide & Crisis Lifeline', how: 'call or text 988' },
    { name: 'Crisis Text Line', how: 'text HOME to 741741' },
    { name: 'Emergency services', how: 'call 911' },
  ],
};
