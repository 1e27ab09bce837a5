"""axe-core in the browser tests: every page a walk visits is checked against WCAG 2.1 AA.

axe-core comes from npm (package.json) and is vendored by scripts/vendor.py like Bootstrap and
Leaflet. It is loaded from the live server's own /static/ URL rather than injected inline,
because the Content-Security-Policy forbids inline scripts and a test must not switch it off.
"""

from django.templatetags.static import static

# WCAG 2.0 and 2.1, levels A and AA: what issue 10 asks for (axe's "best-practice" rules are
# advice, not the standard, and are left out).
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
  }));
}"""


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now and return its WCAG 2.1 AA violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        origin = page.evaluate("() => location.origin")
        page.add_script_tag(url=origin + static("vendor/axe-core/axe.min.js"))
    return page.evaluate(_RUN, WCAG_AA)


def describe(violations: list[dict], *, where: str = "") -> str:
    """The violations as lines a person can act on: rule, impact, and each failing element."""
    lines = [f"axe-core found {len(violations)} WCAG 2.1 AA violation(s) on {where}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s)")
        for node in v["nodes"][:40]:
            summary = " ".join(node["summary"].split())[:300]
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page, *, where: str = "") -> None:
    """Fail listing every WCAG 2.1 AA violation axe-core finds on the current page."""
    violations = axe_violations(page)
    assert not violations, describe(violations, where=where or page.url)
