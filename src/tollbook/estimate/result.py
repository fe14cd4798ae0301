"""The immutable result of one population estimate, whatever the method, with text/HTML/dict summaries."""

from __future__ import annotations

import html
import math
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = ["EstimateResult", "code_version", "coded", "json_safe", "library_versions"]


def code_version() -> str:
    """Tollbook's version (``tollbook.__version__``, which pyproject.toml reads, so an install agrees with it)."""
    from tollbook import __version__

    return __version__


GENERATORS = {"lcmcr": "xoshiro256** per chain (Numba kernel), seeded from NumPy SeedSequence children",
              "dga": "NumPy PCG64 from a SeedSequence child", "loglinear": "NumPy PCG64 from a SeedSequence child",
              "search": "NumPy PCG64 from a SeedSequence child"}  # fmt: skip


@lru_cache(maxsize=1)
def library_versions() -> dict[str, str]:
    """Versions of Python, Tollbook and the numeric libraries an estimate depends on (see :mod:`.versions`)."""
    from tollbook.estimate.versions import installed_version

    found = {"python": platform.python_version(), "tollbook": code_version()}
    for name in ("numpy", "scipy", "numba", "arviz", "pandas"):
        found[name] = installed_version(name) or "not installed"
    return found


def coded(lines: Sequence[str]) -> list[dict | None]:
    """Each line's code and parameters (None for a line written as bare words, e.g. one saved before codes)."""
    from tollbook.estimate.caveats import Caveat, saved

    return [saved(line) if isinstance(line, Caveat) else None for line in lines]


def json_safe(value: Any) -> Any:
    """Convert numpy values, tuples and non-finite floats (to None) so ``json.dumps`` accepts the value."""
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist())
    if isinstance(value, np.generic):
        return json_safe(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str):  # a caveat is its words
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


@dataclass(frozen=True, eq=False)
class EstimateResult:
    """One estimate of a population's size: point value, 95% interval, the data and settings that produced it.

    ``estimate`` is the posterior median for Bayesian methods and the MLE for log-linear models.
    ``draws`` (posterior draws of N, or simulated ones for log-linear models) is kept for summing strata;
    ``warnings`` are caveats (:class:`~tollbook.estimate.caveats.Caveat`: English words with a code and
    parameters); ``to_dict()["coded"]`` keeps the codes beside the words.
    ``chains`` (LCMCR) holds each traced quantity (N, alpha, occupied classes) as a (chains, draws) array for
    diagnostics and plots. Neither is in :meth:`to_dict`; the database keeps them compressed.
    """

    method: str
    model: str | None
    estimate: float
    lower: float
    upper: float
    observed: int
    stratum: str | None
    settings: dict
    diagnostics: dict
    data_hash: str
    code_version: str = field(default_factory=code_version)
    converged: bool | None = None
    warnings: tuple[str, ...] = ()
    draws: np.ndarray | None = field(default=None, repr=False)
    chains: dict[str, np.ndarray] | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """Method and model in one short name, e.g. "loglinear Mth Chao" or "lcmcr"."""
        return f"{self.method} {self.model}" if self.model else self.method

    def plain_language(self) -> list[str]:
        """What the number is, what it assumes and when not to trust it, in plain words (see :mod:`.explain`)."""
        from tollbook.estimate.explain import plain_language

        return plain_language(self)

    def to_dict(self) -> dict:
        """All fields but the draws, as JSON-safe values (non-finite numbers become null)."""
        return json_safe(
            {
                "method": self.method,
                "model": self.model,
                "estimate": float(self.estimate),
                "lower": float(self.lower),
                "upper": float(self.upper),
                "observed": int(self.observed),
                "stratum": self.stratum,
                "converged": self.converged,
                "warnings": list(self.warnings),
                "settings": self.settings,
                "diagnostics": self.diagnostics,
                "data_hash": self.data_hash,
                "code_version": self.code_version,
                "versions": library_versions() | {"generator": GENERATORS.get(self.method, "none")},
                "plain_language": (plain := self.plain_language()),
                "coded": {"warnings": coded(self.warnings), "plain_language": coded(plain)},
            }
        )

    def summary(self, fmt: str = "text") -> str | dict:
        """Render the result as plain text, an HTML table, or a dict (the same as :meth:`to_dict`)."""
        if fmt == "dict":
            return self.to_dict()
        if fmt == "text":
            return _text_summary(self)
        if fmt == "html":
            return _html_summary(self)
        raise ValueError(f"unknown summary format {fmt!r}; use 'text', 'html' or 'dict'")

    def __str__(self) -> str:
        return _text_summary(self)


def _fmt_number(value: Any) -> str:
    """Format a number for people: integers with thousands separators, others to 4 significant digits."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            return str(value)
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return str(value)


def _convergence_line(result: EstimateResult) -> str | None:
    """A plain-words convergence statement, or None when the method does not have one."""
    if result.converged is None:
        return None
    if result.converged:
        return "converged: yes"
    return "converged: NO — do not rely on this number before reading the warnings"


def _rows(result: EstimateResult) -> list[tuple[str, str]]:
    """The (name, value) rows shared by the text and HTML summaries."""
    rows = [
        ("method", result.label),
        ("stratum", "all" if result.stratum is None else result.stratum),
        ("documented (observed)", _fmt_number(result.observed)),
        ("estimate", _fmt_number(float(result.estimate))),
        ("95% interval", f"{_fmt_number(float(result.lower))} – {_fmt_number(float(result.upper))}"),
    ]
    rows += [(f"  {key}", _fmt_number(value)) for key, value in result.diagnostics.items() if _is_scalar(value)]
    if result.diagnostics.get("posterior_predictive"):
        from tollbook.estimate.checks import check_summary

        rows.append(("  posterior predictive checks", check_summary(result.diagnostics["posterior_predictive"])))
    rows += [(f"  setting {key}", _fmt_number(value)) for key, value in result.settings.items() if _is_scalar(value)]
    rows += [("data hash", result.data_hash[:16]), ("code version", result.code_version)]
    return rows


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, bool | int | float | str | np.generic)


def _text_summary(result: EstimateResult) -> str:
    rows = _rows(result)
    width = max(len(name) for name, _ in rows)
    lines = [f"Population estimate ({result.label})", "-" * (width + 20)]
    lines += [f"{name.ljust(width)}  {value}" for name, value in rows]
    status = _convergence_line(result)
    lines += [status] if status else []
    lines += [f"WARNING: {text}" for text in result.warnings]
    lines += ["", *result.plain_language()]
    return "\n".join(lines)


def _html_summary(result: EstimateResult) -> str:
    cells = "".join(
        f"<tr><th>{html.escape(name.strip())}</th><td>{html.escape(value)}</td></tr>" for name, value in _rows(result)
    )
    status = _convergence_line(result)
    notes = [f"<p class='convergence'>{html.escape(status)}</p>"] if status else []
    notes += [f"<p class='warning'>Warning: {html.escape(text)}</p>" for text in result.warnings]
    notes += [f"<p class='plain-language'>{html.escape(text)}</p>" for text in result.plain_language()]
    caption = html.escape(f"Population estimate ({result.label})")
    return f"<table class='tollbook-estimate'><caption>{caption}</caption>{cells}</table>{''.join(notes)}"
