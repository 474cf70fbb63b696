// Intake form: add another party to the formset, and show the transfer choice only when it is needed.
(function () {
  "use strict";
  var button = document.getElementById("add-party");
  var template = document.getElementById("party-template");
  var total = document.getElementById("id_parties-TOTAL_FORMS");
  if (button && template && total) {
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      document.getElementById("party-forms").insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
    });
  }
  var elsewhere = document.getElementById("id_accepted_elsewhere");
  var reserved = document.getElementById("id_reserved_by_law");
  var transfer = document.getElementById("div_id_transfer_to");
  function toggle() {
    if (transfer) {
      transfer.hidden = !((elsewhere && elsewhere.checked) || (reserved && reserved.checked));
    }
  }
  [elsewhere, reserved].forEach(function (box) { if (box) { box.addEventListener("change", toggle); } });
  toggle();
})();
