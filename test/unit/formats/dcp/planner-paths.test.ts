import { describe, expect, it } from 'vitest';
import { PositionalPaths } from '../../../../electron/formats/dcp/planner-paths';

describe('PositionalPaths', () => {
  it('is the Map of the paths it holds, in state_dict order, skipping keys without one', () => {
    const keys = ['model.w', 'model.b', 'optimizer.lr', 'step'];
    const paths = [['model', 'w'], undefined, ['optimizer', 'param_groups', 0, 'lr'], ['step']];
    const pp = new PositionalPaths(keys, paths);
    const map = new Map([
      ['model.w', ['model', 'w']],
      ['optimizer.lr', ['optimizer', 'param_groups', 0, 'lr']],
      ['step', ['step']],
    ]);
    expect(pp.size).toBe(3);
    expect([...pp]).toEqual([...map]);
    expect([...pp.keys()]).toEqual([...map.keys()]);
    expect([...pp.values()]).toEqual([...map.values()]);
    const seen: string[] = [];
    pp.forEach((v, k, m) => {
      expect(m).toBe(pp);
      expect(v).toEqual(map.get(k));
      seen.push(k);
    });
    expect(seen).toEqual([...map.keys()]);
    expect([pp.get('model.b'), pp.has('model.b'), pp.get('nope'), pp.has('step')]).toEqual([undefined, false, undefined, true]);
    expect([pp.at(0), pp.at(1), pp.at(3)]).toEqual([['model', 'w'], undefined, ['step']]);
  });
});
