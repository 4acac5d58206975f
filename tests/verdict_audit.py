"""An independent reader of verdicts: every sentence of every published verdict checked against the numbers of its
own row (mart_head_to_head), its categories (mart_head_to_head_category) and the leaderboard rows beside it.

Written from the documented rules (docs/methodology.md), not from the code that writes the verdicts. Returns the
problems found, one line each; an empty list means every sentence is true of the numbers beside it.
"""

import math
import re

import polars as pl

from benchmart.settings import DEFAULT_RULES, RankRules

NUM = r"(-?\d+\.\d)"


def _r1(x: float) -> float:
    """Round as the verdicts do (to one decimal, half to even on the scaled value)."""
    return round(x * 10) / 10


def _tokens(n: int) -> str:
    for unit, size in (("M", 1_000_000), ("M", 1_048_576), ("K", 1000), ("K", 1024)):
        if n % size == 0:
            return f"{n // size}{unit}"
    if abs(n / 1_048_576 - round(n / 1_048_576)) < 0.01 and n / 1_048_576 >= 0.99:
        return f"{round(n / 1_048_576)}M"
    return f"{round(n / 1000)}K"


def audit(h2h: pl.DataFrame, h2h_cat: pl.DataFrame, board: pl.DataFrame, names: dict[str, str],
          category_names: dict[str, str], bench_names: dict[str, str], rules: RankRules = DEFAULT_RULES) -> list[str]:
    sides = {(r["lane"], r["model_id"]): r for r in board.to_dicts()}
    cats = {(r["lane"], r["model_a_id"], r["model_b_id"], r["category_id"]): r for r in h2h_cat.to_dicts()}
    problems = []
    for row in h2h.to_dicts():
        key = f"{row['lane']} {row['model_a_id']} vs {row['model_b_id']}"
        problems += [f"{key}: {p}" for p in _audit_row(row, sides, cats, names, category_names, bench_names, rules)]
    return problems


