#!/usr/bin/env bash
# Rebuilds rio-nano on this machine's CPU, the way the shipped models/rio-nano was made (about 80 minutes
# on 2 cores; never run by CI): tokenizer -> training data -> stage 1, copying practice (96% echo
# conversations) -> stage 2 from stage 1's weights, half arithmetic and half the whole mix, whose run ends
# in two arms from one state, plain and latent-aware -> stage 3, the latent-aware arm trained on -> PyTorch
# logits for Rio's reference test.
# Both stages train for a fixed time, not a fixed number of steps (train_nano.py --time-budget).
# train/make_nano_gpu.sh is the larger recipe, for a GPU.
#   bash train/make_nano.sh [RUN_FOLDER]
set -euo pipefail
cd "$(dirname "$0")/.."
run="${1:-runs/nano}"
py=/usr/bin/python3 # Debian's, with python3-torch and libopenblas0-pthread
mkdir -p "$run"
npm run -s build
rio() { node bin/rio.js "$@"; }
rio tasks tokenizer --out "$run/tokenizer" --vocab 2048 --chats 40000
export_mix() { rio tasks export --tokenizer "$run/tokenizer" --out "$run/$1.jsonl" "${@:2}"; }
export_mix echo --count 30000 --start 200000 --echo-share 0.96
export_mix arithmetic --count 60000 --start 600000 --echo-share 0.05 --families arithmetic
export_mix mix --count 60000 --start 0 --echo-share 0.05
$py train/pack_data.py "$run/echo.npz" "$run/echo.jsonl"
$py train/pack_data.py "$run/stage2.npz" "$run/arithmetic.jsonl" "$run/mix.jsonl"
shape=(--tokenizer "$run/tokenizer" --hidden 192 --layers 4 --heads 3 --kv-heads 1 --intermediate 576
  --batch-tokens 3072 --threads 2)
$py train/train_nano.py --data "$run/echo.npz" --out "$run/stage1" "${shape[@]}" --warmup 100 \
  --time-budget 660 --deadline 720 --arms 0.99
$py train/train_nano.py --init "$run/stage1/plain/hf" --data "$run/stage2.npz" --out "$run/stage2" "${shape[@]}" \
  --warmup 50 --time-budget 3200 --deadline 3450 --arms 0.85
# stage 3: the latent-aware arm trained on (the shipped model); the arms of stage 2 are the comparison
$py train/train_nano.py --init "$run/stage2/latent/hf" --data "$run/stage2.npz" --out "$run/stage3" "${shape[@]}" \
  --warmup 50 --lr 1e-3 --time-budget 1260 --deadline 1380 --arms 0 --only-arm latent --seed 1
rio tasks logit-prompts --model "$run/stage3/latent/hf" --out "$run/prompts.json"
$py train/dump_logits.py --model "$run/stage3/latent/hf" --prompts "$run/prompts.json" --out "$run/stage3/latent/hf/torch-logits.json"
echo "trained: $run/stage3/latent/hf (copy to models/rio-nano with its model card); compared: $run/stage2/{plain,latent}/hf"
