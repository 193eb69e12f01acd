"""Constants the analyses share, defined once."""

from scipy import stats

# The two-sided 95% normal critical value, 1.959963984540054.
Z95 = float(stats.norm.ppf(0.975))