def _audit_row(row, sides, cats, names, category_names, bench_names, rules) -> list[str]:
    out = []
    v = row["verdict"]
    a, b = row["model_a_id"], row["model_b_id"]
    oa, ob = _r1(row["overall_a"]), _r1(row["overall_b"])
    lead, trail = (a, b) if oa >= ob else (b, a)
    sl, st = max(oa, ob), min(oa, ob)
    figures = f"{names[lead]} {sl:.1f} vs {names[trail]} {st:.1f} (" + ("level" if sl == st else f"+{_r1(sl - st):.1f}") + ")"
    n, p, call = row["shared_benchmarks"], row["p_lead"], row["call"]
    # the call follows the documented thresholds
    expected_call = ("not_comparable" if n < rules.min_shared_benchmarks else "clear_lead" if p >= rules.clear_lead_probability
                     else "lead" if p >= rules.lead_probability else "too_close")
    if call != expected_call:
        out.append(f"call {call} but {n} shared benchmarks and p_lead {p} give {expected_call}")
    if "leads" in v and call not in ("clear_lead", "lead"):
        out.append("names a leader without a call")
    if call in ("clear_lead", "lead"):
        verb = "clearly leads" if call == "clear_lead" else "leads"
        head = (f"{names[lead]} {verb} {names[trail]} overall: {figures}; ahead in {math.floor(p * 100)}% of resamples, "
                f"on {n} shared weighted benchmarks.")
        if not v.startswith(head):
            out.append(f"headline is not {head!r}")
    elif call == "too_close" and not v.startswith(f"Too close to call: {figures} overall"):
        out.append("too-close headline does not show the figures leader-first")
    elif call == "not_comparable" and not v.startswith("Not comparable on shared evidence:"):
        out.append("not-comparable headline missing")
    if call == "not_comparable" and n > 0 and f"as published, {figures} overall." not in v:
        out.append("not-comparable verdict does not show the figures leader-first")
    # sharpest category
    m = re.search(r"Sharpest category gap: (.+?), (.+?) " + NUM + r" vs (.+?) " + NUM + r" \((level|\+\d+\.\d)\)\.", v)
    if row["sharpest_category_id"] is not None:
        c = cats[(row["lane"], a, b, row["sharpest_category_id"])]
        ca, cb = _r1(c["score_a"]), _r1(c["score_b"])
        first, second = ((a, ca), (b, cb)) if ca >= cb else ((b, cb), (a, ca))
        want = (category_names[row["sharpest_category_id"]], names[first[0]], f"{first[1]:.1f}", names[second[0]], f"{second[1]:.1f}")
        if not m or m.groups()[:5] != want:
            out.append(f"sharpest category sentence is not {want}")
        elif m.group(6) != ("level" if first[1] == second[1] else f"+{_r1(first[1] - second[1]):.1f}"):
            out.append("sharpest category difference is not that of the figures shown")
    elif m:
        out.append("a sharpest category without a shared category")
    # biggest swing
    m = re.search(r"Biggest swing on a shared benchmark: (.+?), (.+?) " + NUM + r" vs (.+?) " + NUM + r" \(", v)
    if row["swing_benchmark_id"] is not None:
        sa, sb = _r1(row["swing_a"]), _r1(row["swing_b"])
        first, second = ((a, sa), (b, sb)) if sa >= sb else ((b, sb), (a, sa))
        want = (bench_names[row["swing_benchmark_id"]], names[first[0]], f"{first[1]:.1f}", names[second[0]], f"{second[1]:.1f}")
        if not m or m.groups() != want:
            out.append(f"swing sentence is not {want}")
    elif m:
        out.append("a swing without a shared benchmark")
    # reasons to pick the model behind: each one true of the leaderboard figures, and none left out
    L, T = sides[(row["lane"], lead)], sides[(row["lane"], trail)]
    runtime = lambda s, k: None if s.get("runtime_suspect") else s.get(k)  # noqa: E731
    due = []
    if L["context_window_tokens"] and T["context_window_tokens"] and T["context_window_tokens"] > L["context_window_tokens"] \
            and _tokens(T["context_window_tokens"]) != _tokens(L["context_window_tokens"]):
        due.append("a larger context window")
    if L["blended_usd_per_mtok"] is not None and T["blended_usd_per_mtok"] is not None \
            and T["blended_usd_per_mtok"] < L["blended_usd_per_mtok"] and f"{T['blended_usd_per_mtok']:.2f}" != f"{L['blended_usd_per_mtok']:.2f}":
        due.append("a lower blended price")
    lt, tt = runtime(L, "output_tokens_per_s"), runtime(T, "output_tokens_per_s")
    if lt is not None and tt is not None and tt > lt and f"{tt:.0f}" != f"{lt:.0f}":
        due.append("faster output")
    ll, tl = runtime(L, "ttft_s"), runtime(T, "ttft_s")
    if ll is not None and tl is not None and tl < ll and f"{tl:.2f}" != f"{ll:.2f}":
        due.append("lower latency")
    if L["is_reasoning"] is True and T["is_reasoning"] is False and not (ll is not None and tl is not None and tl >= ll):
        due.append("no reasoning-model latency or token spend")
    if sl == st:
        if "better pick" in v or "favours" in v:
            out.append("a pick sentence for a level pair")
        return out
    if due:
        m = re.search(re.escape(f"{names[trail]} is still the better pick if you need ") + r"(.+)\.$", v)
        if not m:
            out.append(f"missing the pick sentence for {names[trail]} ({due})")
        else:
            given = [r for r in due if r in m.group(1)]
            if given != due:
                out.append(f"reasons given {m.group(1)!r}, due {due}")
            for extra in ("a larger context window", "a lower blended price", "faster output", "lower latency", "no reasoning-model"):
                if extra in m.group(1) and not any(d.startswith(extra) for d in due):
                    out.append(f"reason {extra!r} not supported by the figures")
    elif not v.endswith(f"Nothing recorded (price, speed, latency, context) favours {names[trail]}."):
        out.append("no reason is due but the verdict does not say nothing favours the model behind")
    return out
