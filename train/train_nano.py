"""Trains rio-nano, a small Qwen3 reasoning model, on the problem families of Rio (`rio tasks export`).

One run trains both models of the comparison: a shared plain phase over the first --arms fraction of the
steps, then, from that same state and on the same data order, two continuations to --steps:

- plain: next-token training on the assistant turns (reasoning and answer), as before;
- latent: latent-aware training as the Rio 3.5 model card describes: in a share of the conversations, at
  random spans of reasoning positions the input embedding is replaced by the soft embedding SwiReasoning
  would feed there (the model's own next-token distribution at the previous position times the embedding
  matrix, from a first pass without gradient), with SwiReasoning's mixes at the switches: 0.9 soft + 0.1
  E[line break] at step 0 (the <think> position), and beta soft + (1 - beta) E[</think>] at the first
  explicit step after a latent span. Math tokens inside a span stay explicit, as SwiReasoning feeds them.
  The loss stays on the real next tokens.

Writes OUT/plain/hf and OUT/latent/hf (Hugging Face checkpoints) and OUT/run.json (steps, tokens, time).
--time-budget replaces --steps by as many steps as fit the given seconds, measured after a short
calibration (the GPU recipe); a --deadline writes whatever is trained when it passes.

Run with Debian's python3-torch and libopenblas0-pthread (without OpenBLAS torch runs 20x slower):
    /usr/bin/python3 train/train_nano.py --data data/train.npz --tokenizer runs/tokenizer --out runs/nano
"""
import argparse
import copy
import json
import math
import os
import random
import shutil
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pack_data import load_packed  # noqa: E402
from qwen3 import Qwen3ForCausalLM  # noqa: E402

BETA0 = 0.7  # SwiReasoning's beta0 (Rio's default)
STEP0_SOFT = 0.9  # step-0 latent input: 0.9 soft + 0.1 E[line break]
ANNEAL_TOKENS = 512  # the max_new_tokens the mixes' linear annealing is taken over
FLAG_TARGET, FLAG_THINK, FLAG_MATH = 1, 2, 4  # bits of the packed per-token flags


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True, help="`rio tasks export` output, .jsonl or packed .npz (pack_data.py)")
    p.add_argument("--tokenizer", required=True, help="folder with tokenizer.json and tokenizer_config.json")
    p.add_argument("--out", required=True, help="run folder")
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--layers", type=int, default=6)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--kv-heads", type=int, default=2)
    p.add_argument("--intermediate", type=int, default=768)
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--time-budget", type=float, help="seconds of training: sets --steps after a calibration")
    p.add_argument("--deadline", type=float, help="seconds after which a run still training writes what it has")
    p.add_argument("--arms", type=float, default=0.85, help="fraction of --steps where the two arms part")
    p.add_argument("--only-arm", choices=("plain", "latent"), help="train and write this arm alone")
    p.add_argument("--batch-tokens", type=int, default=3072, help="tokens per step, padding included")
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--warmup", type=int, default=150)
    p.add_argument("--weight-decay", type=float, default=0.05)
    p.add_argument("--latent-share", type=float, default=0.5, help="share of conversations trained latent")
    p.add_argument("--span-start", type=float, default=0.12, help="chance a latent span starts at a position")
    p.add_argument("--span-mean", type=float, default=6.0, help="mean latent span length (geometric)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--init", metavar="HF_DIR", help="start from this checkpoint's weights (a fresh optimiser)")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    return p.parse_args()


def batches(lengths, batch_tokens, seed):
    """Length-bucketed batches of about batch_tokens (padded) tokens, in a seeded order, forever."""
    rng = random.Random(seed)
    epoch = 0
    while True:
        order = list(range(len(lengths)))
        rng.shuffle(order)
        # sort within windows of 2,000 so a batch holds similar lengths without fixing the order
        for w in range(0, len(order), 2000):
            window = sorted(order[w : w + 2000], key=lambda i: lengths[i])
            chunks, cur, longest = [], [], 0
            for i in window:
                n = lengths[i]
                if cur and max(longest, n) * (len(cur) + 1) > batch_tokens:
                    chunks.append(cur)
                    cur, longest = [], 0
                cur.append(i)
                longest = max(longest, n)
            if cur:
                chunks.append(cur)
            rng.shuffle(chunks)
            for chunk in chunks:
                yield epoch, chunk
        epoch += 1


