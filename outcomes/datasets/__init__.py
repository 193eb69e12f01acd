"""The one seam from database rows to DataFrames for the analysis core and the dashboards.

Each function reads with plain `values_list` queries (no model instances) and returns a pandas frame in
the shape `outcomes.analysis` expects. Periods are labelled as in imports: 'YYYY' or 'YYYY-MM'.

- `areas`: area statistics, the panel of one measure over areas, the target wards and the reference county;
- `panels`: the household-month panel and the households' profiles at a date;
- `records`: placements, and the rows of case records the ward dashboards aggregate;
- `housing_benefit`: housing benefit by the condition of the home it paid for;
- `costs`: the programme's costs by year, recorded and on interventions.
"""
