// Catalog entry editor: add/remove data-item rows and live validation against the same rules
// the server applies (POST /api/v1/catalog/check). The form works without this script.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (!form) return;
  var fieldset = document.getElementById("fields");
  var addBtn = document.getElementById("add-field");
  var next = parseInt(addBtn.getAttribute("data-next"), 10) || 0;

  function rows() { return Array.prototype.slice.call(fieldset.querySelectorAll(".field-row")); }
  function renumber() {
    rows().forEach(function (r, i) { var n = r.querySelector("legend .n"); if (n) n.textContent = i + 1; });
  }
  function clearRow(row) {
    row.querySelectorAll("input").forEach(function (el) {
      if (el.type === "checkbox") el.checked = false; else el.value = "";
    });
    row.querySelectorAll("select").forEach(function (el) {
      var pref = { type: "string", kind: "text", sensitivity: "0" }; // sensitivity 0: the kind's default (SEC-1)
      var key = el.name.split(".").pop();
      el.value = pref[key] !== undefined ? pref[key] : "";
      if (el.selectedIndex < 0) el.selectedIndex = 0;
    });
    row.querySelectorAll(".hint").forEach(function (h) { h.textContent = ""; });
  }
  addBtn.addEventListener("click", function () {
    var first = rows()[0];
    var row = first.cloneNode(true);
    var i = next++;
    row.setAttribute("data-index", i);
    row.querySelectorAll("[name]").forEach(function (el) { el.name = el.name.replace(/^fields\.\d+\./, "fields." + i + "."); });
    row.querySelectorAll("[data-for]").forEach(function (el) {
      el.setAttribute("data-for", el.getAttribute("data-for").replace(/^fields\[\d+\]/, "fields[" + i + "]"));
    });
    clearRow(row);
    fieldset.insertBefore(row, addBtn);
    renumber();
    row.querySelector("input").focus();
    schedule();
  });
  fieldset.addEventListener("click", function (e) {
    if (!e.target.classList.contains("remove-field")) return;
    var row = e.target.closest(".field-row");
    if (rows().length > 1) row.parentNode.removeChild(row); else clearRow(row);
    renumber();
    schedule();
  });

  // Topics belong to a resource attribute: offer only the matching ones.
  var attr = document.getElementById("resource_attr"), topic = document.getElementById("topic");
  function filterTopics() {
    Array.prototype.forEach.call(topic.options, function (o) {
      var a = o.getAttribute("data-attr");
      o.hidden = !!a && a !== attr.value;
    });
    var sel = topic.options[topic.selectedIndex];
    if (sel && sel.hidden) topic.value = "";
  }
  attr.addEventListener("change", filterTopics);
  filterTopics();

  function val(name) { var el = form.elements[name]; return el ? el.value.trim() : ""; }
  function entry() {
    var e = {
      name: val("name"), name_en: val("name_en"), summary: val("summary"), source_org_id: val("source_org_id"),
      data_form: val("data_form"), resource_attr: val("resource_attr"), topic: val("topic"), grade: val("grade"),
      level: parseInt(val("level"), 10) || 0, share_type: val("share_type"), share_conditions: val("share_conditions"),
      share_scope: val("share_scope"), share_reason: val("share_reason"), share_legal_basis: val("share_legal_basis"),
      open_type: val("open_type"), open_conditions: val("open_conditions"), open_reason: val("open_reason"),
      open_legal_basis: val("open_legal_basis"), update_frequency: val("update_frequency"), legal_basis: val("legal_basis"),
      tags: val("tags").split(/[|,，、]/).map(function (s) { return s.trim(); }).filter(Boolean),
      share_modes: Array.prototype.filter.call(form.querySelectorAll("input[name=share_modes]"), function (c) { return c.checked; }).map(function (c) { return c.value; }),
      fields: []
    };
    var id = form.getAttribute("data-entry-id");
    if (id) e.id = id;
    var map = [];
    rows().forEach(function (r) {
      var i = r.getAttribute("data-index");
      function g(k) { var el = r.querySelector("[name='fields." + i + "." + k + "']"); return el ? (el.type === "checkbox" ? el.checked : el.value.trim()) : ""; }
      var f = {
        name: g("name"), label: g("label"), label_en: g("label_en"), type: g("type"), kind: g("kind"),
        sensitivity: parseInt(g("sensitivity"), 10) || 0, is_key: g("is_key"), required: g("required"),
        enum_values: g("enum_values").split("|").map(function (s) { return s.trim(); }).filter(Boolean),
        share_type: g("share_type"), reason: g("reason"), legal_basis: g("legal_basis"), condition: g("condition"),
        open_type: g("open_type"), open_reason: g("open_reason"), source_org_id: g("source_org_id")
      };
      if (!f.name && !f.label) return;
      map.push(i);
      e.fields.push(f);
    });
    return { entry: e, map: map };
  }
  var lang = document.documentElement.lang === "en" ? "en" : "zh";
  var box = document.getElementById("live-check"), okEl = document.getElementById("check-ok");
  var errList = document.getElementById("check-errors"), warnList = document.getElementById("check-warnings");
  function hintFor(path, map) {
    var m = /^fields\[(\d+)\](.*)$/.exec(path);
    if (m) path = "fields[" + map[+m[1]] + "]" + m[2];
    return form.querySelector("[data-for='" + path + "']");
  }
  var timer = null, seq = 0;
  function schedule() { clearTimeout(timer); timer = setTimeout(check, 400); }
  function check() {
    var built = entry(), my = ++seq;
    fetch("/api/v1/catalog/check", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": form.elements.csrf_token.value },
      body: JSON.stringify(built.entry)
    }).then(function (r) { return r.json(); }).then(function (res) {
      if (my !== seq || !res || !res.errors) return;
      form.querySelectorAll(".hint[data-for]").forEach(function (h) { h.textContent = ""; });
      form.querySelectorAll(".invalid").forEach(function (el) { el.classList.remove("invalid"); });
      errList.innerHTML = ""; warnList.innerHTML = "";
      res.errors.forEach(function (f) {
        var msg = lang === "en" ? f.message_en : f.message;
        var h = hintFor(f.field, built.map);
        if (h) {
          h.textContent = msg;
          var input = h.parentNode.querySelector("input,select,textarea");
          if (input) input.classList.add("invalid");
        }
        var li = document.createElement("li");
        li.textContent = f.field + ": " + msg;
        errList.appendChild(li);
      });
      res.warnings.forEach(function (w) {
        var li = document.createElement("li");
        li.textContent = lang === "en" ? w.message_en : w.message;
        warnList.appendChild(li);
      });
      okEl.hidden = res.errors.length > 0;
      box.hidden = false;
    }).catch(function () {});
  }
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
