"""The site's pages: a list of page builders, each turning the computed figures into page specs,
which `render` writes through its Jinja2 template to Markdown.

Builders hand templates values and records (`Figures.summary`, `figures.records`), never a
DataFrame: a template only lays out and formats.

To add a page, write a builder `def my_pages(site: SiteData) -> Iterable[Page]` and append it to
`PAGE_BUILDERS`; give its template under `templates/` and, if it belongs in the menu, a `nav`
entry in mkdocs.yml.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from generator.errors import ConfigurationError
from generator.history import releases
from generator.package.load import POLICY, Package
from generator.site import bulletins, charts, filters, meanings, metrics, promises, roster
from generator.site import rates as rate_figures
from generator.site.figures import Figures, records
from generator.site.publisher import Publisher


@dataclass(frozen=True)
class Page:
    """One Markdown page to write: where, with which template and data, showing which resources."""

    path: str
    template: str
    context: dict
    sources: tuple[str, ...]
    charts: tuple[charts.Chart, ...] = ()


@dataclass
class SiteData:
    """Everything the builders need: the package, the validation outcome and the figures."""

    package: Package
    warnings: list = field(default_factory=list)
    rules: list = field(default_factory=list)
    downloads: list = field(default_factory=list)
    figures: Figures | None = None
    releases: list = field(default_factory=list)
    about: str = ""  # the project's hand-written docs/about.md
    # publisher.yaml: the bulletins' issuing office, the plan and its duties
    publisher: Publisher | None = None
    cache_dir: Path | None = None  # the build's content-keyed cache (bulletins kept there)

    @property
    def fig(self) -> Figures:
        """The figures; page builders run only after they are computed."""
        assert self.figures is not None, "figures are computed before pages are planned"
        return self.figures

    @property
    def pub(self) -> Publisher:
        """The publisher; the pages that name it are planned only with one."""
        assert self.publisher is not None, "the publisher is read before pages are planned"
        return self.publisher


def _due_lines(site: SiteData, codes: Iterable[str]) -> list[tuple[dt.date, str]]:
    table = site.fig.by_industry.set_index("code")
    days = sorted({table.at[c, "due_date"] for c in codes if c in table.index})
    return [(day, f"截止{filters.date_zh(day)}") for day in days]


# --- builders ------------------------------------------------------------------------------

def _absent(table, sentence: str) -> str:
    """`sentence` naming (as `{names}`) the rows of `table` with no units to insure, which its
    chart leaves out; empty when there are none."""
    names = list(table.loc[table["units_required"] == 0, "name"])
    return sentence.replace("{names}", "、".join(names)) if names else ""


def home(site: SiteData) -> Iterable[Page]:
    fig = site.fig
    uninsured = charts.uninsured_by_industry(
        "industry-uninsured", fig.by_industry, fig.industry_colour, fig.period)
    batches = fig.batches
    trend = charts.coverage_trend(
        "coverage-trend-batches", fig.trend_by_batch, {b: f"{b}行业" for b in batches},
        charts.colours(batches), _due_lines(site, fig.industry_names), "全市各批次行业", "批",
    )
    shown = (uninsured, trend) if len(fig.laggards) else (trend,)
    yield Page("index.md", "home.md.j2",
               {"fig": fig.summary, "uninsured": uninsured, "trend": trend},
               ("coverage", "industries", "assessments", "claims"), shown)


def coverage(site: SiteData) -> Iterable[Page]:
    fig = site.fig
    regions = fig.by_region
    by_industry = charts.industry_coverage(
        "industry-coverage", fig.by_industry, fig.industry_colour, fig.period,
        fig.target,
    )
    by_region = charts.group_coverage("region-coverage", regions, "县区", "各县区", fig.period)
    heatmap = charts.coverage_heatmap(
        "coverage-heatmap", fig.matrix, fig.region_names, fig.industry_names,
        fig.period,
    )
    trend = charts.coverage_trend(
        "coverage-trend", fig.trend_by_industry, fig.industry_names, fig.industry_colour,
        _due_lines(site, fig.industry_names), "各行业",
    )
    summary = fig.summary
    context = {"fig": summary, "by_industry": by_industry, "by_region": by_region,
               "heatmap": heatmap, "trend": trend}
    yield Page("coverage/index.md", "coverage.md.j2", context,
               ("coverage", "industries", "regions"), (by_industry, by_region, heatmap, trend))
    yield Page("industries/index.md", "industries.md.j2", {"fig": summary},
               ("coverage", "industries"))
    yield Page("regions/index.md", "regions.md.j2", {"fig": summary}, ("coverage", "regions"))


def _slices(site: SiteData, key: str) -> tuple[dict, pd.DataFrame]:
    """Per code of `key` (region_code or industry_code) its monthly totals (for the trend), and
    the latest month's sums by `key` and the other code; the coverage rows are grouped once,
    not filtered once a page."""
    cov, period = site.package.frames["coverage"], site.fig.period
    other = "industry_code" if key == "region_code" else "region_code"
    monthly = cov.groupby([key, "period"], sort=True)[["units_insured", "units_required"]].sum()
    return metrics.split(monthly.astype("float64")), metrics.coverage_sums(cov, [key, other],
                                                                          period)


def _latest_of(latest: dict, code: str) -> pd.DataFrame:
    """The latest month's sums of one code, with rates; no rows when it reported none that month."""
    empty = pd.DataFrame(columns=metrics.COVERAGE_SUMS, dtype="float64")
    return metrics.with_rates(latest.get(code, empty))


