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
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) e.preventDefault();
  });
})();
