"""Charts: a `Chart` spec (data, alt text, table) per figure (`specs`: coverage; `services`:
insurers, prevention, claims), drawn to reproducible SVG files (`draw`)."""

from generator.site.charts.draw import draw_all, render_svg, svg_size
from generator.site.charts.services import (
    claims_paid,
    dimension_scores,
    hazards,
    prevention_share,
    score_ranking,
    services_delivery,
)
from generator.site.charts.specs import (
    PALETTE,
    Chart,
    Table,
    colours,
    coverage_heatmap,
    coverage_trend,
    group_coverage,
    industry_coverage,
    uninsured_by_industry,
)

__all__ = [
    "PALETTE", "Chart", "Table", "claims_paid", "colours", "coverage_heatmap", "coverage_trend",
    "dimension_scores", "draw_all", "group_coverage", "hazards", "industry_coverage",
    "prevention_share", "render_svg", "score_ranking", "services_delivery", "svg_size",
    "uninsured_by_industry",
]
