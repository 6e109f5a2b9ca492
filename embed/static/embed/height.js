/* Rehabinfo iframe widget: tells the page that frames it how tall it is, so
 * the page can size the iframe to fit (docs/widgets.md, "Sizing the iframe").
 * Posts {type: "rehabinfo:height", version: 1, height: <CSS pixels>} to the
 * parent on load, whenever the content's height changes (a question opened
 * or closed, a narrower window), and when the parent asks with
 * {type: "rehabinfo:measure"}. */
(function () {
  "use strict";
  if (window.parent === window || !window.ResizeObserver) return;
  var main = document.querySelector("main");
  function send() {
    var height = Math.ceil(main.getBoundingClientRect().height);
    window.parent.postMessage({ type: "rehabinfo:height", version: 1, height: height }, "*");
  }
  window.addEventListener("message", function (event) {
    if (event.source === window.parent && event.data && event.data.type === "rehabinfo:measure") send();
  });
  new ResizeObserver(send).observe(main);
})();
