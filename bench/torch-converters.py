#!/usr/bin/env python3
"""torch's own ways to turn a DCP checkpoint into Hugging Face safetensors, for convert.bench.mjs
(run inside ../shared/tools/torch-sandbox; timed and RSS-measured from outside with GNU time).

usage: torch-converters.py dcp-save    DCP_DIR OUT_DIR   # dcp_to_torch_save, then safetensors save_file
       torch-converters.py consolidate HF_SHARDS OUT_DIR # consolidate_safetensors_files (per-rank HF shards)
       torch-converters.py accelerate  DCP_DIR OUT_DIR   # accelerate merge_fsdp_weights
"""
import os, sys


def dcp_save(src, out):
    import torch
    from torch.distributed.checkpoint.format_utils import dcp_to_torch_save
    from safetensors.torch import save_file
    os.makedirs(out, exist_ok=True)
    pt = os.path.join(out, "model.pt")
    dcp_to_torch_save(src, pt)
    sd = torch.load(pt, weights_only=True)
    os.remove(pt)
    save_file({k: v.contiguous() for k, v in sd.items()}, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})


def consolidate(src, out):
    from safetensors import safe_open
    from torch.distributed.checkpoint._consolidate_hf_safetensors import consolidate_safetensors_files
    fqns = set()
    for f in sorted(os.listdir(src)):
        if f.endswith(".safetensors"):
            with safe_open(os.path.join(src, f), "pt") as st:
                fqns.update(st.keys())
    os.makedirs(out, exist_ok=True)
    consolidate_safetensors_files(src, out, {k: 1 for k in sorted(fqns)})


def accelerate(src, out):
    from accelerate.utils import merge_fsdp_weights
    merge_fsdp_weights(src, out, safe_serialization=True)


if __name__ == "__main__":
    {"dcp-save": dcp_save, "consolidate": consolidate, "accelerate": accelerate}[sys.argv[1]](sys.argv[2], sys.argv[3])
