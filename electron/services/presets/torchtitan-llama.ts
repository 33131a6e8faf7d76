// torchtitan's Llama names → Hugging Face `LlamaForCausalLM` names, as torchtitan's own
// `Llama3StateDictAdapter.to_hf` maps them (pytorch/torchtitan,
// torchtitan/models/llama3/model/state_dict_adapter.py). q and k weights get the RoPE
// permutation that `to_hf` applies with `_permute(w, n_heads)`:
//   w.view(n_heads, dim1 // n_heads // 2, 2, dim2).transpose(1, 2).reshape(dim1, dim2)
// torchtitan's rotary embedding pairs interleaved rows (0,1), (2,3), …; Hugging Face's
// `rotate_half` pairs row i with row i + head_dim/2, so each head's even rows go first.
// Keys that match no row (e.g. a `freqs_cis` buffer) are not weights of the HF model: dropped.

import type { PresetTable } from './table';

export const TORCHTITAN_LLAMA: PresetTable = {
  name: 'torchtitan-llama',
  description: "torchtitan Llama (tok_embeddings, layers.N.attention.wq, …) to Hugging Face LlamaForCausalLM, with torchtitan's to_hf RoPE permutation of q/k",
  configDefaults: { num_key_value_heads: 'num_attention_heads' },
  rows: [
    { from: /^tok_embeddings\.weight$/, to: 'model.embed_tokens.weight' },
    { from: /^layers\.(\d+)\.attention\.wq\.weight$/, to: 'model.layers.$1.self_attn.q_proj.weight', permuteHeads: 'num_attention_heads' },
    { from: /^layers\.(\d+)\.attention\.wk\.weight$/, to: 'model.layers.$1.self_attn.k_proj.weight', permuteHeads: 'num_key_value_heads' },
    { from: /^layers\.(\d+)\.attention\.wv\.weight$/, to: 'model.layers.$1.self_attn.v_proj.weight' },
    { from: /^layers\.(\d+)\.attention\.wo\.weight$/, to: 'model.layers.$1.self_attn.o_proj.weight' },
    { from: /^layers\.(\d+)\.feed_forward\.w1\.weight$/, to: 'model.layers.$1.mlp.gate_proj.weight' },
    { from: /^layers\.(\d+)\.feed_forward\.w2\.weight$/, to: 'model.layers.$1.mlp.down_proj.weight' },
    { from: /^layers\.(\d+)\.feed_forward\.w3\.weight$/, to: 'model.layers.$1.mlp.up_proj.weight' },
    { from: /^layers\.(\d+)\.attention_norm\.weight$/, to: 'model.layers.$1.input_layernorm.weight' },
    { from: /^layers\.(\d+)\.ffn_norm\.weight$/, to: 'model.layers.$1.post_attention_layernorm.weight' },
    { from: /^norm\.weight$/, to: 'model.norm.weight' },
    { from: /^output\.weight$/, to: 'lm_head.weight' },
  ],
  copyConfigAs: 'config.json',
};
