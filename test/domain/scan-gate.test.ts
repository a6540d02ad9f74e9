import { describe, expect, it } from 'vitest';
import { evaluateScan, isScanComplete } from '#domain/scan-gate.ts';

const scan = (severityCounts: Record<string, number>, status = 'COMPLETE') => ({
  complete: isScanComplete(status),
  status,
  severityCounts,
});

describe('evaluateScan', () => {
  it('lets an image through when nothing is at or above the gate', () => {
    expect(evaluateScan({ severity: 'HIGH' }, scan({ MEDIUM: 2, LOW: 5 }))).toEqual({ ok: true });
  });

  it('blocks on findings at or above the gate and names them', () => {
    expect(evaluateScan({ severity: 'HIGH' }, scan({ CRITICAL: 1, HIGH: 3, LOW: 1 }))).toEqual({
      ok: false,
      reason: 'scan gate: 3 HIGH, 1 CRITICAL finding(s) at or above HIGH',
    });
    expect(evaluateScan({ severity: 'LOW' }, scan({ LOW: 1 })).ok).toBe(false);
  });

  it('waits for a scan that is missing or not complete', () => {
    expect(evaluateScan({ severity: 'CRITICAL' }, undefined)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('no scan result'),
    });
    expect(evaluateScan({ severity: 'CRITICAL' }, scan({}, 'IN_PROGRESS'))).toEqual({
      ok: false,
      reason: 'scan is IN_PROGRESS, not complete',
    });
    expect(evaluateScan({ severity: 'CRITICAL' }, scan({}, 'FAILED')).ok).toBe(false);
  });

  it('treats the enhanced-scanning statuses as complete', () => {
    expect(isScanComplete('INITIAL_SCAN_COMPLETE')).toBe(true);
    expect(isScanComplete('ACTIVE')).toBe(true);
    expect(isScanComplete('SCAN_ELIGIBILITY_EXPIRED')).toBe(false);
  });
});
