#!/usr/bin/env bash
# Train the runs of the sphere_diffusion scaling study (issue 21), one after another.
# Usage (from the repository root):  bash tools/sphere_diffusion_scaling.sh
# RDLM (mixture path, the paper's configuration), MDLM and the autoregressive model at widths 32
# and 64 (2 blocks, 4 heads, batch 64 × 32 characters, AdamW 1e-3, constant after 100 warm-up
# steps). Seed 0 runs 16 000 steps and its bound is evaluated at 1 000, 2 000, 4 000, 8 000 and
# 16 000 steps (the parameters after s steps are those of an s-step run: same keys, same learning
# rate); seeds 1 and 2 run the smallest budget, 1 000 steps. Each run stores config.json (with
# bpc_at and flops_per_step) and log.csv, no weights. A run whose config.json exists is skipped,
# so the script resumes after an interruption.
set -euo pipefail
PY=${PY:-.venv/bin/python}
DIR=lib/theorybook/sphere_diffusion/checkpoints/scaling
declare -A ARGS=([rdlm]="--model rdlm --prior mixture --step-thr 0.35" [mdlm]="--model mdlm" [ar]="--model ar")
run() {  # model width seed steps
  local model=$1 width=$2 seed=$3 steps=$4
  local out=$DIR/${model}_w${width}_seed${seed}
  if [ -f "$out/config.json" ]; then echo "skip $out"; return; fi
  local evals=1000
  [ "$steps" -gt 1000 ] && evals=1000,2000,4000,8000,$steps
  echo "$(date -u +%T) start $out"
  $PY -m theorybook.sphere_diffusion.train ${ARGS[$model]} --corpus pydoc --width "$width" \
    --steps "$steps" --seed "$seed" --eval-at "$evals" --no-weights --out "$out"
  echo "$(date -u +%T) done $out"
}
for model in ar mdlm rdlm; do run $model 32 0 16000; done
for width in 32 64; do
  for seed in 1 2; do
    for model in ar mdlm rdlm; do run $model $width $seed 1000; done
  done
done
for model in ar mdlm rdlm; do run $model 64 0 16000; done
