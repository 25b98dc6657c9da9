/* The analytics page's charts (bot/portal/templates/analytics.html), drawn with the vendored
   uPlot (static/vendor/). Data comes from the JSON endpoint named in #charts[data-src]; the
   same numbers are tables on the page, so the charts are an addition, never the only copy.
   No inline script (CSP default-src 'self'); text is never parsed as HTML. Plain ES2017. */
(function () {
  "use strict";

  var RED = "#b3261e", BLUE = "#0a58ca", GREEN = "#2da44e", GREY = "#57606a";
  var HEIGHT = 220;
  var WHOLE = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000];  // counts: no 0.5 ticks
  var charts = [];

  function china(ts) { return uPlot.tzDate(new Date(ts * 1e3), "Asia/Shanghai"); }

  var DAY_FORMAT = uPlot.fmtDate("{YYYY}-{MM}-{DD}");  // dates as staff read them everywhere: 2026-12-01

  function day(ts) { return ts == null ? "" : DAY_FORMAT(china(ts)); }

  // One tick per day or every few days, never at hours.
  var DAY = 86400;
  var DAYS = [DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY, 91 * DAY];

  function widthOf(element) { return Math.max(240, element.clientWidth); }

  function daySeries(label, color, extra) {
    // extra.data: the day values (kept apart: "values" means something else to uPlot).
    var series = { label: label, stroke: color, width: 2, points: { show: true, size: 5 } };
    for (var key in (extra || {})) { series[key] = extra[key]; }
    return series;
  }

  function timeChart(element, data, series, yAxis) {
    var options = {
      width: widthOf(element), height: HEIGHT, tzDate: china,
      scales: { x: { time: true }, y: yAxis.scale || { range: function (u, min, max) { return [0, Math.max(1, max)]; } } },
      axes: [{ stroke: GREY, incrs: DAYS, space: 90, values: function (u, splits) { return splits.map(day); } },
             { stroke: GREY, values: yAxis.values, size: 50, incrs: yAxis.incrs || WHOLE }],
      series: [{ label: "日期", value: function (u, ts) { return day(ts); } }].concat(series),
      legend: { live: true }
    };
    return new uPlot(options, [data.timestamps].concat(series.map(function (s) { return s.data; })), element);
  }

  function count(values) { return values.map(function (v) { return v == null ? "" : String(Math.round(v)); }); }

  function barChart(element, rows) {
    var xs = rows.map(function (_, i) { return i; });
    var labels = rows.map(function (row, i) { return (i + 1) + "." + row.title; });
    var narrow = widthOf(element) < 600;
    var options = {
      width: widthOf(element), height: HEIGHT + (narrow ? 0 : 40),
      scales: { x: { time: false, range: [-0.5, Math.max(rows.length, 1) - 0.5] }, y: { range: function (u, min, max) { return [0, Math.max(1, max)]; } } },
      axes: [
        { stroke: GREY, rotate: narrow ? 0 : -30, size: narrow ? 30 : 80, splits: function () { return xs; },
          values: function (u, splits) {
            return splits.map(function (i) { return narrow ? String(i + 1) : (labels[i] || "").slice(0, 10); });
          } },
        { stroke: GREY, size: 50, incrs: WHOLE, values: function (u, splits) { return count(splits); } }
      ],
      series: [
        { label: "条目", value: function (u, i) { return i == null || labels[i] == null ? "" : labels[i]; } },
        { label: "回答次数", fill: "rgba(179, 38, 30, 0.75)", stroke: RED, paths: uPlot.paths.bars({ size: [0.6, 80] }), points: { show: false } }
      ]
    };
    return new uPlot(options, [xs, rows.map(function (row) { return row.count; })], element);
  }

  function draw(root, data) {
    root.querySelectorAll(".plot").forEach(function (element) {
      var name = element.getAttribute("data-chart");
      var chart;
      if (name === "questions") {
        chart = timeChart(element, data, [
          daySeries("提问数", BLUE, { data: data.questions }),
          daySeries("已回答", GREEN, { data: data.answered })
        ], { values: function (u, s) { return count(s); } });
      } else if (name === "fallback_rate") {
        chart = timeChart(element, data, [
          daySeries("未能回答比例", RED, { data: data.fallback_rate.map(function (v) { return v == null ? null : v * 100; }),
                                     value: function (u, v) { return v == null ? "—" : v.toFixed(1) + "%"; } })
        ], { scale: { range: [0, 100] }, incrs: [10, 20, 25, 50], values: function (u, s) { return s.map(function (v) { return v + "%"; }); } });
      } else if (name === "leads") {
        chart = timeChart(element, data, [
          daySeries("会话数", BLUE, { data: data.conversations }),
          daySeries("报名线索", RED, { data: data.leads })
        ], { values: function (u, s) { return count(s); } });
      } else if (name === "votes") {
        chart = timeChart(element, data, [
          daySeries("有帮助👍", GREEN, { data: data.up }),
          daySeries("没帮助👎", RED, { data: data.down })
        ], { values: function (u, s) { return count(s); } });
      } else if (name === "top_faqs") {
        chart = barChart(element, data.top_faqs);
      }
      if (chart) { charts.push({ chart: chart, element: element }); }
    });
  }

  function resize() {
    charts.forEach(function (item) {
      item.chart.setSize({ width: widthOf(item.element), height: item.chart.height });
    });
  }

  function start() {
    var root = document.getElementById("charts");
    if (!root || typeof uPlot === "undefined") { return; }
    var status = root.querySelector(".chart-status");
    fetch(root.getAttribute("data-src"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (reply) {
        if (!reply.ok) { throw new Error("HTTP " + reply.status); }
        return reply.json();
      })
      .then(function (data) {
        draw(root, data);
        root.setAttribute("data-ready", "true");
      })
      .catch(function (error) {
        root.setAttribute("data-error", String(error && error.stack || error));
        status.textContent = "图表暂时无法显示，请查看下方表格中的数字。";
      });
    var pending = null;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(resize, 150);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
