#!/usr/bin/env bash
# Train the sphere_diffusion checkpoints of the seed study (issue 20), one run after another.
# Usage (from the repository root):  nice -n 19 bash tools/sphere_diffusion_seeds.sh
# Seed 0 of every family keeps its weights (the notebooks and tests load them); seeds 1 and 2 store
# config.json (with the validation bound) and log.csv only. A run whose config.json exists is
# skipped, so the script resumes after an interruption. Order: the new seed-0 runs, then seed 1 of
# every family, then seed 2, so that a cut leaves a balanced design.
set -euo pipefail
PY=${PY:-.venv/bin/python}
DIR=lib/theorybook/sphere_diffusion/checkpoints
NOTE="trained at nice 19 on a shared 2-core machine: train_seconds is not a comparable timing"
declare -A ARGS=(
  [rdlm_pydoc]="--model rdlm"
  [mdlm_pydoc]="--model mdlm"
  [ar_pydoc]="--model ar"
  [rdlm_uniform_pydoc]="--model rdlm --prior uniform"
  [rdlm_ce_pydoc]="--model rdlm --loss ce"
  [rdlm_mse_pydoc]="--model rdlm --loss mse"
  [rdlm_mixture_pydoc]="--model rdlm --prior mixture --step-thr 0.35"
)
FAMILIES="rdlm_mixture_pydoc rdlm_mse_pydoc rdlm_pydoc mdlm_pydoc ar_pydoc rdlm_uniform_pydoc rdlm_ce_pydoc"
run() {  # name seed [extra args]
  local name=$1 seed=$2; shift 2
  local out=$DIR/$name
  [ "$seed" -gt 0 ] && out=${out}_seed$seed
  if [ -f "$out/config.json" ]; then echo "skip $out"; return; fi
  echo "$(date -u +%T) start $out"
  $PY -m theorybook.sphere_diffusion.train ${ARGS[$name]} --corpus pydoc --steps 4000 \
    --seed "$seed" --out "$out" --note "$NOTE" "$@"
  echo "$(date -u +%T) done $out"
}
run rdlm_mixture_pydoc 0
run rdlm_mse_pydoc 0
for seed in 1 2; do
  for name in $FAMILIES; do run "$name" "$seed" --no-weights; done
done
