// policydiff serve: small helps; every page works without them.
(function () {
  "use strict";
  // A select marked data-autosubmit submits its form when changed (filters, the revised version).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Drag and drop files onto the upload zone: they go into the form's file input.
  document.querySelectorAll(".drop").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    var names = zone.querySelector(".names");
    function show() {
      if (!names) { return; }
      names.textContent = Array.prototype.map.call(input.files, function (f) { return f.name; }).join(", ");
    }
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; show(); }
    });
    input.addEventListener("change", show);
  });
}());
