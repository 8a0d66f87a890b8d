// In a fresh clone (CI) jest has no timings of earlier runs and starts the largest files first, by bytes; the random
// audits are small files that run for minutes, and one of them starting last left a worker running alone at the end.
// These start first, longest first (seconds, from CI's jest-results.json); the rest keep jest's own order.
const Sequencer = require('@jest/test-sequencer').default;

const LONGEST_FIRST = [
  'visibility-random.e2e',
  'visibility-random-mentoring.e2e',
  'read-models-at-start.e2e',
  'visibility-random-family.e2e',
  'offline-notices.e2e',
  'upgrade.e2e',
  'socket-fuzz.e2e',
  'erasure.e2e',
  'deployment-config-audit.e2e',
];

class LongestFirstSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const rank = (test) => {
      const index = LONGEST_FIRST.findIndex((name) => test.path.includes(`/${name}.`));
      return index === -1 ? LONGEST_FIRST.length : index;
    };
    // Array.prototype.sort is stable: files not listed keep jest's order
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirstSequencer;