def industry_pages(site: SiteData) -> Iterable[Page]:
    fig = site.fig
    monthly, pairs = _slices(site, "industry_code")
    latest = metrics.split(pairs)
    summary = fig.summary
    for industry in summary.by_industry:
        code = industry["code"]
        if code not in monthly:
            continue
        trend = charts.coverage_trend(
            f"industry-{code}-trend", metrics.trend_table(monthly[code]).rename(
                columns={"coverage_rate": code}), {code: industry["name"]},
            fig.industry_colour, _due_lines(site, [code]), industry["name"],
        )
        by_region = metrics.region_table(_latest_of(latest, code), fig.regions)
        regions = charts.group_coverage(
            f"industry-{code}-regions", by_region, "县区", f"{industry['name']}行业各县区",
            fig.period,
            _absent(by_region, "{names}没有" + industry["name"] + "行业的应投保企业,未列入图表。"),
        )
        context = {"fig": summary, "industry": industry, "trend": trend, "regions": regions}
        yield Page(f"industries/{code}.md", "industry.md.j2", context,
                   ("coverage", "industries", "regions"), (trend, regions))


def region_pages(site: SiteData) -> Iterable[Page]:
    fig = site.fig
    monthly, pairs = _slices(site, "region_code")
    tables = metrics.industry_tables(pairs, [c for c in fig.by_region["code"] if c in monthly],
                                     fig.industries, fig.as_of, fig.policy)
    due_lines = _due_lines(site, fig.industry_names)
    summary = fig.summary
    shown = roster.published(site.package)
    industry_names = dict(zip(fig.industries["code"], fig.industries["name"], strict=True))
    uninsured = roster.uninsured(shown, industry_names)
    order = fig.industries[["code", "name", "display_order"]]
    verdicts_of = _verdicts_by_region(fig.county_verdicts, order)
    for region in summary.by_region:
        code = region["code"]
        if code not in monthly:
            continue
        by_industry = tables[code]
        by_industry["colour"] = [fig.industry_colour[c] for c in by_industry["code"]]
        industries = charts.group_coverage(
            f"region-{code}-industries", by_industry, "行业", f"{region['name']}各行业",
            fig.period,
            _absent(by_industry, region["name"] + "没有{names}行业的应投保企业,未列入图表。"),
        )
        trend = charts.coverage_trend(
            f"region-{code}-trend",
            metrics.trend_table(monthly[code]).rename(columns={"coverage_rate": code}),
            {code: region["name"]}, {code: charts.PALETTE[0]}, due_lines, region["name"],
        )
        context = {"fig": summary, "region": region, "industries": industries, "trend": trend,
                   "overdue": records(by_industry[by_industry["overdue"]]),
                   "roster": shown is not None,
                   "uninsured": uninsured.get(code, []),
                   "verdicts": verdicts_of.get(code, ())}
        yield Page(f"regions/{code.lower()}.md", "region.md.j2", context,
                   ("coverage", "industries", "regions", roster.RESOURCE), (industries, trend))


