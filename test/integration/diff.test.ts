// `diffCheckpoints` on the torch-written fixtures and on modified copies of them, where every
// figure the report gives is known in advance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { diffCheckpoints, diffOpenCheckpoints } from '../../electron/services/diff/diff-checkpoints';
import { openCheckpoint } from '../../electron/services/inspect/open';
import { convertCheckpoint } from '../../electron/services/convert/convert-checkpoint';
import type { DiffOptions, DiffReport } from '../../shared/model/diff';
import { FIXTURES, expectedEntries, fixtureCases, fixtureDir } from '../support/fixtures';
import { f32ToBf16, f32View, readAllTensors, writeSafetensors, type TensorData } from '../support/tensor-files';

const HF_TOP = fixtureDir('hf_consolidated');
const HF_RANK_SHARDS = path.join(HF_TOP, 'sharded');
const TITAN = path.join(FIXTURES, 'titan_llama', 'checkpoint');
const TITAN_CONFIG = path.join(FIXTURES, 'titan_llama', 'hf_config', 'config.json');

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'shardscope-diff-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const diff = (a: string, b: string, o: DiffOptions = {}): Promise<DiffReport> => diffCheckpoints(a, b, { threads: 0, ...o });

function expectIdentical(r: DiffReport, compared: number, bitwise = true): void {
  expect({ onlyA: r.onlyA, onlyB: r.onlyB, changed: r.changed }).toEqual({ onlyA: [], onlyB: [], changed: [] });
  if (bitwise) expect(r.sameNotBitwise).toEqual([]);
  expect(r.identical).toBe(true);
  expect(r.same).toBe(compared);
}

describe('a checkpoint against itself', () => {
  for (const c of [...fixtureCases(), 'titan_llama']) {
    it(`${c} is identical to itself`, async () => {
      const dir = c === 'titan_llama' ? TITAN : fixtureDir(c);
      const ck = await openCheckpoint(dir);
      const n = ck.model.entries.length;
      await ck.close();
      expectIdentical(await diff(dir, dir), n);
    });
  }
  it("hf_consolidated's per-rank shards are identical to themselves", async () => {
    expectIdentical(await diff(HF_RANK_SHARDS, HF_RANK_SHARDS), Object.keys(expectedEntries('hf_consolidated')).length);
  });
});

describe('different layouts holding the same weights (same sha256 in expected.json)', () => {
  const hfKeys = Object.keys(expectedEntries('hf_consolidated')).length;

  it('hf_consolidated (sharded + index) against the per-rank shards it was built from', async () => {
    expectIdentical(await diff(HF_TOP, HF_RANK_SHARDS), hfKeys);
  });

  it('hf_sharded (DCP per-rank HF shards) against hf_consolidated', async () => {
    expectIdentical(await diff(fixtureDir('hf_sharded'), HF_TOP), hfKeys);
  });

  for (const dcp of ['hsdp', 'multifile', 'zstd']) {
    it(`${dcp} (DCP, model.* keys) --model-only against hf_consolidated`, async () => {
      expectIdentical(await diff(fixtureDir(dcp), HF_TOP, { modelOnly: true }), hfKeys);
    });
  }

  it('without --model-only the model. prefix keeps every key apart', async () => {
    const r = await diff(fixtureDir('hsdp'), HF_TOP);
    expect(r.identical).toBe(false);
    expect(r.onlyA).toHaveLength(hfKeys);
    expect(r.onlyB).toHaveLength(hfKeys);
    expect(r.onlyA.every((k) => k.startsWith('model.'))).toBe(true);
  });

  it('tp against fsdp_tp (1-D against 2-D tiles of the same tensors)', async () => {
    expectIdentical(await diff(fixtureDir('tp'), fixtureDir('fsdp_tp')), 4);
  });

  it('fsdp_train against hf_consolidated differs exactly in the trained tensors', async () => {
    const r = await diff(fixtureDir('fsdp_train'), HF_TOP, { modelOnly: true });
    const train = expectedEntries('fsdp_train');
    const hf = expectedEntries('hf_consolidated');
    const differing = Object.keys(hf).filter((k) => (train[k] as { sha256: string }).sha256 !== (hf[k] as { sha256: string }).sha256);
    expect(r.onlyA).toEqual([]);
    expect(r.onlyB).toEqual([]);
    expect(r.changed.map((c) => c.key).sort()).toEqual(differing.sort());
    expect(r.same).toBe(hfKeys - differing.length);
    for (const c of r.changed) expect(c.figures!.nDifferent).toBeGreaterThan(0);
  });

  it('fsdp_model_only (bf16 copy of the init weights) against hsdp (fp32): dtype changes, equal within bf16 rounding', async () => {
    const strict = await diff(fixtureDir('fsdp_model_only'), fixtureDir('hsdp'), { modelOnly: true });
    expect(strict.changed.every((c) => c.change === 'dtype' && c.dtypeA === 'bfloat16' && c.dtypeB === 'float32')).toBe(true);
    expect(strict.changed).toHaveLength(21); // every tensor but the bf16 freqs_scale buffer
    const loose = await diff(fixtureDir('fsdp_model_only'), fixtureDir('hsdp'), { modelOnly: true, dtypeInsensitive: true, rtol: 2 ** -8 });
    expectIdentical(loose, 22, false);
    // Only the bf16 buffer present on both sides is bitwise equal.
    expect(loose.sameNotBitwise).toHaveLength(21);
    expect(loose.sameNotBitwise).not.toContain('freqs_scale');
  });
});