def collate(data, idx, pad):
    """Token ids (padded with pad) and the flags of the conversations idx, as [batch, longest] arrays."""
    ids_flat, flags_flat, offsets = data
    n = max(int(offsets[i + 1] - offsets[i]) for i in idx)
    ids = np.full((len(idx), n), pad, dtype=np.int64)
    flags = np.zeros((len(idx), n), dtype=np.uint8)
    for b, i in enumerate(idx):
        a, z = offsets[i], offsets[i + 1]
        ids[b, : z - a] = ids_flat[a:z]
        flags[b, : z - a] = flags_flat[a:z]
    flags = torch.from_numpy(flags)
    return torch.from_numpy(ids), (flags & FLAG_TARGET) > 0, (flags & FLAG_THINK) > 0, (flags & FLAG_MATH) > 0


def latent_plan(ids, think, math_, meta, rng, args):
    """Where and how the latent arm replaces inputs: per position, whether (replace), the soft row's weight,
    and which token's row the rest of the mix is (line break at step 0, </think> at a switch back)."""
    ids, think, math_ = ids.numpy(), think.numpy(), math_.numpy()
    b, n = ids.shape
    chosen = rng.random(b) < args.latent_share
    draws = rng.random((b, n))
    replace = np.zeros((b, n), dtype=bool)
    weight = np.ones((b, n), dtype=np.float32)
    to_think_end = np.zeros((b, n), dtype=bool)
    latent = np.zeros(b, dtype=bool)
    t = np.zeros(b)
    for j in range(n):  # one Markov chain per conversation, stepped for all of them at once
        in_think = think[:, j] & chosen
        latent &= in_think
        t += in_think
        u = draws[:, j]
        stop = latent & (u < 1.0 / args.span_mean)  # switch into explicit
        latent &= ~stop
        latent |= in_think & ~stop & (u > 1 - args.span_start)  # alpha0 = 1: the soft row unmixed
        replace[:, j] = stop | (latent & ~math_[:, j])
        weight[stop, j] = BETA0 + (1 - BETA0) * np.minimum(t[stop] / ANNEAL_TOKENS, 1.0)
        to_think_end[:, j] = stop
    # step 0: SwiReasoning starts latent; its first input mixes the soft row with the line-break row
    step0 = (ids == meta["thinkStart"]) & chosen[:, None]
    replace |= step0
    weight[step0] = STEP0_SOFT
    to_think_end &= ~step0
    return tuple(torch.from_numpy(x) for x in (chosen, replace, weight, step0, to_think_end))


def latent_inputs(model, ids, plan, meta):
    """Input embeddings with SwiReasoning's soft inputs where the plan says (see the module doc)."""
    chosen, replace, weight, to_line_break, to_think_end = (x.to(ids.device) for x in plan)
    E = model.model.embed_tokens.weight
    x = model.embed(ids)
    if not chosen.any():
        return x
    soft = torch.zeros_like(x)
    with torch.no_grad():  # the first pass, only for the conversations trained latent
        p = torch.softmax(model(ids[chosen]), dim=-1)
        # the distribution at j-1 is what SwiReasoning mixes into position j
        soft[chosen, 1:] = p[:, :-1] @ E
    rest = to_line_break[..., None] * E[meta["lineBreak"]].detach() + to_think_end[..., None] * E[meta["thinkEnd"]].detach()
    w = weight[..., None]
    mixed = w * soft + (1 - w) * rest
    return torch.where(replace[..., None], mixed, x)