def _verdicts_by_region(county: pd.DataFrame, order: pd.DataFrame) -> dict[str, tuple]:
    """Region code → the records of its industries' verdicts in display order: one join and
    one conversion for every county, not one a county."""
    joined = county.merge(order, left_on="industry_code", right_on="code")
    joined = joined.sort_values("display_order", kind="stable")
    found: dict[str, list] = {}
    for row in records(joined):
        found.setdefault(row["region_code"], []).append(row)
    return {code: tuple(rows) for code, rows in found.items()}


def lookup_page(site: SiteData) -> Iterable[Page]:
    shown = roster.published(site.package)
    if shown is None:  # a package without a roster (the benchmark's baseline): say so
        yield Page(roster.PAGE, "lookup_none.md.j2", {}, ())
        return
    policy = site.package.policy
    context = {"as_of": site.fig.period, "units": len(shown),
               "masked": bool(policy.mask_uscc_prefixes or policy.mask_name_suffixes),
               "industries": records(site.fig.industries),
               # the search box's hint: the start of a code of this city's roster
               "example": str(shown["uscc"].iloc[0])[:8] if len(shown) and "uscc" in shown else ""}
    yield Page(roster.PAGE, "lookup.md.j2", context, (roster.RESOURCE, "industries"))


def assessment_pages(site: SiteData) -> Iterable[Page]:
    fig, f = site.fig, site.package.frames
    ranking = charts.score_ranking(
        "assessment-ranking", fig.ranking, fig.insurer_colour, fig.round, fig.policy
    )
    rounds = [
        (r, records(metrics.assessment_table(f["assessments"], fig.insurers, r)))
        for r in fig.rounds
    ]
    assessments = f["assessments"]
    failing = assessments[fig.policy.failing(assessments["grade"]).fillna(False)].sort_values(
        ["round", "insurer_code"], ascending=[False, True]
    )
    summary = fig.summary
    context = {"fig": summary, "ranking": ranking, "rounds": rounds,
               "failing": records(failing)}
    yield Page("insurers/index.md", "insurers.md.j2", context,
               ("assessments", "insurers", "assessors"), (ranking,))
    assessors = dict(zip(f["assessors"]["code"], f["assessors"]["name"], strict=True))
    split = _by_insurer(f, INSURER_TABLES)
    for insurer in records(fig.insurers):
        code = insurer["code"]
        own = {name: split[name].get(code, f[name].iloc[:0]) for name in INSURER_TABLES}
        history = metrics.insurer_history(own["assessments"], code)
        figures = []
        dims = None
        if not history.empty:
            last_round = history["round"].iloc[-1]
            dims = metrics.dimension_scores(own["assessment_scores"], last_round, code)
            if not dims.empty:
                figures.append(charts.dimension_scores(
                    f"insurer-{code}-dimensions", dims, fig.insurer_colour[code], last_round,
                    insurer["short_name"]))
            figures.append(charts.services_delivery(
                f"insurer-{code}-services", history, insurer["short_name"]))
        prevention = fig.prevention[fig.prevention["insurer_code"] == code]
        losses = fig.loss_ratios[fig.loss_ratios["insurer_code"] == code]
        context = {"fig": summary, "insurer": insurer, "history": records(history),
                   "figures": figures, "assessors": assessors, "prevention": records(prevention),
                   "losses": records(losses), **_promises(site, code, {**f, **own})}
        yield Page(f"insurers/{code.lower()}.md", "insurer.md.j2", context,
                   ("assessments", "assessment_scores", "insurers", "prevention", "claims",
                    "commitments", "insurer_supervision"),
                   tuple(figures))


