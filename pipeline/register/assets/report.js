"use strict";
(function () {
  // Every value from the register is put in the page with textContent, never parsed as HTML.
  var data = JSON.parse(document.getElementById("register-data").textContent);
  var L = data.labels;
  var ORDER = { overdue: 0, due_soon: 1, open: 2, no_deadline: 3, done: 4, withdrawn: 5 };
  var state = { unit: "", status: "", month: "", doc: "", q: "", sort: "due", dir: 1, selected: null };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function fmtDate(iso) { return iso ? iso.slice(8, 10) + "/" + iso.slice(5, 7) + "/" + iso.slice(0, 4) : ""; }
  function fold(s) { return (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase(); }
  function docLabel(id) { var d = data.docs[id] || {}; return d.number || d.source || id; }

  function headline() {
    var box = document.getElementById("headline");
    data.headline.forEach(function (h) {
      var card = el("div", { "class": "card " + (h.key || ""), "data-key": h.key || "" });
      card.appendChild(el("b", {}, h.value));
      card.appendChild(el("span", {}, h.label));
      box.appendChild(card);
    });
    document.getElementById("today").textContent = fmtDate(data.today);
    document.getElementById("soon").textContent = data.soonDays;
  }

  function options(id, pairs) {
    var select = document.getElementById(id);
    pairs.forEach(function (p) { select.appendChild(el("option", { value: p[0] }, p[1])); });
    select.addEventListener("change", function () { state[id.slice(2)] = select.value; render(); });
  }

  function filters() {
    options("f-unit", data.units.map(function (u) { return [u.unit, u.unit_name + " (" + u.total + ")"]; }));
    options("f-status", Object.keys(L.status).map(function (k) { return [k, L.status[k]]; }));
    var months = {};
    data.tasks.forEach(function (t) { months[t.month || "none"] = true; });
    options("f-month", Object.keys(months).sort().map(function (m) {
      return [m, m === "none" ? "(không có hạn)" : m.slice(5, 7) + "/" + m.slice(0, 4)];
    }));
    options("f-doc", Object.keys(data.docs).sort(function (a, b) { return docLabel(a).localeCompare(docLabel(b)); })
      .map(function (id) { return [id, docLabel(id)]; }));
    var q = document.getElementById("f-q");
    q.addEventListener("input", function () { state.q = fold(q.value.trim()); render(); });
    document.getElementById("filters").addEventListener("submit", function (e) { e.preventDefault(); });
    document.getElementById("f-reset").addEventListener("click", function () { setFilters({}); });
  }

  function setFilters(values) {
    ["unit", "status", "month", "doc"].forEach(function (k) {
      state[k] = values[k] || "";
      document.getElementById("f-" + k).value = state[k];
    });
    state.q = ""; document.getElementById("f-q").value = "";
    render();
  }

  function visible(t) {
    if (state.unit && t.units.indexOf(state.unit) < 0) return false;
    if (state.status && t.status !== state.status) return false;
    if (state.month && (t.month || "none") !== state.month) return false;
    if (state.doc && t.doc !== state.doc) return false;
    if (state.q && t.search.indexOf(state.q) < 0) return false;
    return true;
  }

  var KEYS = {
    status: function (t) { return ORDER[t.status]; },
    due: function (t) { return t.due || "9999"; },
    lead: function (t) { return t.lead || "~"; },
    text: function (t) { return t.text; },
    doc: function (t) { return docLabel(t.doc); },
    id: function (t) { return t.id; }
  };

  function sorted(rows) {
    var key = KEYS[state.sort], dir = state.dir;
    return rows.map(function (t, i) { return [key(t), i, t]; }).sort(function (a, b) {
      if (a[0] < b[0]) return -dir;
      if (a[0] > b[0]) return dir;
      return a[1] - b[1];
    }).map(function (x) { return x[2]; });
  }

  function render() {
    var body = document.querySelector("#tasks tbody");
    body.textContent = "";
    var rows = sorted(data.tasks.filter(visible));
    rows.forEach(function (t) {
      var tr = el("tr", { "class": "task s-" + t.status + (state.selected === t.id ? " selected" : ""), "data-task-id": t.id });
      var st = el("td"); st.appendChild(el("span", { "class": "badge b-" + t.status }, L.status[t.status]));
      tr.appendChild(st);
      var due = el("td", {}, fmtDate(t.due));
      if (t.recurrence) due.appendChild(el("div", { "class": "small" }, L.recurrence[t.recurrence] || t.recurrence));
      if (t.doneDate) due.appendChild(el("div", { "class": "small" }, "xong " + fmtDate(t.doneDate)));
      tr.appendChild(due);
      var unit = el("td", {}, t.lead || "");
      if (t.unitText) unit.appendChild(el("div", { "class": "small" }, t.unitText));
      tr.appendChild(unit);
      var text = el("td", {}, t.text);
      if (t.deadlineText) text.appendChild(el("div", { "class": "small" }, "Thời hạn: " + t.deadlineText));
      tr.appendChild(text);
      tr.appendChild(el("td", {}, docLabel(t.doc)));
      tr.appendChild(el("td", { "class": "small" }, t.id));
      tr.addEventListener("click", function () { show(t.id); });
      body.appendChild(tr);
    });
    document.getElementById("count").textContent = rows.length + " / " + data.tasks.length + " nhiệm vụ";
    document.querySelectorAll("#tasks th[data-sort]").forEach(function (th) {
      th.classList.remove("asc", "desc");
      if (th.getAttribute("data-sort") === state.sort) th.classList.add(state.dir > 0 ? "asc" : "desc");
    });
  }

  function sorting() {
    document.querySelectorAll("#tasks th[data-sort]").forEach(function (th) {
      th.addEventListener("click", function () {
        var key = th.getAttribute("data-sort");
        state.dir = state.sort === key ? -state.dir : 1;
        state.sort = key;
        render();
      });
    });
  }

  function units() {
    var body = document.querySelector("#units tbody");
    data.units.forEach(function (u) {
      var tr = el("tr", { "data-unit": u.unit, title: "Lọc nhiệm vụ của đơn vị này" });
      tr.appendChild(el("td", {}, u.unit_name));
      ["total", "overdue", "due_soon", "open", "no_deadline", "done"].forEach(function (k) {
        tr.appendChild(el("td", { "class": "num" }, u[k]));
      });
      tr.addEventListener("click", function () {
        setFilters({ unit: u.unit });
        document.getElementById("tasks").scrollIntoView();
      });
      body.appendChild(tr);
    });
  }

  function timeline() {
    var counts = {};
    data.tasks.forEach(function (t) {
      if (!t.month || t.status === "withdrawn") return;
      counts[t.month] = counts[t.month] || {};
      counts[t.month][t.status] = (counts[t.month][t.status] || 0) + 1;
    });
    var months = Object.keys(counts).sort();
    var box = document.getElementById("timeline");
    if (!months.length) { box.appendChild(el("p", { "class": "hint" }, "Chưa có nhiệm vụ nào có thời hạn.")); return; }
    var max = 1;
    months.forEach(function (m) { var s = 0; Object.keys(counts[m]).forEach(function (k) { s += counts[m][k]; }); max = Math.max(max, s); });
    var bw = 26, h = 140, top = 16, width = Math.max(months.length * bw + 20, 300);
    var chart = svg("svg", { width: width, height: h + 40, role: "img", "aria-label": "Số nhiệm vụ đến hạn theo tháng" });
    var colors = { overdue: "#c0504d", due_soon: "#d6a400", open: "#5b9bd5", no_deadline: "#aaa", done: "#70ad47" };
    var thisMonth = data.today.slice(0, 7);
    months.forEach(function (m, i) {
      var x = 10 + i * bw, y = top + h, total = 0;
      ["done", "open", "due_soon", "overdue"].forEach(function (k) {
        var n = counts[m][k] || 0;
        if (!n) return;
        var bh = Math.max(2, Math.round(n / max * (h - 4)));
        y -= bh; total += n;
        var r = svg("rect", { x: x, y: y, width: bw - 6, height: bh, fill: colors[k], "data-month": m });
        var tip = svg("title"); tip.textContent = m.slice(5, 7) + "/" + m.slice(0, 4) + ": " + n + " " + L.status[k];
        r.appendChild(tip);
        r.addEventListener("click", function () { setFilters({ month: m }); document.getElementById("tasks").scrollIntoView(); });
        chart.appendChild(r);
      });
      var count = svg("text", { x: x + (bw - 6) / 2, y: y - 3, "text-anchor": "middle" }); count.textContent = total;
      chart.appendChild(count);
      var label = svg("text", { x: x + (bw - 6) / 2, y: top + h + 14, "text-anchor": "middle" });
      label.textContent = m.slice(5, 7) + "/" + m.slice(2, 4);
      if (m === thisMonth) label.setAttribute("font-weight", "bold");
      chart.appendChild(label);
    });
    box.appendChild(chart);
  }

  function show(id) {
    var t = data.tasks.filter(function (x) { return x.id === id; })[0];
    if (!t) return;
    state.selected = id;
    var d = data.docs[t.doc] || { body: [] };
    document.getElementById("v-task").textContent = t.id;
    document.getElementById("v-meta").textContent = [d.type, d.number, d.issuer, fmtDate(d.date), d.subject, d.source]
      .filter(Boolean).join(" · ");
    var body = document.getElementById("v-body");
    body.textContent = "";
    var first = null;
    (d.body || []).forEach(function (text, i) {
      var p = el("p", { "data-block": i });
      if (t.blocks.indexOf(i) >= 0) {
        p.className = "source";
        highlight(p, text, t.text);
        first = first || p;
      } else {
        p.textContent = text;
      }
      body.appendChild(p);
    });
    document.getElementById("viewer").hidden = false;
    render();
    (first || body).scrollIntoView({ block: "center" });
  }

  function highlight(p, text, needle) {
    var at = needle ? text.indexOf(needle) : -1;
    if (at < 0) { p.appendChild(el("mark", {}, text)); return; }
    p.appendChild(document.createTextNode(text.slice(0, at)));
    p.appendChild(el("mark", {}, needle));
    p.appendChild(document.createTextNode(text.slice(at + needle.length)));
  }

  data.tasks.forEach(function (t) { t.search = fold([t.text, t.lead, t.unitText, docLabel(t.doc), t.id].join(" ")); });
  headline();
  filters();
  sorting();
  units();
  timeline();
  render();
  document.documentElement.setAttribute("data-ready", "1");
})();
