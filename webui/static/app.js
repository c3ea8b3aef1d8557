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

// Report page find box: 上一处 / 下一处 move between the numbered marks (#m1, #m2 …) without a
// reload, wrapping at the ends; the count shows which one is current ("第2处，共5处").
(function () {
  "use strict";
  var form = document.querySelector(".reader-tools form.find");
  var count = form && form.querySelector(".find-count");
  var prev = form && form.querySelector(".find-prev");
  var next = form && form.querySelector(".find-next");
  if (!count || !prev || !next) { return; }
  var total = document.querySelectorAll(".report-body mark[id^='m']").length;
  var label = count.textContent;
  var current = 0;
  var match = /^#m(\d+)$/.exec(location.hash);
  if (match) { current = parseInt(match[1], 10); }
  function go(n) {
    current = (n - 1 + total) % total + 1;
    var old = document.querySelectorAll(".report-body mark.current");
    for (var i = 0; i < old.length; i++) { old[i].classList.remove("current"); }
    var parts = document.querySelectorAll(".report-body mark[id='m" + current + "'], .report-body mark[data-m='" + current + "']");
    for (var k = 0; k < parts.length; k++) { parts[k].classList.add("current"); }
    if (parts.length) { parts[0].scrollIntoView({block: "center"}); }
    history.replaceState(null, "", "#m" + current);
    count.textContent = "第" + current + "处，" + label;
  }
  if (!total) { return; }
  prev.addEventListener("click", function (event) { event.preventDefault(); go(current ? current - 1 : total); });
  next.addEventListener("click", function (event) { event.preventDefault(); go(current + 1); });
})();
