// Runs the metrics contract spec after every other end-to-end spec: it checks what they emitted.
const Sequencer = require('@jest/test-sequencer').default;

class MetricsContractLast extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const last = (test) => test.path.endsWith('metrics-contract.e2e.spec.ts');
    return [...sorted.filter((test) => !last(test)), ...sorted.filter(last)];
  }
}

module.exports = MetricsContractLast;
