#!/usr/bin/env bash
# The GPU recipe of the shipped rio-nano: the same train_nano.py as make_nano.sh, 6 layers and 64k-token
# batches for as many steps as fit the time budget, in one call on a lent H100 (about 8 minutes). DATA_DIR
# holds train.npz and train.meta.json (pack_data.py) and tokenizer/; OUT_DIR receives the two arms as
# .npz halves (ship_parts.py join rebuilds them here), run.json, and transformers' check of qwen3.py.
#   bash train/make_nano_gpu.sh DATA_DIR OUT_DIR [more train_nano.py flags]
set -uo pipefail
data=$1
out=$2
shift 2
run=/tmp/rio-nano-run
py=${PYTHON:-python3}
export PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
"$py" train/train_nano.py --data "$data/train.npz" --tokenizer "$data/tokenizer" --out "$run" \
  --hidden 256 --layers 6 --heads 4 --kv-heads 2 --intermediate 768 --batch-tokens 65536 --warmup 200 \
  --time-budget 420 --deadline 480 --arms 0.85 "$@"
cp "$run/run.json" "$out/"
for arm in plain latent; do "$py" train/ship_parts.py split "$run/$arm/hf" "$out/$arm"; done
"$py" train/check_transformers.py "$run/latent/hf" "$data/train.npz"
