// Accessibility fixes to Material for MkDocs, run on every page (and after instant navigation).
// The browser tests (tests/e2e/browser/) check them with axe-core.
document$.subscribe(function () {
  // The search overlay is a dialog, and a dialog needs a name (axe: aria-dialog-name).
  var search = document.querySelector(".md-search[role=dialog]");
  if (search) search.setAttribute("aria-label", "站内搜索");
  // A wide table scrolls inside the wrapper the theme puts around it: keyboard users must be able
  // to reach that wrapper to scroll it (axe: scrollable-region-focusable). Each such region has a
  // name of its own (axe: landmark-unique).
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap, index) {
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", "表格 " + (index + 1) + "(可左右滚动)");
    // The table itself was the keyboard's stop before the theme wrapped it (theme/main.html).
    wrap.querySelectorAll("table[tabindex]").forEach(function (table) {
      table.removeAttribute("tabindex");
    });
  });
});
