// Draws the dashboard's charts with the locally served plotly.js; a click on a bar or point opens the
// list behind it (the trace's customdata). Without JavaScript the tables below each chart remain.
(function () {
  if (!window.Plotly) { return; }
  document.querySelectorAll("[data-figure]").forEach(function (el) {
    var fig = JSON.parse(el.getAttribute("data-figure"));
    el.classList.add("chart-live");
    window.Plotly.newPlot(el, fig.data, fig.layout, {displaylogo: false, responsive: true});
    el.on("plotly_click", function (ev) {
      var p = ev.points && ev.points[0];
      if (p && p.customdata) { window.location.href = p.customdata; }
    });
  });
})();
