"""The evidence engine's pure core: functions of pandas DataFrames returning frozen results.

Imports pandas, numpy, scipy and statsmodels only, never Django (a test enforces it), so an analyst
can use it from a notebook. See docs/analysis.md.
"""

from .errors import AnalysisError

__all__ = ["AnalysisError"]
