"""Layout checks for the browser tests: what sticks out past the right edge of the screen.

``wider_than_screen(page)`` lists, as readable lines, every shown element whose box ends right of
the window, unless it sits in a box that scrolls sideways on its own (``.table-scroll``, or any
``overflow-x: auto | scroll``) or in one of ``clipped_by`` (widgets that clip their own insides by
design, such as the map's tiles). An element cut off by its own SVG or an ``overflow: hidden``
parent is listed: cut off is what these checks are for.
"""

from playwright.sync_api import Page

# The map clips its tiles and marker layers to its box (Leaflet's own overflow: hidden).
MAP = ".leaflet-container"

_OFFENDERS = """
({ clippedBy }) => {
  const limit = window.innerWidth + 0.5;
  const scrolls = (el) => {
    if (el.matches('.table-scroll')) return true;
    if (clippedBy.some((selector) => el.matches(selector))) return true;
    const overflow = getComputedStyle(el).overflowX;
    return overflow === 'auto' || overflow === 'scroll';
  };
  const name = (el) => {
    let text = el.tagName.toLowerCase();
    if (el.id) text += '#' + el.id;
    const classes = (el.getAttribute('class') || '').trim();
    if (classes) text += '.' + classes.split(/\\s+/).join('.');
    return text;
  };
  const path = (el) => {
    const names = [];
    for (let node = el; node && node !== document.body && names.length < 4; node = node.parentElement) {
      names.unshift(name(node));
    }
    return names.join(' > ');
  };
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right <= limit) continue;
    let contained = false;
    for (let parent = el.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
      if (scrolls(parent)) { contained = true; break; }
    }
    if (contained) continue;
    const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    const where = `${path(el)}: right edge ${Math.round(box.right)} > ${window.innerWidth}`;
    found.push(text ? `${where} ("${text}")` : where);
  }
  return found;
}
"""


def wider_than_screen(page: Page, clipped_by: tuple[str, ...] = (MAP,)) -> list[str]:
    """The elements sticking out right of the window (the first 20, in page order), as readable lines."""
    return page.evaluate(_OFFENDERS, {"clippedBy": list(clipped_by)})[:20]


def page_overflow(page: Page) -> int:
    """How many pixels the page scrolls sideways (0 when it fits the window)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def assert_fits_the_screen(page: Page, clipped_by: tuple[str, ...] = (MAP,)) -> None:
    """No sideways scrolling of the page, and nothing sticking out past the right edge."""
    where = page.url
    overflow = page_overflow(page)
    offenders = wider_than_screen(page, clipped_by)
    assert overflow <= 0 and not offenders, (
        f"{where} at {page.viewport_size['width']}px: the page scrolls sideways by {overflow}px; "
        "sticking out:\n  " + "\n  ".join(offenders or ["(no element: look for absolutely positioned ones)"])
    )


_BOXES = """
(selector) => [...document.querySelectorAll(selector)]
  .filter((el) => getComputedStyle(el).display !== 'none')
  .map((el) => {
    const box = el.getBoundingClientRect();
    return { text: (el.textContent || '').trim(), left: box.left, right: box.right, top: box.top, bottom: box.bottom };
  })
  .filter((box) => box.right > box.left)
"""


def shown_boxes(page: Page, selector: str) -> list[dict]:
    """The boxes (left, right, top, bottom, text) of the shown elements matching ``selector``."""
    return page.evaluate(_BOXES, selector)


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    """Pairs of boxes on the same line that overlap (labels drawn over each other)."""
    ordered = sorted(boxes, key=lambda b: b["left"])
    return [
        (a["text"], b["text"])
        for i, a in enumerate(ordered)
        for b in ordered[i + 1 :]
        if b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]
    ]
