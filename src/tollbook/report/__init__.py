"""The published report (HTML in English and Persian, charts as inline SVG), traceable numbers (`explain`), and
the public export of persons under a redaction policy (issue 13)."""

from tollbook.report.build import ReportFiles, build_report
from tollbook.report.explain import Explanation, explain, explain_number
from tollbook.report.export import ExportFiles, write_export
from tollbook.report.gather import ReportData, gather_report
from tollbook.report.redaction import Policy, load_policy

__all__ = [
    "ExportFiles",
    "Explanation",
    "Policy",
    "ReportData",
    "ReportFiles",
    "build_report",
    "explain",
    "explain_number",
    "gather_report",
    "load_policy",
    "write_export",
]