describe('modified copies: the report names exactly the changed keys with exactly the expected figures', () => {
  let base: Map<string, TensorData>;
  let changedFile: string;
  const ONE = 'layers.0.attention.wq.weight';
  const NAN = 'tok_embeddings.weight';
  const DTYPE = 'layers.1.attention.wv.weight';
  const SHAPE = 'norm.weight';
  const GONE = 'output.weight';
  const ADDED = 'extra.bias';

  beforeAll(async () => {
    base = await readAllTensors(HF_TOP);
    const mod = new Map<string, TensorData>([...base].map(([k, t]) => [k, { ...t, bytes: t.bytes.slice() }]));
    f32View(mod.get(ONE)!.bytes)[17]! += 0.5;
    f32View(mod.get(NAN)!.bytes)[5] = NaN;
    const wv = mod.get(DTYPE)!;
    mod.set(DTYPE, { dtype: 'bfloat16', shape: wv.shape, bytes: f32ToBf16(wv.bytes) });
    mod.get(SHAPE)!.shape = [4, 4];
    mod.delete(GONE);
    mod.set(ADDED, { dtype: 'float32', shape: [3], bytes: new Uint8Array(12) });
    changedFile = path.join(tmp, 'modified.safetensors');
    writeSafetensors(changedFile, mod);
  });

  it('finds the one changed value, the NaN, the dtype and shape changes, the removed and the added key', async () => {
    for (const a of [HF_TOP, fixtureDir('hsdp')]) {
      const r = await diff(a, changedFile, { modelOnly: a !== HF_TOP });
      expect(r.identical).toBe(false);
      expect(r.onlyA).toEqual([GONE]);
      expect(r.onlyB).toEqual([ADDED]);
      expect(r.changed.map((c) => [c.key, c.change])).toEqual([
        [SHAPE, 'shape'],
        [DTYPE, 'dtype'],
        [ONE, 'values'],
        [NAN, 'values'],
      ]);
      expect(r.same).toBe(base.size - 5);

      const orig = f32View(base.get(ONE)!.bytes);
      const v = orig[17]!;
      const abs = Math.abs(Math.fround(v + 0.5) - v);
      const one = r.changed.find((c) => c.key === ONE)!.figures!;
      expect(one).toMatchObject({ numel: 256, nDifferent: 1, maxAbsDiff: abs, meanAbsDiff: abs / 256, maxRelDiff: abs / Math.abs(Math.fround(v + 0.5)) });
      expect(one).toMatchObject({ nanA: 0, infA: 0, nanB: 0, infB: 0 });
      const bOne = Float32Array.from(orig, (x, i) => (i === 17 ? x + 0.5 : x));
      const dot = orig.reduce((acc, x, i) => acc + x * bOne[i]!, 0);
      const norm = (v: Float32Array): number => Math.sqrt(v.reduce((acc, x) => acc + x * x, 0));
      expect(one.cosine).toBeCloseTo(dot / (norm(orig) * norm(bOne)), 12);
      expect(one.cosine).toBeLessThan(1);

      const nan = r.changed.find((c) => c.key === NAN)!.figures!;
      expect(nan).toEqual({ numel: 1024, nDifferent: 1, maxAbsDiff: 0, meanAbsDiff: 0, maxRelDiff: 0, cosine: 1, nanA: 0, infA: 0, nanB: 1, infB: 0 });

      const dt = r.changed.find((c) => c.key === DTYPE)!;
      expect(dt).toMatchObject({ dtypeA: 'float32', dtypeB: 'bfloat16', shapeA: [8, 16], shapeB: [8, 16] });
      const src = f32View(base.get(DTYPE)!.bytes);
      const rounded = new Float32Array(new Uint32Array(Array.from(new Uint16Array(f32ToBf16(base.get(DTYPE)!.bytes).buffer), (h) => h << 16)).buffer);
      const diffs = Array.from(src, (x, i) => Math.abs(x - rounded[i]!));
      expect(dt.figures).toMatchObject({ numel: 128, nDifferent: diffs.filter((d) => d !== 0).length, maxAbsDiff: Math.max(...diffs) });

      expect(r.changed.find((c) => c.key === SHAPE)).toEqual({
        key: SHAPE,
        ...(a === HF_TOP ? {} : { keyA: `model.${SHAPE}` }),
        change: 'shape',
        dtypeA: 'float32',
        dtypeB: 'float32',
        shapeA: [16],
        shapeB: [4, 4],
      });
    }
  });

  it('--atol large enough hides the changed value but never the NaN or the structure', async () => {
    const r = await diff(HF_TOP, changedFile, { atol: 1 });
    expect(r.changed.map((c) => c.key)).toEqual([SHAPE, DTYPE, NAN]);
    expect(r.sameNotBitwise).toEqual([ONE]);
    expect(r.changed.find((c) => c.key === DTYPE)!.figures!.nDifferent).toBe(0);
    const insensitive = await diff(HF_TOP, changedFile, { atol: 1, dtypeInsensitive: true });
    expect(insensitive.changed.map((c) => c.key)).toEqual([SHAPE, NAN]);
  });

  it('split into row ranges and run in worker threads, the figures are the same', async () => {
    const a = await openCheckpoint(HF_TOP);
    const b = await openCheckpoint(changedFile);
    try {
      const whole = await diffOpenCheckpoints(HF_TOP, a, changedFile, b, { threads: 0 });
      // 64-byte pieces and 32-byte blocks: every tensor becomes many ranges, most of them byte-equal.
      const split = await diffOpenCheckpoints(HF_TOP, a, changedFile, b, { threads: 2 }, {}, { pieceBytes: 64, blockBytes: 32 });
      // Equal figures; only the bytes read differ (byte-equal ranges are re-read for their figures).
      expect({ ...split, bytesRead: 0 }).toEqual({ ...whole, bytesRead: 0 });
      expect(split.bytesRead).toBeGreaterThan(whole.bytesRead);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('--preset torchtitan-llama', () => {
  const heads = { q: 4, k: 2 };
  const NAMES: Array<[RegExp, string]> = [
    [/^tok_embeddings\.weight$/, 'model.embed_tokens.weight'],
    [/^layers\.(\d+)\.attention\.wq\.weight$/, 'model.layers.$1.self_attn.q_proj.weight'],
    [/^layers\.(\d+)\.attention\.wk\.weight$/, 'model.layers.$1.self_attn.k_proj.weight'],
    [/^layers\.(\d+)\.attention\.wv\.weight$/, 'model.layers.$1.self_attn.v_proj.weight'],
    [/^layers\.(\d+)\.attention\.wo\.weight$/, 'model.layers.$1.self_attn.o_proj.weight'],
    [/^layers\.(\d+)\.feed_forward\.w1\.weight$/, 'model.layers.$1.mlp.gate_proj.weight'],
    [/^layers\.(\d+)\.feed_forward\.w2\.weight$/, 'model.layers.$1.mlp.down_proj.weight'],
    [/^layers\.(\d+)\.feed_forward\.w3\.weight$/, 'model.layers.$1.mlp.up_proj.weight'],
    [/^layers\.(\d+)\.attention_norm\.weight$/, 'model.layers.$1.input_layernorm.weight'],
    [/^layers\.(\d+)\.ffn_norm\.weight$/, 'model.layers.$1.post_attention_layernorm.weight'],
    [/^norm\.weight$/, 'model.norm.weight'],
    [/^output\.weight$/, 'lm_head.weight'],
  ];

  /** HF's permute, written from its definition: w.view(h, d/h/2, 2, c).transpose(1, 2).reshape(d, c). */
  function permute(t: TensorData, h: number): Uint8Array {
    const [d, c] = t.shape as [number, number];
    const row = (c * t.bytes.length) / (d * c);
    const half = d / h / 2;
    const out = new Uint8Array(t.bytes.length);
    let o = 0;
    for (let hi = 0; hi < h; hi++) {
      for (let two = 0; two < 2; two++) {
        for (let j = 0; j < half; j++) {
          const src = (hi * half * 2 + j * 2 + two) * row;
          out.set(t.bytes.subarray(src, src + row), o);
          o += row;
        }
      }
    }
    return out;
  }

  async function hfExport(withPermutation: boolean): Promise<string> {
    const titan = await readAllTensors(TITAN);
    const out = new Map<string, TensorData>();
    for (const [k, t] of titan) {
      const rule = NAMES.find(([re]) => re.test(k));
      if (rule === undefined) continue;
      const name = k.replace(rule[0], rule[1]);
      const h = name.endsWith('q_proj.weight') ? heads.q : name.endsWith('k_proj.weight') ? heads.k : 0;
      out.set(name, { ...t, bytes: withPermutation && h > 0 ? permute(t, h) : t.bytes });
    }
    const file = path.join(tmp, withPermutation ? 'titan-hf.safetensors' : 'titan-hf-unpermuted.safetensors');
    writeSafetensors(file, out);
    return file;
  }

  it('a torchtitan DCP step is identical to its Hugging Face export', async () => {
    const r = await diff(TITAN, await hfExport(true), { preset: 'torchtitan-llama', config: TITAN_CONFIG });
    expectIdentical(r, 21);
  });

  it('without the RoPE permutation exactly the q/k projections differ', async () => {
    const r = await diff(TITAN, await hfExport(false), { preset: 'torchtitan-llama', config: TITAN_CONFIG });
    expect(r.changed.map((c) => c.key).sort()).toEqual([
      'model.layers.0.self_attn.k_proj.weight',
      'model.layers.0.self_attn.q_proj.weight',
      'model.layers.1.self_attn.k_proj.weight',
      'model.layers.1.self_attn.q_proj.weight',
    ]);
    expect(r.changed.every((c) => c.change === 'values' && c.keyA?.startsWith('layers.'))).toBe(true);
  });

  it('refuses --preset without --config', async () => {
    await expect(diff(TITAN, TITAN, { preset: 'torchtitan-llama' })).rejects.toThrow(/needs --config/);
  });
});

describe('copies of a DCP folder', () => {
  it('a byte-for-byte copy in another folder is identical', async () => {
    const src = fixtureDir('uneven');
    const dst = path.join(tmp, 'uneven-copy');
    mkdirSync(dst);
    for (const f of readdirSync(src)) copyFileSync(path.join(src, f), path.join(dst, f));
    expectIdentical(await diff(src, dst, { threads: 2 }), 6);
  });
});

describe("a DCP checkpoint against its own conversion (shardscope convert)", () => {
  for (const c of ['fsdp_train', 'fsdp_tp', 'uneven', 'dtypes', 'zstd']) {
    it(`${c}: every tensor of the DCP equals the converted safetensors`, async () => {
      const out = path.join(tmp, `converted-${c}`);
      await convertCheckpoint(fixtureDir(c), out, { threads: 1 });
      const r = await diff(fixtureDir(c), out);
      const tensors = Object.values(expectedEntries(c)).filter((e) => e.kind === 'tensor').length;
      // Non-tensor items stay behind in the DCP: they are the only difference.
      expect(r.changed).toEqual([]);
      expect(r.onlyB).toEqual([]);
      expect(r.same).toBe(tensors);
      expect(r.onlyA.length).toBe(Object.keys(expectedEntries(c)).length - tensors);
    });
  }

  it('titan_llama converted with the preset is identical to its source under diff --preset', async () => {
    const out = path.join(tmp, 'converted-titan');
    await convertCheckpoint(TITAN, out, { threads: 1, preset: { name: 'torchtitan-llama', configPath: TITAN_CONFIG } });
    expectIdentical(await diff(TITAN, out, { preset: 'torchtitan-llama', config: TITAN_CONFIG }), 21);
  });
});
