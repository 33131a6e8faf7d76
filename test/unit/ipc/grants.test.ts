// The desktop app's path grants: a chosen path and what lies inside a chosen folder, nothing else.

import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PathGrants } from '../../../electron/app-service/grants';

describe('PathGrants', () => {
  const g = new PathGrants();
  const root = path.resolve('/data/run-1/step-100');
  g.add(root, 'read');
  g.add(path.resolve('/out/new-model'), 'write');

  it('allows the chosen folder and what is inside it', () => {
    expect(g.allows(root, 'read')).toBe(true);
    expect(g.allows(path.join(root, 'sharded'), 'read')).toBe(true);
    expect(g.allows(`${root}${path.sep}`, 'read')).toBe(true);
  });

  it('refuses siblings, parents, look-alike prefixes and escapes', () => {
    expect(g.allows(path.resolve('/data/run-1'), 'read')).toBe(false);
    expect(g.allows(path.resolve('/data/run-1/step-1000'), 'read')).toBe(false);
    expect(g.allows(path.join(root, '..', 'step-200'), 'read')).toBe(false);
    expect(g.allows(path.resolve('/etc/passwd'), 'read')).toBe(false);
  });

  it('keeps reading and writing apart', () => {
    expect(g.allows(root, 'write')).toBe(false);
    expect(g.allows(path.resolve('/out/new-model'), 'write')).toBe(true);
    expect(g.allows(path.resolve('/out/new-model'), 'read')).toBe(false);
  });
});
