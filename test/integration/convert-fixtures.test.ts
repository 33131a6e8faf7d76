// `convert` on the torch-written fixtures: the output, read back with the project's own
// safetensors readers, holds every tensor with the sha256 torch recorded in expected.json.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { convertCheckpoint } from '../../electron/services/convert/convert-checkpoint';
import { castElements } from '../../electron/services/convert/cast';
import { openCheckpoint } from '../../electron/services/inspect/open';
import { fixtureCases, expectedEntries, FIXTURES, type ExpectedTensor } from '../support/fixtures';
import { copyFixture, readBack, scratch, tensorBytes } from './convert-support';
import { DTYPES, type DType } from '../../shared/model/dtype';

const tensorsOf = (c: string): Record<string, ExpectedTensor> =>
  Object.fromEntries(Object.entries(expectedEntries(c)).filter((e): e is [string, ExpectedTensor] => e[1].kind === 'tensor'));

describe('every fixture converts, and reads back with the sha256 torch recorded', () => {
  for (const c of fixtureCases()) {
    const want = tensorsOf(c);
    if (Object.keys(want).length === 0) continue;
    it(c, async () => {
      const src = copyFixture(c);
      const dst = path.join(scratch(), 'out');
      const summary = await convertCheckpoint(src, dst, { threads: 2 });
      const got = await readBack(dst);
      expect(got.format).toBe('safetensors');
      expect(got.files).toEqual(['model.safetensors']);
      expect([...got.tensors.keys()].sort()).toEqual(Object.keys(want).sort());
      for (const [k, w] of Object.entries(want)) {
        expect({ k, ...got.tensors.get(k) }).toEqual({ k, dtype: w.dtype, shape: w.shape, nbytes: w.nbytes, sha256: w.sha256 });
      }
      const objects = Object.entries(expectedEntries(c)).filter(([, e]) => e.kind === 'object').map(([k]) => k);
      expect(summary.skipped.map((s) => s.key).sort()).toEqual(objects.sort());
      expect(summary.skipped.every((s) => s.reason === 'non-tensor')).toBe(true);
      expect(summary.tensors).toBe(Object.keys(want).length);
      expect(summary.dataBytes).toBe(Object.values(want).reduce((n, t) => n + t.nbytes, 0));
    });
  }

  it('hf_consolidated/checkpoint/sharded (DCP per-rank HF shards) converts to the full tensors', async () => {
    const src = copyFixture('hf_consolidated', path.join('checkpoint', 'sharded'));
    const dst = path.join(scratch(), 'out');
    await convertCheckpoint(src, dst, {});
    const got = await readBack(dst);
    for (const [k, w] of Object.entries(tensorsOf('hf_consolidated'))) expect([k, got.tensors.get(k)?.sha256]).toEqual([k, w.sha256]);
  });

  it('writes headers the way the safetensors library does: __metadata__ format=pt first, 8-aligned', async () => {
    const dst = path.join(scratch(), 'out');
    await convertCheckpoint(copyFixture('dtypes'), dst, {});
    const file = readFileSync(path.join(dst, 'model.safetensors'));
    const n = Number(file.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    const text = file.subarray(8, 8 + n).toString('utf8');
    expect(text.startsWith('{"__metadata__":{"format":"pt"},')).toBe(true);
  });
});

describe('options', () => {
  it('is deterministic: two runs give byte-identical files', async () => {
    const src = copyFixture('fsdp_tp');
    const a = path.join(scratch(), 'a');
    const b = path.join(scratch(), 'b');
    await convertCheckpoint(src, a, { maxShardSize: 300, threads: 2 });
    await convertCheckpoint(src, b, { maxShardSize: 300, threads: 1 });
    const names = readdirSync(a).sort();
    expect(names.length).toBeGreaterThan(2);
    expect(readdirSync(b).sort()).toEqual(names);
    for (const n of names) expect([n, readFileSync(path.join(a, n)).equals(readFileSync(path.join(b, n)))]).toEqual([n, true]);
  });

  it('--max-shard-size splits into files with a complete index and never splits a tensor', async () => {
    const want = tensorsOf('fsdp_train');
    const dst = path.join(scratch(), 'out');
    const summary = await convertCheckpoint(copyFixture('fsdp_train'), dst, { maxShardSize: '2KB' });
    const index = JSON.parse(readFileSync(path.join(dst, 'model.safetensors.index.json'), 'utf8')) as { metadata: { total_size: number }; weight_map: Record<string, string> };
    const shardFiles = readdirSync(dst).filter((n) => n.endsWith('.safetensors')).sort();
    const n = shardFiles.length;
    expect(n).toBeGreaterThan(3);
    expect(shardFiles).toEqual(Array.from({ length: n }, (_, i) => `model-${String(i + 1).padStart(5, '0')}-of-${String(n).padStart(5, '0')}.safetensors`));
    expect(index.metadata.total_size).toBe(Object.values(want).reduce((s, t) => s + t.nbytes, 0));
    expect(Object.keys(index.weight_map).sort()).toEqual(Object.keys(want).sort());
    expect(summary.files.map((f) => f.name)).toEqual([...shardFiles, 'model.safetensors.index.json']);
    // Each file, opened on its own, holds exactly the tensors the index gives it, whole.
    for (const f of shardFiles) {
      const ck = await openCheckpoint(path.join(dst, f));
      try {
        const inFile = Object.entries(index.weight_map).filter(([, v]) => v === f).map(([k]) => k).sort();
        expect(ck.model.entries.map((e) => e.key).sort()).toEqual(inFile);
        let data = 0;
        for (const e of ck.model.entries) {
          expect(e.kind === 'tensor' && e.shape).toEqual(want[e.key]!.shape);
          data += e.kind === 'tensor' ? e.nbytes : 0;
        }
        // over the limit only when a single tensor is
        expect(data <= 2000 || ck.model.entries.length === 1).toBe(true);
      } finally {
        await ck.close();
      }
    }
    const got = await readBack(dst);
    expect(got.format).toBe('safetensors-sharded');
    for (const [k, w] of Object.entries(want)) expect([k, got.tensors.get(k)?.sha256]).toEqual([k, w.sha256]);
  });

  it('--dtype bf16 casts the floating tensors (values as cast.ts computes them) and leaves the rest', async () => {
    const src = copyFixture('dtypes');
    const dst = path.join(scratch(), 'out');
    const summary = await convertCheckpoint(src, dst, { dtype: 'bfloat16' });
    const want = tensorsOf('dtypes');
    const got = await readBack(dst);
    for (const [k, w] of Object.entries(want)) {
      const floating = DTYPES[w.dtype as DType].floating;
      const g = got.tensors.get(k)!;
      if (!floating || w.dtype === 'bfloat16') {
        expect([k, g.dtype, g.sha256]).toEqual([k, w.dtype, w.sha256]);
        continue;
      }
      expect([k, g.dtype, g.shape]).toEqual([k, 'bfloat16', w.shape]);
      const s = await tensorBytes(src, k);
      const o = await tensorBytes(dst, k);
      const item = DTYPES[w.dtype as DType].itemsize;
      const cast = castElements(s.bytes, w.dtype as DType, 'bfloat16', new Uint8Array((s.bytes.length / item) * 2));
      expect([k, Buffer.from(o.bytes).toString('hex')]).toEqual([k, Buffer.from(cast).toString('hex')]);
    }
    expect(summary.cast).toBe(Object.values(want).filter((w) => DTYPES[w.dtype as DType].floating && w.dtype !== 'bfloat16').length);
    // nan_inf holds [nan, inf, -inf, 1.0] in float32: torch gives 0xFFFF for the NaN
    const nanInf = new Uint16Array((await tensorBytes(dst, 'nan_inf')).bytes.slice().buffer);
    const f = new Float32Array((await tensorBytes(src, 'nan_inf')).bytes.slice().buffer);
    const expectBits = [...f].map((x) => (Number.isNaN(x) ? 0xffff : x === Infinity ? 0x7f80 : x === -Infinity ? 0xff80 : x === 1 ? 0x3f80 : -1));
    expect([...nanInf]).toEqual(expectBits);
  });

  it('--model-only on fsdp_train keeps the model tensors only', async () => {
    const dst = path.join(scratch(), 'out');
    const summary = await convertCheckpoint(copyFixture('fsdp_train'), dst, { modelOnly: true });
    const modelKeys = Object.keys(tensorsOf('fsdp_train')).filter((k) => !/^(optimizer|lr_scheduler|dataloader|train_state)\./.test(k));
    expect(modelKeys.length).toBe(22);
    const got = await readBack(dst);
    expect([...got.tensors.keys()].sort()).toEqual(modelKeys.sort());
    for (const k of modelKeys) expect(got.tensors.get(k)?.sha256).toBe(tensorsOf('fsdp_train')[k]!.sha256);
    expect(summary.skipped.filter((s) => s.reason === 'training-state').length).toBeGreaterThan(0);
  });

  it('--model-only strips the model. prefix every model key shares (hsdp) and drops titan_llama training state', async () => {
    const dst = path.join(scratch(), 'out');
    const summary = await convertCheckpoint(copyFixture('hsdp'), dst, { modelOnly: true });
    const want = tensorsOf('hsdp');
    const got = await readBack(dst);
    expect([...got.tensors.keys()].sort()).toEqual(Object.keys(want).map((k) => k.slice('model.'.length)).sort());
    for (const [k, w] of Object.entries(want)) expect(got.tensors.get(k.slice(6))?.sha256).toBe(w.sha256);
    expect(summary.renamed).toBe(Object.keys(want).length);

    const titan = path.join(scratch(), 'titan');
    await convertCheckpoint(copyFixture('titan_llama'), titan, { modelOnly: true });
    const keys = [...(await readBack(titan)).tensors.keys()];
    expect(keys.length).toBe(21);
    expect(keys.every((k) => !k.startsWith('optimizer'))).toBe(true);
    expect(keys).toContain('tok_embeddings.weight');
  });

  it('--include / --exclude select by source key', async () => {
    const dst = path.join(scratch(), 'out');
    const summary = await convertCheckpoint(copyFixture('fsdp_train'), dst, { include: ['^layers\\.0\\.', '^norm'], exclude: ['wq', 'wk'] });
    const got = await readBack(dst);
    expect([...got.tensors.keys()].sort()).toEqual([
      'layers.0.attention.wo.weight', 'layers.0.attention.wv.weight', 'layers.0.attention_norm.weight',
      'layers.0.feed_forward.w1.weight', 'layers.0.feed_forward.w2.weight', 'layers.0.feed_forward.w3.weight', 'layers.0.ffn_norm.weight', 'norm.weight',
    ]);
    expect(summary.skipped.filter((s) => s.reason === 'excluded').map((s) => s.key).sort()).toEqual(['layers.0.attention.wk.weight', 'layers.0.attention.wq.weight']);
  });
});

// Held-back fixture sets (SHARDSCOPE_FIXTURES) may have no titan_llama case.
const titanRef = path.join(FIXTURES, 'titan_llama', 'reference.json');

describe.skipIf(!existsSync(titanRef))('--preset torchtitan-llama on titan_llama', () => {
  const caseDir = path.join(FIXTURES, 'titan_llama');
  const ref = existsSync(titanRef) ? (JSON.parse(readFileSync(titanRef, 'utf8')) as { hf_keys: string[]; n_heads: number; n_kv_heads: number }) : { hf_keys: [], n_heads: 0, n_kv_heads: 0 };
  const config = path.join(caseDir, 'hf_config', 'config.json');

  /** torchtitan _permute, written independently: out row (h, j, i) = in row (h, i, j). */
  function permuteRows(bytes: Uint8Array, rows: number, rowBytes: number, heads: number): Uint8Array {
    const out = new Uint8Array(bytes.length);
    const half = rows / heads / 2;
    for (let h = 0; h < heads; h++)
      for (let j = 0; j < 2; j++)
        for (let i = 0; i < half; i++) {
          const from = h * 2 * half + 2 * i + j;
          const to = h * 2 * half + j * half + i;
          out.set(bytes.subarray(from * rowBytes, (from + 1) * rowBytes), to * rowBytes);
        }
    return out;
  }

  it('writes exactly the Hugging Face keys, copies config.json, and permutes q/k per head', async () => {
    const src = copyFixture('titan_llama');
    const dst = path.join(scratch(), 'hf');
    const summary = await convertCheckpoint(src, dst, { preset: { name: 'torchtitan-llama', configPath: config }, verify: true });
    expect(summary.verified).toBe(true);
    const got = await readBack(dst);
    expect([...got.tensors.keys()].sort()).toEqual([...ref.hf_keys].sort());
    expect(readFileSync(path.join(dst, 'config.json'), 'utf8')).toBe(readFileSync(config, 'utf8'));
    const names: Array<[string, string, number | null]> = [['tok_embeddings.weight', 'model.embed_tokens.weight', null], ['output.weight', 'lm_head.weight', null], ['norm.weight', 'model.norm.weight', null]];
    for (const l of [0, 1]) {
      names.push([`layers.${l}.attention.wq.weight`, `model.layers.${l}.self_attn.q_proj.weight`, ref.n_heads]);
      names.push([`layers.${l}.attention.wk.weight`, `model.layers.${l}.self_attn.k_proj.weight`, ref.n_kv_heads]);
      names.push([`layers.${l}.attention.wv.weight`, `model.layers.${l}.self_attn.v_proj.weight`, null]);
      names.push([`layers.${l}.feed_forward.w2.weight`, `model.layers.${l}.mlp.down_proj.weight`, null]);
    }
    for (const [from, to, heads] of names) {
      const s = await tensorBytes(src, from);
      const o = await tensorBytes(dst, to);
      const [rows, cols] = s.entry.shape as [number, number];
      const want = heads === null ? s.bytes : permuteRows(s.bytes, rows, (cols ?? 1) * DTYPES[s.entry.dtype].itemsize, heads);
      expect([to, Buffer.from(o.bytes).equals(Buffer.from(want))]).toEqual([to, true]);
      if (heads !== null) expect(Buffer.from(o.bytes).equals(Buffer.from(s.bytes))).toBe(false);
    }
  });
});
