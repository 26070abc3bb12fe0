"""Charts: a `Chart` spec (data, alt text, table) per figure (`specs`), drawn to reproducible SVG
files (`draw`)."""

from generator.site.charts.draw import draw_all, render_svg, svg_size
from generator.site.charts.specs import (
    PALETTE,
    Chart,
    Table,
    claims_paid,
    colours,
    coverage_heatmap,
    coverage_trend,
    dimension_scores,
    group_coverage,
    hazards,
    industry_coverage,
    prevention_share,
    score_ranking,
    services_delivery,
    uninsured_by_industry,
)

__all__ = [
    "PALETTE", "Chart", "Table", "claims_paid", "colours", "coverage_heatmap", "coverage_trend",
    "dimension_scores", "draw_all", "group_coverage", "hazards", "industry_coverage",
    "prevention_share", "render_svg", "score_ranking", "services_delivery", "svg_size",
    "uninsured_by_industry",
]
