import type { ContractEvent, OpArg, OperationName, OpResult } from './contract.js';

/** Every contract operation as `(arg) => Promise<result>`: adding an operation to the
 * contract breaks compilation until the host implements it. */
export type HostOperations = { [K in OperationName]: (arg: OpArg<K>) => Promise<OpResult<K>> };

export type HostApi = HostOperations & {
  /** Receives proxy events in batches (about every 100 ms); returns an unsubscribe function. */
  subscribe(listener: (events: ContractEvent[]) => void): () => void;
};
