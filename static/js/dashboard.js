// The officials' dashboard: draws Apache ECharts charts from the figures the page embeds with
// json_script (#dashboard-charts), already labelled in the page's language. Progressive
// enhancement: without this file every figure is still in the tables under "View table".
// CSP (script-src 'self', style-src 'self'): no inline code, and tooltips are drawn on the
// canvas (renderMode "richText"), since HTML tooltips carry style attributes.
(() => {
  "use strict";

  const COLORS = { demand: "#c0392b", supply: "#1f6feb", neutral: "#5f6b7a" };
  const SERIES_COLORS = ["#c0392b", "#1f6feb", "#e69f00", "#1a7f37", "#6f42c1"];

  function ready(callback) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", callback);
    } else {
      callback();
    }
  }

  // Submit the year selector as soon as a year is picked (the button stays for no-JS use).
  function autosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
      select.addEventListener("change", () => {
        if (select.form) select.form.requestSubmit();
      });
    });
  }

  function drawAll() {
    const source = document.getElementById("dashboard-charts");
    if (!source || typeof window.echarts === "undefined") return;
    const charts = JSON.parse(source.textContent);
    const text = charts.text;
    const drawn = [];
    const narrow = window.matchMedia("(max-width: 759px)").matches;

    function open(code) {
      const query = new URLSearchParams({ within: code, year: String(charts.drill.year) });
      window.location.assign(`${charts.drill.path}?${query}`);
    }

    // A chart with many columns keeps them legible on a phone: it grows wider than its box
    // (which then scrolls sideways) rather than squeezing the columns. CSSOM, not a style
    // attribute, so the CSP allows it.
    function fit(element, columns) {
      if (!columns) return;
      const needed = 100 + 40 * columns;
      const room = element.parentElement.clientWidth;
      element.style.width = needed > room ? `${needed}px` : "";
    }

    function draw(name, option, onClick, columns) {
      const element = document.querySelector(`[data-chart="${name}"]`);
      if (!element) return;
      element.hidden = false;
      fit(element, columns);
      const chart = window.echarts.init(element, null, { locale: charts.locale });
      chart.setOption({
        animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
        color: SERIES_COLORS,
        toolbox: { right: 0, top: 0, feature: { saveAsImage: { pixelRatio: 2 } } },
        ...option,
        tooltip: { confine: true, renderMode: "richText", ...(option.tooltip || {}) },
      });
      if (onClick) chart.on("click", onClick);
      drawn.push({ chart, element, columns });
    }

    // Category names (long in English) break into lines rather than leave the canvas.
    const categoryLabel = { interval: 0, width: narrow ? 84 : 150, overflow: "break" };

    // Turn long axis labels sideways when there are many of them (a phone is 390 px wide).
    function rotation(count) {
      return count > 4 ? 40 : 0;
    }

    // The heatmap of the gap (demand − supply): columns are the parts of the area, rows the
    // categories; a click on a column or its label opens that part's dashboard.
    const gap = charts.gap;
    const largest = Math.max(1, ...gap.cells.map((cell) => Math.abs(cell[2])));
    const columnOf = (params) =>
      params.componentType === "series"
        ? params.value[0]
        : gap.regions.findIndex((region) => region.name === params.value);
    draw(
      "heatmap",
      {
        toolbox: { show: false },
        grid: { left: 8, right: 8, top: 8, bottom: 56, containLabel: true },
        xAxis: {
          type: "category",
          data: gap.regions.map((region) => region.name),
          axisLabel: { interval: 0, rotate: rotation(gap.regions.length) },
          splitArea: { show: true },
          triggerEvent: charts.drill.enabled,
        },
        yAxis: {
          type: "category",
          data: gap.categories,
          inverse: true,
          axisLabel: categoryLabel,
          splitArea: { show: true },
        },
        visualMap: {
          dimension: 2,
          min: -largest,
          max: largest,
          orient: "horizontal",
          left: 0,
          bottom: 0,
          itemHeight: 120,
          text: [`+${largest}`, `−${largest}`],
          inRange: { color: [COLORS.supply, "#f6f8fa", COLORS.demand] },
        },
        tooltip: {
          formatter: (params) => {
            const [column, row, difference, demand, supply] = params.value;
            return (
              `${gap.regions[column].name} · ${gap.categories[row]}\n` +
              `${text.demand} ${demand}  ${text.supply} ${supply}\n${text.gap} ${difference}`
            );
          },
        },
        series: [
          {
            type: "heatmap",
            data: gap.cells,
            label: { show: true, formatter: (params) => String(params.value[2]) },
            emphasis: { itemStyle: { borderColor: "#1f2933", borderWidth: 1 } },
          },
        ],
      },
      charts.drill.enabled
        ? (params) => {
            const column = columnOf(params);
            if (column >= 0 && gap.regions[column]) open(gap.regions[column].code);
          }
        : null,
      gap.regions.length,
    );

    const legend = { top: 0, left: 0, data: [text.demand, text.supply] };
    const byCategory = charts.byCategory;
    draw("by-category", {
      legend,
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: byCategory.names, inverse: true, axisLabel: categoryLabel },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      series: [
        { name: text.demand, type: "bar", data: byCategory.demand, color: COLORS.demand },
        { name: text.supply, type: "bar", data: byCategory.supply, color: COLORS.supply },
      ],
    });

    const byRegion = charts.byRegion;
    draw(
      "by-region",
      {
        legend,
        grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
        xAxis: {
          type: "category",
          data: byRegion.names,
          axisLabel: { interval: 0, rotate: rotation(byRegion.names.length) },
          triggerEvent: charts.drill.enabled,
        },
        yAxis: { type: "value", minInterval: 1 },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        series: [
          { name: text.demand, type: "bar", data: byRegion.demand, color: COLORS.demand },
          { name: text.supply, type: "bar", data: byRegion.supply, color: COLORS.supply },
        ],
      },
      charts.drill.enabled
        ? (params) => {
            const index =
              params.componentType === "series"
                ? params.dataIndex
                : byRegion.names.indexOf(params.value);
            if (index >= 0 && byRegion.codes[index]) open(byRegion.codes[index]);
          }
        : null,
      byRegion.names.length,
    );

    const trends = charts.trends;
    draw("trends", {
      legend: { top: 0, left: 0, right: 32 },
      // The four names take two lines on a phone.
      grid: { left: 8, right: 16, top: narrow ? 64 : 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: trends.months, boundaryGap: false },
      yAxis: { type: "value", minInterval: 1 },
      tooltip: { trigger: "axis" },
      series: trends.series.map((series) => ({
        name: series.name,
        type: "line",
        data: series.data,
        smooth: false,
        symbolSize: 6,
      })),
    });

    const pipeline = charts.pipeline;
    draw("pipeline", {
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: pipeline.names, axisLabel: { interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      series: [
        {
          name: text.projects,
          type: "bar",
          data: pipeline.values,
          colorBy: "data",
          label: { show: true, position: "top" },
        },
      ],
    });

    const status = charts.status;
    draw("status", {
      grid: { left: 8, right: 32, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: status.names, inverse: true, axisLabel: categoryLabel },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      series: [
        {
          name: text.projects,
          type: "bar",
          data: status.values,
          color: COLORS.neutral,
          label: { show: true, position: "right" },
        },
      ],
    });

    let pending = null;
    window.addEventListener("resize", () => {
      window.clearTimeout(pending);
      pending = window.setTimeout(() => {
        drawn.forEach(({ chart, element, columns }) => {
          fit(element, columns);
          chart.resize();
        });
      }, 150);
    });
  }

  ready(() => {
    autosubmit();
    drawAll();
  });
})();
