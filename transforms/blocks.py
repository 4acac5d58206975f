"""Array work in blocks on every core: NumPy releases the GIL inside its loops, so the blocks of one lane's pair
arithmetic run on threads side by side. A block is one model's row against many of its partners
(`blocks_by_first`) or a run of consecutive pairs (`blocks_in_order`); each block writes its own rows of
preallocated arrays, so the result does not depend on the order the blocks finish in."""

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
import os

import numpy as np

WORKERS = max(1, min(8, os.cpu_count() or 1))
# Cells (rows x row width) of one block, held at once per thread. Measured on 1,000 models x 150 benchmarks, every pair:
ROW_BLOCK_CELLS = 4_000_000  # one model's row against its partners: one gathered array per block, so fewer, larger
# blocks pay less per-block Python (lead probabilities 0.93 s at 250,000 cells, 0.80 s at 4,000,000)
RUN_BLOCK_CELLS = 250_000  # a run of pairs: a dozen arrays of this size per block, below glibc's mmap threshold,
# so each block reuses freed heap memory instead of faulting in fresh pages (figures 1.7-1.9 s at 4,000,000; 1.3-1.6 s)


def each_block(work: Callable[[object], None], blocks: Iterable) -> None:
    """Call `work(block)` for every block, on up to WORKERS threads; the first error is raised."""
    blocks = list(blocks)
    if WORKERS == 1 or len(blocks) < 2:
        for block in blocks:
            work(block)
        return
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="benchmart-blocks") as pool:
        for _ in pool.map(work, blocks):
            pass


def blocks_by_first(first: np.ndarray, width: int):
    """Index arrays of the pairs grouped by their first model, each group cut into pieces of at most ROW_BLOCK_CELLS
    cells (`width`: the cells of one model's row, benchmarks or resamples)."""
    cap = max(1, ROW_BLOCK_CELLS // max(1, width))
    order = np.argsort(first, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(first[order]) != 0]) if len(order) else np.zeros(0, dtype=np.int64)
    for lo, hi in zip(starts, np.r_[starts[1:], len(order)]):
        for piece in range(lo, hi, cap):
            yield order[piece:min(piece + cap, hi)]


def blocks_in_order(n: int, width: int):
    """Slices cutting rows 0..n into consecutive pieces of at most RUN_BLOCK_CELLS cells (`width`: the cells of one row)."""
    cap = max(1, RUN_BLOCK_CELLS // max(1, width))
    for lo in range(0, n, cap):
        yield slice(lo, min(lo + cap, n))
