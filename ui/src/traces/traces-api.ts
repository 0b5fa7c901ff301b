// The Traces and History commands (wrapped in src/lib/api.ts) and their types, under the
// names the pages use.

export { historyList, traceExport, traceHosts, tracePurge, traceQuery, traceRetentionSet, traceStorage } from '../lib/api';
export type {
  HistoryKind,
  HistoryOutcome,
  Purged,
  StatusClass,
  TraceExportFormat,
  TraceKind,
  HistoryEntry_Serialize as HistoryEntry,
  Retention_Serialize as Retention,
  TraceFilter_Serialize as TraceFilter,
  TracePage_Serialize as TracePage,
  TraceStorage_Serialize as TraceStorage,
} from '../lib/bindings';
