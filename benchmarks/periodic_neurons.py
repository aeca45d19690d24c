"""Benchmarks of theorybook.periodic_neurons: the chapter's two hot paths.

1. LLL on the learner's relation lattices (cosine neuron, d = 4, 8, 12: 10, 18, 26 vectors with
   the automatic precision): our textbook integral LLL (pure Python, exact integers) against
   fplll through fpylll, in one run; both must return the same relation (up to sign).
2. The lattice learner's time per trial at d = 20 (fpylll backend, automatic precision), split
   into the mpmath part (labels' phases, the linear dependency lambda, rounding) and LLL.

Run: ``.venv/bin/python benchmarks/periodic_neurons.py`` (writes results/periodic_neurons.md).
"""

from __future__ import annotations

from _harness import markdown_table, timeit, write_results

from theorybook import periodic_neurons as pn


def bench_lll(ds=(4, 8, 12)):
    rows = []
    for d in ds:
        p = pn.sample_problem(d, "cos", seed=0)
        bits = pn.auto_bits(p)
        basis = pn.relation_basis(pn.relation_values(p, bits), bits)
        t_text = timeit(lambda: pn.lll(basis, backend="textbook"), repeat=3)
        t_fp = timeit(lambda: pn.lll(basis), repeat=5)
        a, b = pn.lll(basis, backend="textbook")[0], pn.lll(basis)[0]
        same = a == b or a == [-v for v in b]
        rows.append((d, len(basis), bits, t_text, t_fp, t_text / t_fp, "yes" if same else "NO"))
    return markdown_table(["d", "lattice dimension m", "bits N", "textbook LLL (s)",
                           "fpylll (s)", "ratio textbook / fpylll", "same relation"], rows)


def bench_learner(d=20, trials=5):
    rows = []
    for act in ("cos", "abs"):
        problems = [pn.sample_problem(d, act, seed=s) for s in range(trials)]
        t_all = timeit(lambda: [pn.learn(p) for p in problems], repeat=3) / trials
        bits = [pn.auto_bits(p) for p in problems]
        t_values = timeit(lambda: [pn.relation_values(p, b) for p, b in zip(problems, bits)],
                          repeat=3) / trials
        bases = [pn.relation_basis(pn.relation_values(p, b), b) for p, b in zip(problems, bits)]
        t_lll = timeit(lambda: [pn.lll(B) for B in bases], repeat=3) / trials
        ok = sum(pn.recovery_error(p, pn.learn(p)) < pn.SUCCESS_TOL for p in problems)
        rows.append((act, 2 * d + 2 if act == "cos" else d + 1, bits[0], t_all, t_values, t_lll,
                     f"{ok}/{trials}"))
    return markdown_table(["activation", "m", "bits N", "learner per trial (s)",
                           "mpmath: values (s)", "fpylll LLL (s)", "recovered"], rows)


def main():
    lll_table = bench_lll()
    learner_table = bench_learner()
    body = f"""
**LLL on the relation lattices** of the cosine learner (seed 0, automatic precision): our textbook
integral LLL (Cohen's Alg. 2.6.7 in pure Python, exact integers, incremental Gram–Schmidt)
against fplll via fpylll, delta = 0.99; median of 3 (textbook) and 5 (fpylll) runs.

{lll_table}

**The learner at d = 20** (fpylll backend, automatic precision, 5 problems, noise-free; the
chapter's target is under 0.2 s per trial). "values" is the mpmath part: the phases, the linear
dependency lambda and the reals of the relation.

{learner_table}
"""
    print(body)
    write_results("periodic_neurons", "Periodic neurons (Song, Zadik & Bruna 2021)", body)


if __name__ == "__main__":
    main()
