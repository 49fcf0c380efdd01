/// The page's only script: redraws the picture for the years asked for, shows a record's
/// details on hover or focus, and marks the page with how many records it drew
/// (`data-drawn` on `#timeline`), which is how a headless browser test knows it ran.
///
/// The script is the same on every page (all it needs is in the SVG's `data-` attributes), so
/// the page's Content-Security-Policy allows exactly it by its SHA-256 hash rather than any
/// inline script.
public enum PageScript {
    /// The script, as it goes between `<script>` and `</script>`.
    public static let source = #"""

        (function () {
          "use strict";
          var main = document.getElementById("timeline");
          var svg = document.querySelector("svg.timeline");
          if (!main || !svg) { if (main) { main.setAttribute("data-drawn", "0"); } return; }
          var NS = "http://www.w3.org/2000/svg";
          var num = function (name) { return Number(svg.getAttribute(name)); };
          var left = num("data-left"), width = num("data-plot-width");
          var top = num("data-axis-top"), bottom = num("data-axis-bottom");
          var first = num("data-from"), last = num("data-to");
          var records = svg.querySelectorAll("g.record");
          var axis = svg.querySelector("g.axis");
          var fromInput = document.getElementById("from-year");
          var toInput = document.getElementById("to-year");
          var details = document.querySelector("#details tbody");
          var steps = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000];

          function draw(a, b) {
            var t0 = a, t1 = b + 1, shown = 0;
            var x = function (t) { return left + (t - t0) / (t1 - t0) * width; };
            var clamp = function (t) { return Math.max(t0, Math.min(t1, t)); };
            var show = function (el, on) { if (el) { el.setAttribute("visibility", on ? "visible" : "hidden"); } };
            records.forEach(function (g) {
              var s = Number(g.getAttribute("data-t0")), e = Number(g.getAttribute("data-t1"));
              var mark = g.classList.contains("mark"), mid = (s + e) / 2;
              var visible = mark ? (mid >= t0 && mid < t1) : (e > t0 && s < t1);
              g.style.display = visible ? "" : "none";
              if (!visible) { return; }
              shown += 1;
              var x0 = x(clamp(s)), x1 = x(clamp(e)), y = g.getAttribute("data-y");
              var shape = g.querySelector(".shape");
              if (mark) {
                shape.setAttribute("cx", x(mid));
                var whisker = g.querySelector(".whisker");
                whisker.setAttribute("x1", x0);
                whisker.setAttribute("x2", x1);
                show(whisker, x1 - x0 > 12);
                return;
              }
              if (x1 - x0 < 6) { x1 = Math.min(x0 + 6, left + width); x0 = x1 - 6; }
              shape.setAttribute("x", x0);
              shape.setAttribute("width", x1 - x0);
              var on = g.querySelector(".go-on"), from = g.querySelector(".came-from");
              on.setAttribute("transform", "translate(" + x1 + " " + y + ")");
              from.setAttribute("transform", "translate(" + x0 + " " + y + ")");
              show(on, g.classList.contains("open-end") || e > t1);
              show(from, s < t0);
            });
            while (axis.firstChild) { axis.removeChild(axis.firstChild); }
            var step = steps.find(function (n) { return Math.floor((t1 - t0) / n) <= 12; }) || 10000;
            for (var year = Math.ceil(t0 / step) * step; year <= t1; year += step) {
              var line = document.createElementNS(NS, "line");
              line.setAttribute("x1", x(year)); line.setAttribute("x2", x(year));
              line.setAttribute("y1", top - 12); line.setAttribute("y2", bottom);
              var text = document.createElementNS(NS, "text");
              text.setAttribute("x", x(year)); text.setAttribute("y", top - 18);
              text.setAttribute("text-anchor", "middle"); text.setAttribute("stroke", "none");
              text.textContent = String(year);
              axis.appendChild(line); axis.appendChild(text);
            }
            fromInput.value = a;
            toInput.value = b;
            main.setAttribute("data-drawn", String(shown));
          }

          function ask() {
            var a = parseInt(fromInput.value, 10), b = parseInt(toInput.value, 10);
            if (a >= 1 && b <= 9999 && a <= b) { draw(a, b); }
          }
          fromInput.addEventListener("change", ask);
          toInput.addEventListener("change", ask);
          document.getElementById("all-years").addEventListener("click", function () { draw(first, last); });

          function detail(event) {
            var g = event.target.closest ? event.target.closest("g.record") : null;
            if (!g || !details) { return; }
            var row = document.getElementById("row-" + g.id.slice(4));
            if (!row) { return; }
            var copy = row.cloneNode(true);
            copy.removeAttribute("id");
            details.replaceChildren(copy);
            details.closest("aside").classList.add("filled");
          }
          svg.addEventListener("mouseover", detail);
          svg.addEventListener("focusin", detail);
          svg.addEventListener("keydown", function (event) {
            var g = event.target.closest ? event.target.closest("g.record") : null;
            var row = g ? document.getElementById("row-" + g.id.slice(4)) : null;
            if (row && event.key === "Enter") { row.scrollIntoView({ block: "center" }); }
          });
          draw(first, last);
        })();

        """#

    /// The script's SHA-256, base64, as the Content-Security-Policy names it
    /// (`RelTimelineTests` recomputes it: change it with the script).
    public static let sha256 = "sha256-gXVBgFRTUcIsWCxkoa5TkDGrQ7i36FShO3C7zVOyMqE="
}
