import { SYSTEM_ACTOR, type Actor } from '@haven/domain';
import { deciderSpec } from '@haven/domain/testing/given-when-then';
import { safetyAlertDecider, type SafetyCommand } from './safety-alert.decider';
import type { SafetyEvent } from './safety-alert.events';

const T0 = '2026-11-23T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();
const alice: Actor = { userId: 'alice', role: 'participant' };
const fran: Actor = { userId: 'fran', role: 'facilitator' };
const conversation = { kind: 'room' as const, id: 'r1' };
const held = { messageId: 'm1', text: 'held words', contentWarning: null, replyTo: null, edit: false };
const ctx = (actor: Actor, now = T0) => ({ actor, commandId: `c-${Math.random()}`, now });
const spec = deciderSpec(safetyAlertDecider);

const raised: SafetyEvent = {
  type: 'SafetyAlertRaised',
  data: { alertId: 'a1', conversation, userId: 'alice', source: 'screening', heldMessage: held, categories: ['suicide'], raisedAt: T0, escalateAt: at(300) },
};
const acknowledged: SafetyEvent = { type: 'SafetyAlertAcknowledged', data: { alertId: 'a1', conversation, userId: 'alice', by: 'fran', acknowledgedAt: at(10) } };
const cmd = (c: Omit<SafetyCommand, 'context'>, actor: Actor, now = T0) => ({ ...c, context: ctx(actor, now) }) as SafetyCommand;

describe('safety alerts', () => {
  it('raising one records who, where, what was held and when it escalates', () =>
    spec.given([]).when(cmd({ type: 'RaiseAlert', data: { alertId: 'a1', conversation, source: 'screening', heldMessage: held, categories: ['suicide'], escalateAfterSeconds: 300 } }, alice)).then([raised]));

  it('is not offered to family guests outside a room (their session room is the only conversation they are in)', () =>
    spec.given([]).when(cmd({ type: 'RaiseAlert', data: { alertId: 'a1', conversation: { kind: 'mentoring', id: 'alice' }, source: 'help_request', heldMessage: null, categories: [], escalateAfterSeconds: 300 } }, { userId: 'g', role: 'family', familySessionId: 's1' })).thenThrows('SAFETY.NOT_AVAILABLE'));

  it('is raised for a family guest in a room (the room port has checked it is their own session room)', () => {
    const guest: Actor = { userId: 'family-inv-1', role: 'family', familySessionId: 's1' };
    spec.given([]).when(cmd({ type: 'RaiseAlert', data: { alertId: 'a1', conversation, source: 'help_request', heldMessage: null, categories: [], escalateAfterSeconds: 300 } }, guest))
      .then([{ type: 'SafetyAlertRaised', data: { alertId: 'a1', conversation, userId: 'family-inv-1', source: 'help_request', heldMessage: null, categories: [], raisedAt: T0, escalateAt: at(300) } }]);
  });

  it('staff acknowledge it; acknowledging twice changes nothing', () => {
    spec.given([raised]).when(cmd({ type: 'AcknowledgeAlert', data: { alertId: 'a1' } }, fran, at(10))).then([acknowledged]);
    spec.given([raised, acknowledged]).when(cmd({ type: 'AcknowledgeAlert', data: { alertId: 'a1' } }, fran, at(20))).thenNothing();
  });

  it('participants cannot acknowledge or resolve', () => {
    spec.given([raised]).when(cmd({ type: 'AcknowledgeAlert', data: { alertId: 'a1' } }, alice)).thenThrows('SAFETY.FORBIDDEN');
    spec.given([raised, acknowledged]).when(cmd({ type: 'ResolveAlert', data: { alertId: 'a1', outcome: 'kept_held', note: 'n' } }, alice)).thenThrows('SAFETY.FORBIDDEN');
  });

  it('is taken up by someone else when it is about a staff member: they cannot acknowledge or resolve their own', () => {
    const franRaised = { ...raised, data: { ...raised.data, userId: 'fran' } } as SafetyEvent;
    const franAcknowledged = { ...acknowledged, data: { ...acknowledged.data, userId: 'fran', by: 'dr-mae' } } as SafetyEvent;
    spec.given([franRaised]).when(cmd({ type: 'AcknowledgeAlert', data: { alertId: 'a1' } }, fran)).thenThrows('SAFETY.OWN_ALERT');
    spec.given([franRaised, franAcknowledged]).when(cmd({ type: 'AcknowledgeAlert', data: { alertId: 'a1' } }, fran)).thenThrows('SAFETY.OWN_ALERT');
    spec
      .given([franRaised, franAcknowledged])
      .when(cmd({ type: 'ResolveAlert', data: { alertId: 'a1', outcome: 'kept_held', note: 'I am fine' } }, fran))
      .thenThrows('SAFETY.OWN_ALERT');
  });

  it('is resolved only after it was acknowledged, with a note, once', () => {
    spec.given([raised]).when(cmd({ type: 'ResolveAlert', data: { alertId: 'a1', outcome: 'released', note: 'ok' } }, fran)).thenThrows('SAFETY.NOT_ACKNOWLEDGED');
    spec.given([raised, acknowledged]).when(cmd({ type: 'ResolveAlert', data: { alertId: 'a1', outcome: 'released', note: '  ' } }, fran)).thenThrows('SAFETY.NOTE_REQUIRED');
    spec
      .given([raised, acknowledged])
      .when(cmd({ type: 'ResolveAlert', data: { alertId: 'a1', outcome: 'released', note: 'talked, she is safe' } }, fran, at(60)))
      .then([{ type: 'SafetyAlertResolved', data: { alertId: 'a1', conversation, userId: 'alice', outcome: 'released', note: 'talked, she is safe', heldMessage: held, by: 'fran', resolvedAt: at(60) } }]);
  });

  it('cannot release what was never held (a help request)', () => {
    const help: SafetyEvent = { ...raised, data: { ...raised.data, source: 'help_request', heldMessage: null } } as SafetyEvent;
    spec.given([help, acknowledged]).when(cmd({ type: 'ResolveAlert', data: { alertId: 'a1', outcome: 'released', note: 'x' } }, fran)).thenThrows('SAFETY.NOTHING_HELD');
  });

  it('escalates when nobody acknowledged it in time, once, and only by the system', () => {
    spec.given([raised]).when(cmd({ type: 'EscalateAlert', data: { alertId: 'a1' } }, SYSTEM_ACTOR, at(299))).thenNothing();
    spec
      .given([raised])
      .when(cmd({ type: 'EscalateAlert', data: { alertId: 'a1' } }, SYSTEM_ACTOR, at(300)))
      .then([{ type: 'SafetyAlertEscalated', data: { alertId: 'a1', conversation, userId: 'alice', escalatedAt: at(300) } }]);
    spec.given([raised, acknowledged]).when(cmd({ type: 'EscalateAlert', data: { alertId: 'a1' } }, SYSTEM_ACTOR, at(400))).thenNothing();
    spec.given([raised]).when(cmd({ type: 'EscalateAlert', data: { alertId: 'a1' } }, fran, at(400))).thenThrows('AUTH.FORBIDDEN');
  });
});
