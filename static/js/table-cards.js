// On a phone a list's rows are shown as cards (site.css, table.table-cards); each cell is labelled with its column's
// header here, so the markup of a list stays one plain table.
(function () {
  document.querySelectorAll("table.table-cards").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      // One tap on the card opens the row's first link, unless the template chose another.
      var link = row.querySelector("a.card-link") || row.querySelector("a[href]");
      if (link) link.classList.add("card-link");
      Array.prototype.forEach.call(row.children, function (cell, index) {
        if (!cell.hasAttribute("data-label") && heads[index]) cell.setAttribute("data-label", heads[index]);
      });
    });
  });
})();
