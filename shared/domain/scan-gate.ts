import type { Verdict } from './tag-policy.ts';

/** Severities in ascending order, as ECR basic and enhanced scanning report them. */
export const SEVERITIES = ['UNDEFINED', 'INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A target that only takes images whose completed scan has no finding at or above `severity`. */
export interface ScanGate {
  severity: Severity;
}

export interface ScanOutcome {
  /** True when the scan finished (`COMPLETE`, or Inspector's `INITIAL_SCAN_COMPLETE`/`ACTIVE`). */
  complete: boolean;
  status: string;
  severityCounts: Partial<Record<Severity, number>>;
}

/** Scan statuses that mean findings are final: basic `COMPLETE`, enhanced `ACTIVE`/`INITIAL_SCAN_COMPLETE`. */
export function isScanComplete(status: string): boolean {
  return status === 'COMPLETE' || status === 'ACTIVE' || status === 'INITIAL_SCAN_COMPLETE';
}

/** Whether a scan lets an image through a gate; the reason names the blocking findings. */
export function evaluateScan(gate: ScanGate, scan: ScanOutcome | undefined): Verdict {
  if (!scan) return { ok: false, reason: 'no scan result yet; the scan event will apply it' };
  if (!scan.complete) return { ok: false, reason: `scan is ${scan.status}, not complete` };
  const threshold = SEVERITIES.indexOf(gate.severity);
  const blocking = SEVERITIES.filter((s, i) => i >= threshold && (scan.severityCounts[s] ?? 0) > 0);
  if (blocking.length === 0) return { ok: true };
  const counts = blocking.map((s) => `${scan.severityCounts[s]} ${s}`).join(', ');
  return { ok: false, reason: `scan gate: ${counts} finding(s) at or above ${gate.severity}` };
}
