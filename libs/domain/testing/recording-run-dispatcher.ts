import type { RunDispatcher, RunOrder } from '../src';

/** The runner's queue, in memory: the orders sent, in order. `refuse` makes the next sends fail, as an unreachable Lambda API would. */
export class RecordingRunDispatcher implements RunDispatcher {
  readonly orders: RunOrder[] = [];
  refuse: Error | undefined;
  async dispatch(order: RunOrder): Promise<void> {
    if (this.refuse) throw this.refuse;
    this.orders.push(structuredClone(order));
  }
}
