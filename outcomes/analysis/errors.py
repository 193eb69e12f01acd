"""The one exception the analysis core raises for data it cannot analyse."""


class AnalysisError(ValueError):
    """The data cannot support the analysis asked for; the message says which column, unit or rule."""
