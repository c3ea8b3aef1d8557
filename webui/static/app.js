// Progressive enhancement only: every feature works without this file.
(function () {
  "use strict";
  // Keep the scroll position of the results list when a facet is toggled.
  var KEY = "gongkai-scroll";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".facets a, .chips a");
    if (link) { sessionStorage.setItem(KEY, String(window.scrollY)); }
  });
  if (document.querySelector(".facets") && !location.hash) {
    var y = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
    if (y !== null) { window.scrollTo(0, parseInt(y, 10) || 0); }
  }
  // On the report page, arriving without an anchor but with marked terms: bring the first into view.
  var body = document.querySelector(".report-body");
  if (body && !location.hash) {
    var first = body.querySelector(".section mark");
    if (first) { first.scrollIntoView({block: "center"}); }
  }
})();