def save_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().to("cpu", torch.float32).contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * ((8 - len(head) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for blob in blobs:
            f.write(blob)


def write_checkpoint(model, config, args, meta, out):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    gen = {"do_sample": False, "eos_token_id": [meta["imEnd"], meta["endOfText"]], "pad_token_id": meta["endOfText"]}
    with open(os.path.join(out, "generation_config.json"), "w") as f:
        json.dump(gen, f, indent=2)
    state = {k: v for k, v in model.state_dict().items() if k != "inv_freq"}
    save_safetensors(os.path.join(out, "model.safetensors"), state)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copyfile(os.path.join(args.tokenizer, name), os.path.join(out, name))


def model_config(args, meta, vocab_size):
    return {
        "architectures": ["Qwen3ForCausalLM"],
        "model_type": "qwen3",
        "vocab_size": vocab_size,
        "hidden_size": args.hidden,
        "num_hidden_layers": args.layers,
        "num_attention_heads": args.heads,
        "num_key_value_heads": args.kv_heads,
        "head_dim": args.hidden // args.heads,
        "intermediate_size": args.intermediate,
        "hidden_act": "silu",
        "max_position_embeddings": 4096,
        "rms_norm_eps": 1e-6,
        "rope_theta": 10000.0,
        "rope_scaling": None,
        "attention_bias": False,
        "attention_dropout": 0.0,
        "tie_word_embeddings": True,
        "initializer_range": 0.02,
        "bos_token_id": meta["endOfText"],
        "eos_token_id": meta["imEnd"],
        "torch_dtype": "float32",
        "use_cache": True,
    }


class Trainer:
    """The model, its optimiser and the data stream; train_step runs one step of either arm."""

    def __init__(self, args, meta, data, config):
        self.args, self.meta, self.data = args, meta, data
        self.device = torch.device(args.device)
        self.model = Qwen3ForCausalLM(config).to(self.device)
        decay = [p for n, p in self.model.named_parameters() if p.dim() >= 2]
        no_decay = [p for n, p in self.model.named_parameters() if p.dim() < 2]
        self.opt = torch.optim.AdamW(
            [{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
            lr=args.lr,
            betas=(0.9, 0.95),
        )
        self.lengths = np.diff(data[2]).tolist()
        self.stream = batches(self.lengths, args.batch_tokens, args.seed)
        self.step, self.tokens, self.epoch = 0, 0, 0
        self.rng = np.random.default_rng(args.seed)

    def snapshot(self):
        return copy.deepcopy((self.model.state_dict(), self.opt.state_dict(), self.step, self.tokens, self.rng))

    def restore(self, snap):
        model, opt, self.step, self.tokens, self.rng = copy.deepcopy(snap)
        self.model.load_state_dict(model)
        self.opt.load_state_dict(opt)
        self.stream = batches(self.lengths, self.args.batch_tokens, self.args.seed)
        for _ in range(self.step):  # replay the data order up to the snapshot's step
            next(self.stream)

    def train_step(self, total_steps, latent):
        args = self.args
        self.epoch, idx = next(self.stream)
        ids, target, think, math_ = collate(self.data, idx, self.meta["endOfText"])
        lr = args.lr * min(1.0, (self.step + 1) / args.warmup)
        lr *= 0.5 * (1 + math.cos(math.pi * min(1.0, self.step / total_steps))) * 0.9 + 0.1
        for group in self.opt.param_groups:
            group["lr"] = lr
        plan = latent_plan(ids, think, math_, self.meta, self.rng, args) if latent else None
        ids, target = ids.to(self.device), target.to(self.device)
        if latent:
            logits = self.model(embeds=latent_inputs(self.model, ids, plan, self.meta))
        else:
            logits = self.model(ids)
        mask = target[:, 1:]
        loss = F.cross_entropy(logits[:, :-1][mask], ids[:, 1:][mask])
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.opt.step()
        self.step += 1
        self.tokens += ids.numel()
        return loss.detach(), lr


def run_phase(trainer, name, end, total_steps, latent, started, deadline):
    """Trains from trainer.step to end; False when the deadline cut it short."""
    t0, t_tokens = time.time(), trainer.tokens
    loss_sum, n = 0.0, 0
    while trainer.step < end:
        loss, lr = trainer.train_step(total_steps, latent)
        loss_sum, n = loss_sum + loss, n + 1
        if trainer.step % 50 == 0 or trainer.step == end:
            dt = time.time() - t0
            print(
                f"{name} step {trainer.step}/{total_steps} epoch {trainer.epoch} loss {float(loss_sum) / n:.4f} "
                f"lr {lr:.2e} {(trainer.tokens - t_tokens) / dt:.0f} tok/s {(time.time() - started) / 60:.1f} min",
                flush=True,
            )
            loss_sum, n = 0.0, 0
        if deadline is not None and time.time() - started > deadline:
            print(f"{name}: deadline passed at step {trainer.step}", flush=True)
            return False
    return True


def calibrate(trainer, started):
    """Seconds per plain step and per latent step, from steps of the shared phase (kept: they are real
    training) and a few latent forward/backward passes whose gradients are thrown away."""
    run_phase(trainer, "calibrate", 20, 10**9, False, started, None)  # warm-up: allocator, kernels
    sync = torch.cuda.synchronize if trainer.device.type == "cuda" else (lambda: None)
    sync()
    t0 = time.time()
    run_phase(trainer, "calibrate", 100, 10**9, False, started, None)
    sync()
    plain = (time.time() - t0) / 80
    snap = trainer.snapshot()
    t0 = time.time()
    for _ in range(5):
        trainer.train_step(10**9, True)
    sync()
    latent = (time.time() - t0) / 5
    trainer.restore(snap)
    return plain, latent


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    if args.device.startswith("cuda"):
        torch.backends.cuda.matmul.allow_tf32 = True
    started = time.time()
    meta_path = os.path.splitext(args.data)[0] + ".meta.json"
    with open(meta_path) as f:
        meta = json.load(f)
    with open(os.path.join(args.tokenizer, "tokenizer.json")) as f:
        tok = json.load(f)
    vocab_size = len(tok["model"]["vocab"]) + len(tok["added_tokens"])
    meta["endOfText"] = next(t["id"] for t in tok["added_tokens"] if t["content"] == "<|endoftext|>")
    config = model_config(args, meta, vocab_size)
    data = load_packed(args.data)
    trainer = Trainer(args, meta, data, config)
    if args.init:
        from dump_logits import load_safetensors

        trainer.model.load_state_dict(load_safetensors(os.path.join(args.init, "model.safetensors")), strict=False)
    n_params = sum(p.numel() for p in trainer.model.parameters())
    print(f"{len(trainer.lengths)} conversations, {int(data[2][-1])} tokens; {n_params} parameters; {args.device}", flush=True)
    steps = args.steps
    if args.time_budget:
        plain, latent = calibrate(trainer, started)
        left = args.time_budget - (time.time() - started)
        # 10% spare: batches differ in length, and the deadline must not cut the latent arm short
        arms = {None: plain + latent, "plain": plain, "latent": latent}[args.only_arm]
        steps = int(left / (1.1 * (plain * args.arms + (1 - args.arms) * arms))) + trainer.step
        print(f"calibrated: {plain * 1000:.1f} ms a plain step, {latent * 1000:.1f} ms a latent one -> {steps} steps", flush=True)
    shared_end = int(args.arms * steps)
    run = {"parameters": n_params, "device": args.device, "torch": torch.__version__, "steps": steps,
           "shared_steps": shared_end, "batch_tokens": args.batch_tokens, "conversations": len(trainer.lengths)}
    complete = run_phase(trainer, "shared", shared_end, steps, False, started, args.deadline)
    snap = trainer.snapshot()
    for arm, latent in (("plain", False), ("latent", True)):
        if args.only_arm not in (None, arm):
            continue
        trainer.restore(snap)
        if complete:
            t0 = time.time()
            complete = run_phase(trainer, arm, steps, steps, latent, started, args.deadline)
            run[f"{arm}_seconds"] = round(time.time() - t0, 1)
        write_checkpoint(trainer.model, config, args, meta, os.path.join(args.out, arm, "hf"))
        run[arm] = {"steps": trainer.step, "tokens": trainer.tokens, "complete": complete}
        print(f"wrote {os.path.join(args.out, arm, 'hf')} at step {trainer.step}", flush=True)
    run["seconds"] = round(time.time() - started, 1)
    with open(os.path.join(args.out, "run.json"), "w") as f:
        json.dump(run, f, indent=2)


if __name__ == "__main__":
    main()
