/* Draws the Helix report's charts with Chart.js from the page's JSON block.
 * Colours are read from the page's CSS variables and the charts are redrawn
 * when the theme changes (the OS setting, or VS Code's body class). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var charts = [];

  function css(name) {
    return getComputedStyle(document.body).getPropertyValue(name).trim();
  }
  function modeColour(mode) {
    return css("--mode-" + mode) || css("--mode-other");
  }
  function duration(hours) {
    var total = Math.round(hours * 3600);
    if (total < 60) return total + "s";
    var minutes = Math.floor((total + 30) / 60);
    var h = Math.floor(minutes / 60), m = minutes % 60;
    return h ? h + "h " + (m < 10 ? "0" : "") + m + "m" : m + "m";
  }
  function clock(hours) {
    var h = Math.floor(hours), m = Math.round((hours - h) * 60);
    if (m === 60) { h += 1; m = 0; }
    return (h < 10 ? "0" : "") + h + ":" + (m < 10 ? "0" : "") + m;
  }
  function short(label) {
    return label.length > 36 ? "…" + label.slice(-35) : label;
  }
  function tick(hours) {
    if (hours === 0) return "0";
    return Math.abs(hours - Math.round(hours)) < 1e-9 ? Math.round(hours) + "h" : duration(hours);
  }
  function hoursAxis(title) {
    return {
      beginAtZero: true,
      title: { display: true, text: title },
      ticks: { callback: tick, maxRotation: 0, autoSkipPadding: 12 }
    };
  }
  function tooltipTime(ctx) {
    var v = ctx.raw;
    return (ctx.dataset.label ? ctx.dataset.label + ": " : "") + duration(v);
  }

  function barsConfig(labels, values, colours, horizontal) {
    var axis = hoursAxis("active time");
    return {
      type: "bar",
      data: { labels: labels, datasets: [{ data: values, backgroundColor: colours, borderRadius: 3, maxBarThickness: 28 }] },
      options: {
        indexAxis: horizontal ? "y" : "x",
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: tooltipTime } } },
        scales: horizontal
          ? { x: axis, y: { ticks: { autoSkip: false, callback: function (v) { return short(this.getLabelForValue(v)); } } } }
          : { y: axis }
      }
    };
  }

  var builders = {
    days: function () {
      return {
        type: "bar",
        data: {
          labels: data.days.labels,
          datasets: data.modes.map(function (m) {
            return { label: m, data: data.days.series[m], backgroundColor: modeColour(m) };
          })
        },
        options: {
          plugins: { tooltip: { mode: "index", callbacks: { label: tooltipTime } } },
          scales: {
            x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 16 } },
            y: Object.assign(hoursAxis("active time"), { stacked: true })
          }
        }
      };
    },
    modes: function () {
      return barsConfig(data.byMode.labels, data.byMode.values, data.byMode.labels.map(modeColour), true);
    },
    projects: function () {
      return barsConfig(data.projects.labels, data.projects.values, css("--accent"), true);
    },
    sessions: function () {
      return barsConfig(data.sessions.labels, data.sessions.values, data.sessions.modes.map(modeColour), true);
    },
    files: function () {
      return barsConfig(data.files.labels, data.files.values, css("--accent"), true);
    },
    timeline: function () {
      var t = data.timeline;
      return {
        type: "bar",
        data: {
          labels: t.days,
          datasets: data.modes.map(function (m) {
            return {
              label: m,
              backgroundColor: modeColour(m),
              grouped: false,
              barPercentage: 0.8,
              categoryPercentage: 1,
              data: t.bars.filter(function (b) { return b[3] === m; }).map(function (b) {
                return { y: t.days[b[0]], x: [b[1], b[2]], name: b[4] };
              })
            };
          })
        },
        options: {
          indexAxis: "y",
          plugins: {
            tooltip: {
              callbacks: {
                label: function (ctx) {
                  var r = ctx.raw;
                  return r.name + " (" + ctx.dataset.label + "): " + clock(r.x[0]) + "–" + clock(r.x[1]);
                }
              }
            }
          },
          scales: {
            x: { min: 0, max: 24, ticks: { stepSize: 3, callback: function (v) { return clock(v); } },
                 title: { display: true, text: "time of day" } },
            y: { ticks: { autoSkip: false } }
          }
        }
      };
    }
  };

  function draw() {
    charts.forEach(function (c) { c.destroy(); });
    charts = [];
    Chart.defaults.color = css("--muted") || "#666";
    Chart.defaults.borderColor = css("--grid") || "rgba(0,0,0,.1)";
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;
    Object.keys(builders).forEach(function (key) {
      var canvas = document.getElementById("chart-" + key);
      if (!canvas) return;
      charts.push(new Chart(canvas, builders[key]()));
      canvas.setAttribute("data-rendered", "true");
    });
    document.body.setAttribute("data-charts", String(charts.length));
  }

  draw();
  new MutationObserver(draw).observe(document.body, { attributes: true, attributeFilter: ["class"] });
  if (window.matchMedia) {
    var query = window.matchMedia("(prefers-color-scheme: dark)");
    if (query.addEventListener) query.addEventListener("change", draw);
  }
})();
