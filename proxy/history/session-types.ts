/**
 * Types of the session queries and of the conversion's progress; they live in the contract
 * (proxy/contract/types.ts) and are re-exported here for the history layer.
 */
export type {
  MigrationStatus,
  SessionDetail,
  SessionPage,
  SessionQuery,
  SessionSummary,
  SessionTokens,
  SessionTurn,
  TurnDelta,
} from '../contract/types.js';
