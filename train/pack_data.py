"""Packs `rio tasks export` JSON lines into one compressed .npz (about 20 times smaller: token ids as
uint16, the three per-token masks as bits of one byte), so a training set travels to a GPU machine.

    /usr/bin/python3 train/pack_data.py OUT.npz A.jsonl [B.jsonl ...]

The conversations keep their order; the special ids of A's .meta.json are copied beside OUT.
"""
import json
import os
import shutil
import sys

import numpy as np

FLAG_TARGET, FLAG_THINK, FLAG_MATH = 1, 2, 4


def read_jsonl(paths):
    ids, flags, lengths = [], [], []
    for path in paths:
        with open(path) as f:
            for k, line in enumerate(f, 1):
                r = json.loads(line)
                n = len(r["ids"])
                masks = (r["target"], r["think"], r["math"])
                assert all(len(m) == n for m in masks), f"{path}: record {k} has masks of another length"
                ids.append(np.asarray(r["ids"], dtype=np.uint16))
                flag = np.zeros(n, dtype=np.uint8)
                for bit, mask in zip((FLAG_TARGET, FLAG_THINK, FLAG_MATH), masks):
                    flag |= (np.frombuffer(mask.encode(), dtype=np.uint8) == ord("1")).astype(np.uint8) * bit
                flags.append(flag)
                lengths.append(n)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return np.concatenate(ids), np.concatenate(flags), offsets


def load_packed(path):
    """(ids, flags, offsets) of a packed .npz, or of a .jsonl read directly."""
    if path.endswith(".jsonl"):
        return read_jsonl([path])
    with np.load(path) as z:
        return z["ids"], z["flags"], z["offsets"]


def main():
    out, sources = sys.argv[1], sys.argv[2:]
    ids, flags, offsets = read_jsonl(sources)
    np.savez_compressed(out, ids=ids, flags=flags, offsets=offsets)
    shutil.copyfile(os.path.splitext(sources[0])[0] + ".meta.json", os.path.splitext(out)[0] + ".meta.json")
    print(f"{out}: {len(offsets) - 1} conversations, {len(ids)} tokens, {os.path.getsize(out)} bytes")


if __name__ == "__main__":
    main()
