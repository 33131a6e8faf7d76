// The paths the desktop app's user chose: from the open dialog, a drop, the command line or the
// recent list. Main reads and writes nothing else, whatever the renderer asks (house style §5):
// a compromised renderer can then reach only what the user already pointed at.

import * as path from 'node:path';
import type { PathUse } from './host';

export class PathGrants {
  private readonly granted: Record<PathUse, Set<string>> = { read: new Set(), write: new Set() };

  constructor(private readonly resolve: (p: string) => string = path.resolve) {}

  add(p: string, use: PathUse): void {
    this.granted[use].add(this.resolve(p));
  }

  /**
   * True for a chosen path itself and for anything inside a chosen folder (a checkpoint's
   * sub-folder, such as hf_consolidated's `sharded/`, is part of what the user pointed at).
   */
  allows(p: string, use: PathUse): boolean {
    const target = this.resolve(p);
    for (const g of this.granted[use]) {
      if (target === g) return true;
      const rel = path.relative(g, target);
      if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)) return true;
    }
    return false;
  }
}
