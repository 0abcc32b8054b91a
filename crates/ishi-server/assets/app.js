/*
 * ishi serve — progressive enhancement for the server-rendered pages.
 *
 * Plain ES2020, no modules, no build step. Every page is complete without this file: it only
 * draws charts from JSON the page already embeds and makes tables sortable/filterable.
 * Charts always use the SVG renderer with animation off so browser tests see a deterministic DOM.
 *
 * Data contract (the page embeds these as <script type="application/json" id="...">):
 *   #rank-data     → #rank-chart      {title, areas:[{code,name,prefecture,index,designation}], thresholds:{upper,lower}, national}
 *   #map-data      → #pref-map        {prefectures:[{code,name,designation,index}]}
 *   #dispatch-data → #dispatch-chart  {flows:[{from,from_name,to,to_name,physicians}]}
 * See crates/ishi-server/assets/README.md for the full contract.
 */
(function () {
  'use strict';

  // 区分 (designation) colours; app.css defines the same values as --abundant/--intermediate/--scarce.
  // Blue/grey/orange stay distinguishable under the common colour-vision deficiencies.
  const COLORS = Object.freeze({
    abundant: '#2b6cb0', // 医師多数
    intermediate: '#a0aec0', // 中程度
    scarce: '#dd6b20', // 医師少数
  });
  const DESIGNATIONS = ['abundant', 'intermediate', 'scarce'];
  const AREA_LABELS = Object.freeze({ abundant: '医師多数区域', intermediate: '中程度', scarce: '医師少数区域' });
  const PREF_LABELS = Object.freeze({
    abundant: '医師多数都道府県',
    intermediate: '医師中程度',
    scarce: '医師少数都道府県',
  });
  const GEOJSON_URL = '/assets/japan-prefectures.geojson';
  // Beyond this many bars the axis labels overlap into noise and a zoom slider is needed.
  const MANY_BARS = 60;

  const charts = [];
  // Work that depends on pixel positions and must be redone after a resize.
  const afterResize = new Map();

  function escapeHtml(value) {
    return String(value == null ? '' : value).replace(/[&<>"']/g, (c) => ({
      '&': '&amp;',
      '<': '&lt;',
      '>': '&gt;',
      '"': '&quot;',
      "'": '&#39;',
    })[c]);
  }

  function formatNumber(value) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
    return value.toLocaleString('ja-JP', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  }

  function readJson(id) {
    const node = document.getElementById(id);
    if (!node) return null;
    try {
      return JSON.parse(node.textContent || 'null');
    } catch (err) {
      console.warn('ishi: invalid JSON in #' + id, err);
      return null;
    }
  }

  function fontFamily() {
    return getComputedStyle(document.body).fontFamily || 'sans-serif';
  }

  function showMessage(el, text) {
    el.textContent = '';
    // The fixed chart height from app.css would leave a tall empty box around one line of text.
    el.style.height = 'auto';
    el.style.minHeight = '0';
    const p = document.createElement('p');
    p.className = 'chart-empty';
    p.textContent = text;
    el.appendChild(p);
  }

  // The container may hold a no-JS fallback message; ECharts would draw on top of it.
  function initChart(el) {
    el.textContent = '';
    const chart = echarts.init(el, null, { renderer: 'svg' });
    charts.push(chart);
    // ECharts sizes its SVG in pixels only; a matching viewBox lets the print stylesheet scale the
    // chart to the paper width when the browser does not report the print layout to scripts.
    chart.on('finished', () => {
      const svg = el.querySelector('svg');
      const w = svg && svg.getAttribute('width');
      const h = svg && svg.getAttribute('height');
      if (w && h) svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
    });
    return chart;
  }

  function markRendered(chart, el, extra) {
    chart.on('finished', function onFinished() {
      chart.off('finished', onFinished);
      if (extra) Object.assign(el.dataset, extra);
      el.dataset.rendered = 'true';
    });
  }

  function navigate(url) {
    window.location.assign(url);
  }

  // ---- a. rank chart (医師偏在指標の順位) -------------------------------------------------

  function drawRankChart() {
    const el = document.getElementById('rank-chart');
    const data = readJson('rank-data');
    if (!el || !data || !Array.isArray(data.areas)) return;
    const areas = data.areas;
    if (areas.length === 0) {
      showMessage(el, '表示する区域がありません');
      el.dataset.rendered = 'true';
      return;
    }
    const prefectureLevel = data.level === 'prefecture';
    const labels = prefectureLevel ? PREF_LABELS : AREA_LABELS;
    const many = areas.length > MANY_BARS;
    const thresholds = data.thresholds || {};

    const lines = [];
    // The three lines are often close together; their labels sit at different x positions on a
    // white plate so they stay readable over the bars.
    const addLine = (value, label, color, type, position) => {
      if (typeof value !== 'number' || !Number.isFinite(value)) return;
      lines.push({
        yAxis: value,
        name: label,
        lineStyle: { color: color, type: type, width: 1.5 },
        label: {
          formatter: label + ' ' + formatNumber(value),
          position: position,
          color: color === COLORS.intermediate ? '#1a202c' : color,
          backgroundColor: 'rgba(255,255,255,0.85)',
          padding: [1, 4],
          fontSize: 11,
        },
      });
    };
    addLine(thresholds.upper, '上位33.3%', COLORS.abundant, 'dashed', 'insideMiddleTop');
    addLine(thresholds.lower, '下位33.3%', '#9c4221', 'dashed', 'insideMiddleBottom');
    addLine(data.national, '全国値', '#1a202c', 'solid', 'insideEndTop');

    // One series per 区分 with bars overlapping (barGap -100%) gives a real legend while each rank keeps one slot.
    const series = DESIGNATIONS.map((d, i) => ({
      name: labels[d],
      type: 'bar',
      barGap: '-100%',
      barCategoryGap: many ? '10%' : '25%',
      itemStyle: { color: COLORS[d] },
      data: areas.map((a) => (a.designation === d ? a.index : '-')),
      markLine: i === 0 && lines.length ? { symbol: 'none', silent: true, data: lines } : undefined,
    }));

    const chart = initChart(el);
    markRendered(chart, el, { bars: String(areas.length) });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: fontFamily() },
      title: data.title ? { text: data.title, left: 'center', top: 4, textStyle: { fontSize: 15 } } : undefined,
      legend: { top: data.title ? 30 : 4, data: DESIGNATIONS.map((d) => labels[d]) },
      grid: { left: 56, right: 24, top: data.title ? 70 : 44, bottom: many ? 84 : 96 },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params) => {
          const p = Array.isArray(params) ? params[0] : params;
          const a = p && areas[p.dataIndex];
          if (!a) return '';
          return (
            '<strong>' + escapeHtml(a.name) + '</strong>' +
            (a.prefecture ? '（' + escapeHtml(a.prefecture) + '）' : '') +
            '<br>順位: ' + (p.dataIndex + 1) + ' / ' + areas.length +
            '<br>医師偏在指標: ' + formatNumber(a.index) +
            '<br>区分: ' + escapeHtml(labels[a.designation] || a.designation)
          );
        },
      },
      xAxis: {
        type: 'category',
        data: areas.map((a) => a.name),
        axisTick: { show: !many },
        axisLabel: many ? { show: false } : { interval: 0, rotate: 60, fontSize: 11 },
        name: many ? '順位（' + areas.length + '区域）' : '',
        nameLocation: 'middle',
        nameGap: 12,
      },
      yAxis: { type: 'value', name: '医師偏在指標' },
      // The data shadow would trace only the first 区分's series, so it is off.
      dataZoom: many
        ? [{ type: 'slider', xAxisIndex: 0, bottom: 14, height: 22, start: 0, end: 100, showDataShadow: false }]
        : [],
      series: series,
    });

    // Thin bars are hard to hit, so a click anywhere in a rank's column counts as a click on that bar.
    chart.getZr().on('click', (event) => {
      const point = [event.offsetX, event.offsetY];
      if (!chart.containPixel({ gridIndex: 0 }, point)) return;
      const x = chart.convertFromPixel({ xAxisIndex: 0 }, point[0]);
      const a = areas[Math.round(x)];
      if (!a || a.code == null) return;
      navigate(prefectureLevel ? '/plan/areas?pref=' + encodeURIComponent(a.code) : '/plan/areas/' + encodeURIComponent(a.code));
    });
  }

  // ---- b. choropleth of prefectures (都道府県の区分地図) -----------------------------------

  function prefCode(code) {
    const s = String(code == null ? '' : code).trim();
    return /^\d+$/.test(s) ? s.padStart(2, '0') : s;
  }

  // Okinawa lies ~600 km south-west of Kyushu; drawn in place it shrinks the rest of Japan to a
  // corner. As on most Japanese prefecture maps it is moved into a framed inset in the empty sea
  // north-west of Kyushu. Only the drawing moves: the GeoJSON file keeps true coordinates.
  const OKINAWA = { code: '47', dx: 2.2, dy: 13.9, frame: [[129.5, 39.7], [131.3, 39.7], [131.3, 41.2], [129.5, 41.2]] };

  function withOkinawaInset(geo) {
    const shift = (ring) => ring.map((pt) => [pt[0] + OKINAWA.dx, pt[1] + OKINAWA.dy]);
    const features = (geo.features || []).map((f) => {
      if (!f.properties || prefCode(f.properties.code) !== OKINAWA.code || !f.geometry) return f;
      const g = f.geometry;
      const coordinates =
        g.type === 'Polygon' ? g.coordinates.map(shift) : g.type === 'MultiPolygon' ? g.coordinates.map((p) => p.map(shift)) : g.coordinates;
      return Object.assign({}, f, { geometry: { type: g.type, coordinates: coordinates } });
    });
    return Object.assign({}, geo, { features: features });
  }

  function drawInsetFrame(chart) {
    const pts = OKINAWA.frame.map((c) => chart.convertToPixel({ seriesIndex: 0 }, c));
    if (pts.some((p) => !p || !Number.isFinite(p[0]) || !Number.isFinite(p[1]))) return;
    pts.push(pts[0]);
    chart.setOption({
      graphic: [
        {
          id: 'okinawa-inset',
          type: 'polyline',
          silent: true,
          shape: { points: pts },
          style: { stroke: '#a0aec0', lineWidth: 1, fill: null },
        },
      ],
    });
  }

  function drawPrefMap() {
    const el = document.getElementById('pref-map');
    const data = readJson('map-data');
    if (!el || !data || !Array.isArray(data.prefectures)) return;
    const byCode = new Map();
    const byName = new Map();
    for (const p of data.prefectures) {
      byCode.set(prefCode(p.code), p);
      if (p.name) byName.set(p.name, p);
    }

    fetch(GEOJSON_URL, { credentials: 'same-origin' })
      .then((res) => {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json();
      })
      .then((geo) => {
        if (!echarts.getMap('japan')) echarts.registerMap('japan', withOkinawaInset(geo));
        const items = [];
        for (const f of geo.features || []) {
          const props = f.properties || {};
          const p = byCode.get(prefCode(props.code)) || byName.get(props.name);
          if (!p || DESIGNATIONS.indexOf(p.designation) < 0) continue;
          items.push({
            name: props.name,
            // The value is the 区分 as 0/1/2 so the piecewise visualMap doubles as the legend.
            value: 2 - DESIGNATIONS.indexOf(p.designation),
            code: prefCode(props.code),
            index: p.index,
            designation: p.designation,
          });
        }
        const chart = initChart(el);
        markRendered(chart, el, { prefectures: String(items.length) });
        chart.setOption({
          animation: false,
          textStyle: { fontFamily: fontFamily() },
          tooltip: {
            trigger: 'item',
            formatter: (p) => {
              const d = p.data;
              if (!d) return escapeHtml(p.name) + '<br>データなし';
              return (
                '<strong>' + escapeHtml(p.name) + '</strong>' +
                '<br>医師偏在指標: ' + formatNumber(d.index) +
                '<br>区分: ' + escapeHtml(PREF_LABELS[d.designation])
              );
            },
          },
          visualMap: {
            type: 'piecewise',
            seriesIndex: 0,
            // Bottom right is open Pacific on this projection; bottom left would cover Kyushu.
            right: 8,
            bottom: 8,
            orient: 'vertical',
            pieces: DESIGNATIONS.map((d) => ({ value: 2 - DESIGNATIONS.indexOf(d), label: PREF_LABELS[d], color: COLORS[d] })),
            outOfRange: { color: '#edf2f7' },
          },
          series: [
            {
              type: 'map',
              map: 'japan',
              name: '医師偏在指標',
              roam: false,
              aspectScale: 0.81, // ≈ cos(36°N): keeps Japan's shape in plain lon/lat
              layoutCenter: ['52%', '50%'],
              layoutSize: '96%',
              selectedMode: false,
              itemStyle: { areaColor: '#edf2f7', borderColor: '#ffffff', borderWidth: 0.8 },
              emphasis: {
                label: { show: true, color: '#1a202c', fontWeight: 'bold' },
                itemStyle: { areaColor: '#f6e05e' },
              },
              data: items,
            },
          ],
        });
        drawInsetFrame(chart);
        afterResize.set(chart, () => drawInsetFrame(chart));
        chart.on('click', (p) => {
          if (p.data && p.data.code) navigate('/plan/areas?pref=' + encodeURIComponent(p.data.code));
        });
      })
      .catch((err) => {
        console.warn('ishi: map not drawn', err);
        showMessage(el, '地図を読み込めませんでした');
      });
  }

  // ---- c. dispatch flows (派遣の流れ) --------------------------------------------------------

  function drawDispatchChart() {
    const el = document.getElementById('dispatch-chart');
    const data = readJson('dispatch-data');
    if (!el || !data) return;
    const flows = (Array.isArray(data.flows) ? data.flows : []).filter(
      (f) => f && typeof f.physicians === 'number' && f.physicians > 0 && f.from != null && f.to != null,
    );
    if (flows.length === 0) {
      showMessage(el, '提案される派遣はありません');
      el.dataset.rendered = 'true';
      el.dataset.flows = '0';
      return;
    }
    const fromCodes = new Set(flows.map((f) => String(f.from)));
    const toCodes = new Set(flows.map((f) => String(f.to)));
    // Sankey requires an acyclic graph; an area that both sends and receives gets two nodes.
    const both = [...fromCodes].some((c) => toCodes.has(c));
    const nodeName = (code, name, side) =>
      (name || code) + ' (' + code + ')' + (both ? (side === 'from' ? ' 派遣元' : ' 派遣先') : '');

    const nodes = new Map();
    const links = new Map();
    for (const f of flows) {
      const source = nodeName(String(f.from), f.from_name, 'from');
      const target = nodeName(String(f.to), f.to_name, 'to');
      if (!nodes.has(source)) nodes.set(source, { name: source, itemStyle: { color: COLORS.abundant } });
      if (!nodes.has(target)) nodes.set(target, { name: target, itemStyle: { color: COLORS.scarce } });
      const key = source + '\u0000' + target;
      const link = links.get(key) || { source: source, target: target, value: 0 };
      link.value += f.physicians;
      links.set(key, link);
    }
    const tallest = Math.max(fromCodes.size, toCodes.size);
    el.style.height = Math.max(320, Math.min(2400, tallest * 30 + 60)) + 'px';

    const chart = initChart(el);
    markRendered(chart, el, { flows: String(links.size) });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: fontFamily() },
      tooltip: {
        trigger: 'item',
        formatter: (p) => {
          if (p.dataType === 'edge') {
            return escapeHtml(p.data.source) + ' → ' + escapeHtml(p.data.target) + '<br>' + p.data.value + ' 人';
          }
          return escapeHtml(p.name) + '<br>' + p.value + ' 人';
        },
      },
      series: [
        {
          type: 'sankey',
          left: 8,
          right: 8,
          top: 12,
          bottom: 12,
          nodeAlign: 'justify',
          draggable: false,
          emphasis: { focus: 'adjacency' },
          lineStyle: { color: 'source', opacity: 0.35, curveness: 0.5 },
          label: { color: '#1a202c', fontSize: 12 },
          // Labels of the right-hand column would overflow the canvas; put them on the inner side.
          levels: [{ depth: 1, label: { position: 'left' } }],
          data: [...nodes.values()],
          links: [...links.values()],
        },
      ],
    });
  }

  // ---- d. tables ----------------------------------------------------------------------------

  function cellText(row, col) {
    const cell = row.cells[col];
    return cell ? cell.textContent.trim() : '';
  }

  function sortKey(row, col) {
    const cell = row.cells[col];
    if (!cell) return '';
    const raw = cell.hasAttribute('data-sort') ? cell.getAttribute('data-sort') : cell.textContent;
    return raw.trim();
  }

  // "1,234.5", "12.3%", "−4" count as numbers; "—" and "" are blanks that sort last.
  function parseNumber(s) {
    const t = s.replace(/[,\s%]/g, '').replace(/^[−–]/, '-');
    if (t === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return null;
    const n = Number(t);
    return Number.isFinite(n) ? n : null;
  }

  function isBlank(s) {
    return s === '' || s === '—' || s === '-' || s === '–';
  }

  function sortTable(table, th, col) {
    const tbody = table.tBodies[0];
    if (!tbody) return;
    const ascending = th.getAttribute('aria-sort') !== 'ascending';
    const rows = Array.from(tbody.rows);
    const keys = new Map(rows.map((r) => [r, sortKey(r, col)]));
    const numeric = rows.every((r) => isBlank(keys.get(r)) || parseNumber(keys.get(r)) !== null);
    const dir = ascending ? 1 : -1;
    rows.sort((a, b) => {
      const ka = keys.get(a);
      const kb = keys.get(b);
      const blankA = isBlank(ka);
      const blankB = isBlank(kb);
      if (blankA || blankB) return blankA === blankB ? 0 : blankA ? 1 : -1;
      if (numeric) return (parseNumber(ka) - parseNumber(kb)) * dir;
      return ka.localeCompare(kb, 'ja') * dir;
    });
    for (const r of rows) tbody.appendChild(r);
    for (const other of table.querySelectorAll('thead th')) {
      if (other !== th) other.removeAttribute('aria-sort');
    }
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
  }

  function enhanceSortable(table) {
    const head = table.tHead;
    if (!head || !head.rows.length) return;
    const headerRow = head.rows[head.rows.length - 1];
    Array.from(headerRow.cells).forEach((th, col) => {
      if (th.classList.contains('no-sort') || th.dataset.sort === 'none') return;
      // A button inside the header makes sorting reachable by keyboard and announced by screen readers.
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort-button';
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      th.classList.add('sortable-header');
      th.addEventListener('click', () => sortTable(table, th, col));
    });
  }

  function normalize(s) {
    return s.normalize('NFKC').toLowerCase();
  }

  function applyFilters(tableId) {
    const table = document.getElementById(tableId);
    if (!table || !table.tBodies[0]) return;
    const controls = document.querySelectorAll('[data-filter-table="' + CSS.escape(tableId) + '"]');
    const textFilters = [];
    const columnFilters = [];
    for (const c of controls) {
      const value = (c.value || '').trim();
      if (value === '') continue;
      if (c.tagName === 'SELECT' && c.hasAttribute('data-filter-column')) {
        columnFilters.push({ col: Number(c.getAttribute('data-filter-column')), value: value });
      } else if (c.tagName === 'INPUT') {
        textFilters.push(normalize(value));
      }
    }
    const rows = Array.from(table.tBodies[0].rows);
    let visible = 0;
    for (const row of rows) {
      const text = normalize(row.textContent);
      const show =
        textFilters.every((f) => text.includes(f)) && columnFilters.every((f) => cellText(row, f.col) === f.value);
      row.hidden = !show;
      if (show) visible += 1;
    }
    table.dataset.visibleRows = String(visible);
    for (const counter of document.querySelectorAll('[data-count-for="' + CSS.escape(tableId) + '"]')) {
      counter.dataset.visible = String(visible);
      counter.dataset.total = String(rows.length);
      counter.textContent = visible + ' / ' + rows.length + ' 件';
    }
  }

  // A <select> with no options besides "all" is filled with the column's distinct values.
  function fillSelect(select, table) {
    if (select.options.length > 1 || !table.tBodies[0]) return;
    const col = Number(select.getAttribute('data-filter-column'));
    const values = new Set(Array.from(table.tBodies[0].rows, (r) => cellText(r, col)).filter((v) => v !== ''));
    for (const v of [...values].sort((a, b) => a.localeCompare(b, 'ja'))) {
      const opt = document.createElement('option');
      opt.value = v;
      opt.textContent = v;
      select.appendChild(opt);
    }
  }

  function enhanceTables() {
    for (const table of document.querySelectorAll('table.sortable')) enhanceSortable(table);
    const ids = new Set();
    for (const c of document.querySelectorAll('[data-filter-table]')) {
      const id = c.getAttribute('data-filter-table');
      const table = document.getElementById(id);
      if (!table) continue;
      ids.add(id);
      if (c.tagName === 'SELECT') {
        fillSelect(c, table);
        c.addEventListener('change', () => applyFilters(id));
      } else {
        c.addEventListener('input', () => applyFilters(id));
      }
      // Filters live outside any form submission; Enter must not reload the page.
      const form = c.form;
      if (form && !form.hasAttribute('action')) form.addEventListener('submit', (e) => e.preventDefault());
    }
    for (const el of document.querySelectorAll('[data-count-for]')) ids.add(el.getAttribute('data-count-for'));
    // Browsers restore typed filter values on back navigation, so filter once at load.
    for (const id of ids) applyFilters(id);
  }

  // ---- start -----------------------------------------------------------------------------

  function start() {
    enhanceTables();
    if (typeof window.echarts === 'undefined') return;
    for (const draw of [drawRankChart, drawPrefMap, drawDispatchChart]) {
      try {
        draw();
      } catch (err) {
        console.warn('ishi: chart failed', err);
      }
    }
    const resizeAll = () => {
      for (const c of charts) {
        c.resize();
        const hook = afterResize.get(c);
        if (hook) hook();
      }
    };
    let pending = 0;
    window.addEventListener('resize', () => {
      clearTimeout(pending);
      pending = setTimeout(resizeAll, 150);
    });
    // Charts are drawn at screen width in pixels; without this a printed page cuts them off.
    window.addEventListener('beforeprint', resizeAll);
    window.addEventListener('afterprint', resizeAll);
    const printMedia = window.matchMedia ? window.matchMedia('print') : null;
    if (printMedia && printMedia.addEventListener) printMedia.addEventListener('change', resizeAll);
  }

  window.ishi = Object.freeze({ COLORS: COLORS, charts: charts });

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
