// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  var ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CC = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  var CC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  function citizenID(v) {
    v = v.toUpperCase();
    if (!/^\d{17}[\dX]$/.test(v)) return "应为 18 位 / must be 18 characters";
    var s = 0;
    for (var i = 0; i < 17; i++) s += (+v[i]) * ID_W[i];
    return "10X98765432"[s % 11] === v[17] ? "" : "校验位错误 / wrong check character";
  }
  function creditCode(v) {
    v = v.toUpperCase();
    if (v.length !== 18) return "应为 18 位 / must be 18 characters";
    var s = 0;
    for (var i = 0; i < 17; i++) {
      var x = CC.indexOf(v[i]);
      if (x < 0) return "含非法字符 / invalid character";
      s += x * CC_W[i];
    }
    return CC[(31 - (s % 31)) % 31] === v[17] ? "" : "校验位错误 / wrong check character";
  }
  var checks = { citizen_id: citizenID, credit_code: creditCode };
  document.addEventListener("input", function (e) {
    var el = e.target, kind = el.getAttribute && el.getAttribute("data-validate");
    if (!kind || !checks[kind]) return;
    var msg = el.value ? checks[kind](el.value.trim()) : "";
    el.classList.toggle("invalid", !!msg);
    el.setCustomValidity(msg);
    var hint = el.nextElementSibling;
    if (!hint || !hint.classList.contains("hint")) {
      hint = document.createElement("span");
      hint.className = "hint";
      hint.setAttribute("aria-live", "polite");
      el.parentNode.insertBefore(hint, el.nextSibling);
    }
    hint.textContent = msg;
  });
  // Registration asks only what the chosen kind of person needs: the other kind's fields are
  // hidden (and so not sent), without script both show.
  function personKind() {
    var form = document.getElementById("register-form");
    if (!form) return;
    var kind = (form.querySelector('input[name="person_kind"]:checked') || {}).value;
    form.querySelectorAll("fieldset[data-person]").forEach(function (fs) {
      var off = fs.getAttribute("data-person") !== kind;
      fs.hidden = off;
      fs.querySelectorAll("input").forEach(function (i) { i.disabled = off; });
    });
  }
  document.addEventListener("change", function (e) { if (e.target.name === "person_kind") personKind(); });
  document.addEventListener("DOMContentLoaded", personKind);
  // The objection form offers the data items of the chosen entry only.
  function objectionFields() {
    var sel = document.getElementById("ob-entry");
    if (!sel) return;
    document.querySelectorAll(".obj-fields").forEach(function (d) {
      var off = d.getAttribute("data-entry") !== sel.value;
      d.hidden = off;
      d.querySelectorAll("input").forEach(function (i) { i.disabled = off; });
    });
  }
  document.addEventListener("change", function (e) { if (e.target.id === "ob-entry") objectionFields(); });
  document.addEventListener("DOMContentLoaded", objectionFields);
  // Copy buttons: <button data-copy="#id" data-done="已复制">.
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button[data-copy]");
    if (!b) return;
    var src = document.querySelector(b.getAttribute("data-copy"));
    if (!src) return;
    var text = src.textContent, done = function () { b.textContent = b.getAttribute("data-done") || b.textContent; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
      return;
    }
    var r = document.createRange(); r.selectNodeContents(src);
    var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r);
    try { if (document.execCommand("copy")) done(); } catch (err) { /* selected for a manual copy */ }
  });
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) e.preventDefault();
  });
})();
// On a phone a list reads better as cards: each cell of a table with one header row gets its
// column's name (data-label), and the table the class "stack" that the narrow style turns into
// cards. Tables with merged cells, many columns or marked data-no-stack keep scrolling sideways.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("main table").forEach(function (t) {
    if (t.hasAttribute("data-no-stack") || t.closest("figure.chart") || !t.tHead || t.tHead.rows.length !== 1) return;
    var heads = Array.prototype.map.call(t.tHead.rows[0].cells, function (c) { return c.textContent.trim(); });
    if (heads.length < 2 || heads.length > 9 || t.tHead.querySelector("[colspan]")) return;
    var ok = true;
    Array.prototype.forEach.call(t.tBodies, function (b) {
      Array.prototype.forEach.call(b.rows, function (r) {
        if (r.cells.length !== heads.length) { ok = false; return; }
        Array.prototype.forEach.call(r.cells, function (c, i) { c.setAttribute("data-label", heads[i]); });
      });
    });
    if (ok) t.classList.add("stack");
  });
});
