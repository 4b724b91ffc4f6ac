import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { withChildren } from '../../../scripts/loadtest/cpu-usage.js';

describe('withChildren', () => {
  it('lists a process and the children it started (the workers of a server)', async () => {
    const child = spawn('sleep', ['5']);
    try {
      await new Promise((r) => child.once('spawn', r));
      const group = withChildren(process.pid);
      expect(group[0]).toBe(process.pid);
      expect(group).toContain(child.pid);
    } finally {
      child.kill();
    }
  });
});
