"""What the browser test checks on every page a person reads: axe-core's rules, sideways
scrolling on a phone, and a focus that the keyboard moves and the eye can follow.

axe-core comes bundled with axe-playwright-python (a dev dependency of the template): it is
injected into the page by the test driver, which the Content Security Policy does not govern.
"""

from dataclasses import dataclass

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices. Only the violations are
# reported in full (axe-core's resultTypes): the test reads nothing else, and each run would
# otherwise gather and send back the details of every rule that passed.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
MAX_TABS = 60  # presses of Tab to reach any control on one page

AXE = Axe()


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    targets: list[str]

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}): {', '.join(self.targets)}"


def axe_violations(page: Page) -> list[Violation]:
    """axe-core's violations on the page, once its CSS transitions have ended (a switch to the
    dark scheme fades colours in; axe would measure the contrast half-way)."""
    page.wait_for_function(
        "() => document.getAnimations().every(animation => animation.playState !== 'running')"
    )
    results = AXE.run(page, options=AXE_OPTIONS)
    return [
        Violation(found["id"], found["impact"], [str(node["target"]) for node in found["nodes"]])
        for found in results.response["violations"]
    ]


def sideways_overflow(page: Page) -> int:
    """How many pixels the page scrolls sideways (0 when it fits the window)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


# The focused element, and whether a sighted keyboard user can see that it has the focus:
# :focus-visible matches and an outline (site.css draws one) or a ring (box-shadow) shows.
FOCUS = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const ringed = style.boxShadow !== "none";
  return {
    description: element.outerHTML.slice(0, 120),
    visible: element.matches(":focus-visible") && (outlined || ringed),
  };
}"""


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until the element matching `selector` has the focus, checking at every stop
    that the focus is visible."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus is None:  # past the last control: the next Tab starts again at the top
            continue
        assert focus["visible"], f"focus not visible on {focus['description']}"
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{MAX_TABS} presses of Tab did not reach {selector}")