# the tables with rows of each insurer (insurer_code), split once for the insurer pages
INSURER_TABLES = ("assessments", "assessment_scores", "prevention", "claims", "commitments",
                  "insurer_supervision")


def _by_insurer(frames: dict, names: Iterable[str]) -> dict[str, dict[str, pd.DataFrame]]:
    """Table name → insurer code → the table's rows of that insurer, in order with their
    index: the rows a filter on the code would select, each table split once rather than
    filtered once an insurer."""
    return {name: dict(iter(frames[name].groupby("insurer_code", sort=False))) for name in names}


def _promises(site: SiteData, code: str, f: dict) -> dict:
    """The insurer page's commitments, promised against delivered, and supervision records,
    from the frames `f` (the package's, or only the insurer's rows of its tables)."""
    fig = site.fig
    supervision = promises.supervision_of(f["insurer_supervision"], code)
    return {"commitments": records(promises.commitments_of(f["commitments"], fig.industries,
                                                           code)),
            "promised": promises.comparison(f, fig.industries, code, fig.claims_year),
            "supervision": supervision,
            "supervision_total": promises.supervision_totals(supervision)}


def prevention_page(site: SiteData) -> Iterable[Page]:
    fig = site.fig
    year = fig.prevention_year
    rows = fig.prevention[fig.prevention["year"] == year]
    share = charts.prevention_share(
        "prevention-share", rows, fig.insurer_colour, year, fig.policy.prevention_cap,
    )
    found = charts.hazards("prevention-hazards", rows, year)
    context = {"fig": fig.summary, "share": share, "hazards": found, "policy": fig.policy}
    yield Page("prevention.md", "prevention.md.j2", context, ("prevention", "insurers"),
               (share, found))


def claims_page(site: SiteData) -> Iterable[Page]:
    fig = site.fig
    paid = charts.claims_paid("claims-paid", fig.claims_periods)
    context = {"fig": fig.summary, "paid": paid, "policy": fig.policy}
    yield Page("claims.md", "claims.md.j2", context, ("claims", "insurers", "industries"),
               (paid,))


def enforcement_page(site: SiteData) -> Iterable[Page]:
    yield Page("enforcement.md", "enforcement.md.j2", {"fig": site.fig.summary},
               ("enforcement", "regions", "industries"))


def rates_page(site: SiteData) -> Iterable[Page]:
    f, fig = site.package.frames, site.fig
    page = rate_figures.rates_page(f["rates"], f["coverage"], fig.industries, fig.insurers)
    chart = rate_figures.premium_chart("rates-premium", page, fig.industry_colour)
    yield Page("rates.md", "rates.md.j2", {"rates": page, "chart": chart},
               ("rates", "coverage", "industries", "insurers"), (chart,))


def bulletin_pages(site: SiteData) -> Iterable[Page]:
    issued = bulletins.bulletins(site.package,
                                 site.cache_dir / "bulletins" if site.cache_dir else None)
    office = site.pub.issuer
    sources = ("coverage", "industries", "regions", "enforcement", "prevention", "claims",
               "insurers", "insurer_supervision")
    yield Page("bulletins/index.md", "bulletins.md.j2",
               {"bulletins": issued[::-1], "office": office}, sources)
    for b in issued:
        yield Page(f"bulletins/{b['month']}.md", "bulletin.md.j2", {"b": b, "office": office},
                   sources)


