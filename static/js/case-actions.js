// Case action forms: the path form shows 法治方式 and 法律依据 only while the legal path is chosen.
(function () {
  var block = document.querySelector("[data-path-only]");
  if (!block) return;
  var radios = document.querySelectorAll('input[name="path"]');
  function update() {
    var chosen = document.querySelector('input[name="path"]:checked');
    block.hidden = !chosen || chosen.value !== block.getAttribute("data-path-only");
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
