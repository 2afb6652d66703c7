// The headquarters dashboard. It reads only the aggregator's API (with an hq token) and the
// vendored map; window.sanjin exposes its state to the browser test.
(() => {
  "use strict";
  const TEXT = {
    zh: {
      title: "消费品质量安全“三进”活动 · 全国看板", campaign: "活动年度", metric: "指标",
      signin: "登录", signinText: "本页面只读取汇总服务的接口，需要总局（hq）令牌。",
      devSignin: "开发环境登录", pasteToken: "粘贴身份提供方签发的令牌", useToken: "使用令牌",
      map: "各省分布", ranking: "排名", trend: "每日趋势（全国累计）", tracker: "报送情况",
      unit: "填报单位", status: "状态", submittedAt: "报送时间", timeliness: "及时性",
      asOf: "数据截至", noData: "尚无数据", lang: "English",
      missing: "未报送", submitted: "已报送", approved: "已审核", returned: "已退回",
      onTime: "按时", late: "逾期报送", overdue: "逾期未报", xpccMarker: "兵团",
      summary: (s) => `应报 ${s.expected} · 已报 ${s.submitted} · 按时 ${s.on_time} · 逾期报送 ${s.late} · 已审核 ${s.approved} · 未报 ${s.missing.length}`,
    },
    en: {
      title: "Quality-safety campaign “into communities, campuses, townships” · national board",
      campaign: "Campaign", metric: "Metric", signin: "Sign in",
      signinText: "This page reads only the aggregator's API and needs a headquarters (hq) token.",
      devSignin: "Development sign-in", pasteToken: "Paste a token from the identity provider",
      useToken: "Use token", map: "By province", ranking: "Ranking",
      trend: "Daily trend (national, cumulative)", tracker: "Report submissions",
      unit: "Reporting unit", status: "Status", submittedAt: "Submitted", timeliness: "Timeliness",
      asOf: "Figures as of", noData: "no data yet", lang: "中文",
      missing: "missing", submitted: "submitted", approved: "approved", returned: "returned",
      onTime: "on time", late: "late", overdue: "overdue", xpccMarker: "XPCC",
      summary: (s) => `expected ${s.expected} · submitted ${s.submitted} · on time ${s.on_time} · late ${s.late} · approved ${s.approved} · missing ${s.missing.length}`,
    },
  };
  const XPCC = "660000";
  const XPCC_AT = [86.08, 44.31]; // Shihezi, the Corps' seat, beside Xinjiang's polygon
  const $ = (id) => document.getElementById(id);
  const state = {
    token: sessionStorage.getItem("sanjin-token"), lang: "zh", reference: null,
    campaign: null, metric: "participants", table: null, tracker: null, daily: null,
    nameByCode: {}, renders: 0, ready: false, error: null,
  };
  const charts = {};
  window.sanjin = { state, charts };
  const t = (key) => TEXT[state.lang][key];

  async function api(path, options = {}) {
    const response = await fetch(path, {
      ...options, headers: { ...(options.headers || {}), Authorization: `Bearer ${state.token}` },
    });
    if (response.status === 401) { signOut(); throw new Error("the token was refused"); }
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return response.json();
  }

  function signOut() {
    state.token = null; sessionStorage.removeItem("sanjin-token");
    $("board").hidden = true; $("signin").hidden = false;
  }

  async function signIn(token) {
    state.token = token; sessionStorage.setItem("sanjin-token", token);
    try { await start(); } catch (error) {
      $("signin-error").textContent = String(error.message || error); signOut();
    }
  }

  function unitName(code) {
    const unit = state.reference.units.find((u) => u.code === code);
    return state.lang === "zh" ? unit.name : unit.name_en;
  }

  function metricLabel(name) {
    const m = state.reference.metrics.find((x) => x.name === name);
    return state.lang === "zh" ? m.label_zh : m.label_en;
  }

  function valueOf(row) { return row.metrics[state.metric]; }

  function beijingTime(iso) {  // campaign times are Beijing times, wherever the browser is
    return new Date(iso).toLocaleString(state.lang === "zh" ? "zh-CN" : "en-GB", { timeZone: "Asia/Shanghai" });
  }

  function format(value) {
    if (value === null || value === undefined) return "–";
    return Number.isInteger(value) ? value.toLocaleString() : value.toFixed(2);
  }

  function applyLanguage() {
    document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    $("lang").textContent = t("lang");
    if (state.reference) {
      $("metric").innerHTML = state.reference.metrics
        .map((m) => `<option value="${m.name}">${state.lang === "zh" ? m.label_zh : m.label_en}</option>`)
        .join("");
      $("metric").value = state.metric;
    }
  }

  async function start() {
    const geo = await (await fetch("/dashboard/static/vendor/china-echarts-4.9.0.json")).json();
    echarts.registerMap("china", geo);
    geo.features.forEach((f) => { state.nameByCode[f.id] = f.properties.name; });
    state.reference = await api("/v1/reference");
    const campaigns = (await api("/v1/campaigns")).items;
    $("campaign").innerHTML = campaigns.map((c) => `<option>${c.campaign}</option>`).join("");
    state.campaign = state.campaign || (campaigns.find((c) => c.campaign === "2019") || campaigns[0]).campaign;
    $("campaign").value = state.campaign;
    for (const id of ["map", "ranking", "trend"]) {
      charts[id] = charts[id] || echarts.init($(id), null, { renderer: "svg" });
    }
    applyLanguage();
    $("signin").hidden = true; $("board").hidden = false;
    Object.values(charts).forEach((c) => c.resize());
    await refresh();
  }

  async function refresh() {
    const base = `/v1/campaigns/${encodeURIComponent(state.campaign)}`;
    [state.table, state.tracker, state.daily] = await Promise.all([
      api(`${base}/statistics`), api(`${base}/submissions`), api(`${base}/statistics/daily`),
    ]);
    render();
  }

  function render() {
    const rows = state.table.provinces;
    $("as-of").textContent = `${t("asOf")} ${state.table.as_of ? beijingTime(state.table.as_of) : t("noData")}`;
    $("totals").innerHTML = state.reference.metrics.map((m) => `
      <div class="total ${m.name === state.metric ? "selected" : ""}" data-metric="${m.name}">
        <div class="value">${format(state.table.totals[m.name])}</div>
        <div class="label">${state.lang === "zh" ? m.label_zh : m.label_en}</div></div>`).join("");
    renderMap(rows);
    renderRanking(rows);
    renderTrend();
    renderTracker();
    state.renders += 1; state.ready = true;
  }

  function renderMap(rows) {
    const onMap = rows.filter((r) => r.province !== XPCC);
    const values = rows.map(valueOf).filter((v) => v !== null);
    const xpcc = rows.find((r) => r.province === XPCC);
    charts.map.setOption({
      tooltip: { trigger: "item", formatter: (p) => `${p.name}: ${format(p.value === undefined ? null : (Array.isArray(p.value) ? p.value[2] : p.value))}` },
      visualMap: {
        seriesIndex: 0, min: 0, max: Math.max(1, ...values), calculable: true, left: 10, bottom: 10,
        text: [metricLabel(state.metric), ""], inRange: { color: ["#fde2e2", "#f87171", "#991b1b"] },
      },
      geo: { map: "china", roam: true, itemStyle: { areaColor: "#e5e7eb", borderColor: "#fff" },
             emphasis: { label: { show: false } } },
      series: [
        { name: metricLabel(state.metric), type: "map", geoIndex: 0,
          data: onMap.map((r) => ({ name: state.nameByCode[r.province], value: valueOf(r) ?? "-", code: r.province })) },
        { name: unitName(XPCC), type: "scatter", coordinateSystem: "geo", symbol: "pin", symbolSize: 34,
          itemStyle: { color: "#1d4ed8" },
          label: { show: true, position: "right", formatter: () => `${t("xpccMarker")} ${format(valueOf(xpcc))}` },
          data: [{ name: unitName(XPCC), value: [...XPCC_AT, valueOf(xpcc)] }] },
      ],
    }, true);
  }

  function renderRanking(rows) {
    const sorted = [...rows].sort((a, b) => (valueOf(a) ?? -1) - (valueOf(b) ?? -1));
    charts.ranking.setOption({
      grid: { left: 150, right: 40, top: 10, bottom: 20 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: sorted.map((r) => unitName(r.province)), axisLabel: { fontSize: 10 } },
      tooltip: { trigger: "axis" },
      series: [{ type: "bar", data: sorted.map((r) => valueOf(r) ?? 0), itemStyle: { color: "#b91c1c" } }],
    }, true);
  }

  function renderTrend() {
    const days = state.daily.days;
    charts.trend.setOption({
      grid: { left: 60, right: 20, top: 20, bottom: 30 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: days.map((d) => d.date) },
      yAxis: { type: "value" },
      series: [{ type: "line", name: metricLabel(state.metric), data: days.map((d) => d.metrics[state.metric]), areaStyle: {} }],
    }, true);
  }

  function renderTracker() {
    const tr = state.tracker;
    $("tracker-summary").textContent = t("summary")(tr.summary);
    $("tracker").querySelector("tbody").innerHTML = tr.items.map((row) => {
      const timeliness = row.overdue ? `<td class="overdue">${t("overdue")}</td>`
        : row.on_time === null ? "<td></td>" : `<td>${row.on_time ? t("onTime") : t("late")}</td>`;
      const when = row.submitted_at ? beijingTime(row.submitted_at) : "";
      return `<tr data-province="${row.province}"><td>${unitName(row.province)}</td>
        <td class="status-${row.status}">${t(row.status)}</td><td>${when}</td>${timeliness}</tr>`;
    }).join("");
  }

  $("dev-signin").addEventListener("click", async () => {
    const response = await fetch("/v1/dev/token", { method: "POST" });
    if (!response.ok) { $("signin-error").textContent = "development sign-in is not available here"; return; }
    await signIn((await response.json()).access_token);
  });
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault(); signIn($("token").value.trim());
  });
  $("metric").addEventListener("change", (e) => { state.metric = e.target.value; render(); });
  $("campaign").addEventListener("change", (e) => { state.campaign = e.target.value; refresh(); });
  $("lang").addEventListener("click", () => { state.lang = state.lang === "zh" ? "en" : "zh"; applyLanguage(); if (state.table) render(); });
  $("totals").addEventListener("click", (e) => {
    const card = e.target.closest(".total"); if (!card) return;
    state.metric = card.dataset.metric; $("metric").value = state.metric; render();
  });
  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
  setInterval(() => { if (state.token && state.campaign) refresh().catch((e) => { state.error = String(e); }); }, 30000);
  applyLanguage();
  if (state.token) signIn(state.token);
})();