def issues(planned: list[Page]) -> tuple[releases.Issue, ...]:
    """The bulletins among the planned pages, newest first, as entries of the Atom feed."""
    found = [releases.Issue(page.path.removesuffix(".md") + "/",
                            f"安全生产责任保险工作通报({b['year']}年第{b['number']}期)",
                            b["as_of"])
             for page in planned if page.template == "bulletin.md.j2"
             for b in [page.context["b"]]]
    return tuple(found[::-1])


def milestones_page(site: SiteData) -> Iterable[Page]:
    yield Page("milestones.md", "milestones.md.j2", {"fig": site.fig.summary},
               ("milestones", "coverage", "industries"))


def data_pages(site: SiteData) -> Iterable[Page]:
    descriptor = site.package.descriptor
    yield Page("downloads.md", "downloads.md.j2",
               {"downloads": site.downloads, "descriptor": descriptor},
               tuple(r["name"] for r in descriptor["resources"]))
    yield Page("dictionary.md", "dictionary.md.j2", {"descriptor": descriptor},
               tuple(r["name"] for r in descriptor["resources"]))
    rules = {rule.id: rule for rule in site.rules}
    titles = {r["path"]: r.get("title") or r["name"] for r in descriptor["resources"]}
    yield Page("validation.md", "validation.md.j2",
               {"report": meanings.WarningReport(site.warnings, rules, titles), "rules": len(rules),
                "resources": len(descriptor["resources"])},
               tuple(r["name"] for r in descriptor["resources"]))


BASIS = "about/basis.md"


def about_pages(site: SiteData) -> Iterable[Page]:
    """说明 in plain words; under it 政策依据 (the plan's duties) and 校验规则 (for specialists)."""
    plan = site.pub.plan
    yield Page("about.md", "about.md.j2", {"about": Markup(site.about), "plan": plan}, (POLICY,))
    yield Page(BASIS, "basis.md.j2", {"plan": plan}, (POLICY,))
    yield Page("about/rules.md", "rules.md.j2",
               {"rules": site.rules, "policy": site.package.policy.entries}, (POLICY,))


def check_links(planned: list[Page]) -> None:
    """ConfigurationError naming a duty of the plan whose page is not a page of the site."""
    paths = {page.path for page in planned}
    for page in planned:
        plan = page.context.get("plan") if page.path == BASIS else None
        for duty in plan.duties if plan else ():
            if duty.page not in paths:
                raise ConfigurationError(
                    f"publisher.yaml 的 plan.duties 中“{duty.title}”的页面 {duty.page!r} "
                    "不是本站的页面")


def updates_page(site: SiteData) -> Iterable[Page]:
    found = []
    for i, r in enumerate(site.releases):
        groups = releases.outline(r.lines)
        shown, folded = releases.split_newest(groups) if i == 0 else ([], groups)
        found.append({"commit": r.commit, "anchor": Markup(releases.release_anchor(r.commit)),
                      "title": r.title, "subject": releases.public_subject(r.commit.subject),
                      "shown": shown, "folded": folded, "fold": i > 0 or bool(folded)})
    descriptor = site.package.descriptor
    yield Page(releases.PAGE, "updates.md.j2", {"releases": found, "feed": releases.FEED},
               (*(r["name"] for r in descriptor["resources"]), POLICY))


PAGE_BUILDERS: list[Callable[[SiteData], Iterable[Page]]] = [
    home, coverage, industry_pages, region_pages, assessment_pages, prevention_page,
    claims_page, enforcement_page, bulletin_pages, milestones_page, lookup_page, data_pages,
    about_pages, updates_page, rates_page,
]


def plan(site: SiteData) -> list[Page]:
    """Every page of the site, in a fixed order."""
    planned = [page for builder in PAGE_BUILDERS for page in builder(site)]
    check_links(planned)
    return planned
