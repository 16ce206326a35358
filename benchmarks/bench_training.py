"""Speed of exercise generation: one exercise per generator, and a whole quiz per topic.

Run from the repository root: ``PYTHONPATH=src python benchmarks/bench_training.py``. Prints a
Markdown table of the best of several timeit repeats, in milliseconds per call. Not part of the test
verdict.
"""

from __future__ import annotations

import timeit

from coopfinance.training import GENERATORS, Quiz, Topic, generate


def best_ms(fn: object, number: int = 20, repeat: int = 5) -> float:
    """Best of ``repeat`` runs of ``number`` calls, in ms per call."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1000  # type: ignore[arg-type]


def main() -> None:
    """Print the table."""
    print("| what | ms per call |")
    print("|---|---:|")
    for name in GENERATORS:
        seeds = iter(range(10**6))
        ms = best_ms(lambda name=name, seeds=seeds: generate(name, next(seeds)))
        print(f"| generate {name} | {ms:.2f} |")
    for topic in Topic:
        seeds = iter(range(10**6))
        ms = best_ms(lambda t=topic, seeds=seeds: Quiz.build(t, seed=next(seeds)), number=5)
        print(f"| quiz {topic.value} | {ms:.2f} |")


if __name__ == "__main__":
    main()
