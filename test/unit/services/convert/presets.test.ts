import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadPreset, presetNames } from '../../../../electron/services/presets';
import { FIXTURES } from '../../../support/fixtures';

const TITAN_CONFIG = path.join(FIXTURES, 'titan_llama', 'hf_config', 'config.json');

function writeConfig(value: unknown): string {
  const p = path.join(mkdtempSync(path.join(tmpdir(), 'shardscope-preset-')), 'config.json');
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
}

describe('torchtitan-llama preset', () => {
  it('maps every torchtitan Llama name to its Hugging Face name, q/k with their head counts', async () => {
    const p = await loadPreset('torchtitan-llama', TITAN_CONFIG); // 4 heads, 2 kv heads
    expect(p.map('tok_embeddings.weight')).toEqual({ target: 'model.embed_tokens.weight' });
    expect(p.map('layers.11.attention.wq.weight')).toEqual({ target: 'model.layers.11.self_attn.q_proj.weight', permute: { heads: 4 } });
    expect(p.map('layers.0.attention.wk.weight')).toEqual({ target: 'model.layers.0.self_attn.k_proj.weight', permute: { heads: 2 } });
    expect(p.map('layers.0.attention.wv.weight')).toEqual({ target: 'model.layers.0.self_attn.v_proj.weight' });
    expect(p.map('layers.0.attention.wo.weight')).toEqual({ target: 'model.layers.0.self_attn.o_proj.weight' });
    expect(p.map('layers.3.feed_forward.w1.weight')).toEqual({ target: 'model.layers.3.mlp.gate_proj.weight' });
    expect(p.map('layers.3.feed_forward.w2.weight')).toEqual({ target: 'model.layers.3.mlp.down_proj.weight' });
    expect(p.map('layers.3.feed_forward.w3.weight')).toEqual({ target: 'model.layers.3.mlp.up_proj.weight' });
    expect(p.map('layers.3.attention_norm.weight')).toEqual({ target: 'model.layers.3.input_layernorm.weight' });
    expect(p.map('layers.3.ffn_norm.weight')).toEqual({ target: 'model.layers.3.post_attention_layernorm.weight' });
    expect(p.map('norm.weight')).toEqual({ target: 'model.norm.weight' });
    expect(p.map('output.weight')).toEqual({ target: 'lm_head.weight' });
    expect(p.files).toEqual({ 'config.json': TITAN_CONFIG });
  });

  it('drops what is not a weight of the model', async () => {
    const p = await loadPreset('torchtitan-llama', TITAN_CONFIG);
    expect(p.map('freqs_cis')).toBeNull();
    expect(p.map('layers.0.attention.wq.weight.extra')).toBeNull();
    expect(p.map('xlayers.0.attention.wq.weight')).toBeNull();
  });

  it('takes num_key_value_heads from num_attention_heads when the config has none', async () => {
    const p = await loadPreset('torchtitan-llama', writeConfig({ num_attention_heads: 8 }));
    expect(p.map('layers.0.attention.wk.weight')?.permute).toEqual({ heads: 8 });
  });

  it('refuses a config without a usable head count, naming the file and the field', async () => {
    const cfg = writeConfig({ num_attention_heads: 'four' });
    await expect(loadPreset('torchtitan-llama', cfg)).rejects.toThrow(`${cfg}: preset torchtitan-llama needs "num_attention_heads" as a positive integer, found "four"`);
  });

  it('refuses a missing or broken config and an unknown preset', async () => {
    await expect(loadPreset('torchtitan-llama', '/nonexistent/config.json')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(loadPreset('torchtitan-llama', writeConfig('{not json'))).rejects.toMatchObject({ code: 'CORRUPT' });
    await expect(loadPreset('torchtitan-llama', writeConfig([1, 2]))).rejects.toThrow(/must be a JSON object/);
    await expect(loadPreset('llama-from-mars', TITAN_CONFIG)).rejects.toThrow(/unknown preset "llama-from-mars"; known presets: torchtitan-llama/);
    expect(presetNames()).toContain('torchtitan-llama');
  });
});
