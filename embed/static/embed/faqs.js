/* Rehabinfo FAQ widget. Paste <div data-rehabinfo-faqs="heroin-rehab"></div>
 * and <script async src="https://<rehabinfo>/embed/v1/faqs.js"></script>.
 * Optional attributes: data-rehabinfo-kind="comparison", data-rehabinfo-theme=
 * "light|dark|auto", data-rehabinfo-compact, data-rehabinfo-key="<partner key>".
 * Each widget makes one request (the API's widget endpoint: the iframe's
 * words as HTML, and the JSON-LD) and renders inside a Shadow DOM. The script
 * also sizes Rehabinfo iframes on the page to their content (the
 * "rehabinfo:height" message, docs/widgets.md). Defines only window.Rehabinfo. */
(function () {
  "use strict";
  var ns = (window.Rehabinfo = window.Rehabinfo || {});
  if (ns.faqs) {
    ns.faqs.scan();
    return;
  }
  var script = document.currentScript;
  var base = script ? new URL(script.src, location.href).origin : location.origin;
  var CSS = "/*CSS*/";
  var HEIGHT_MESSAGE = "rehabinfo:height";
  var MEASURE_MESSAGE = "rehabinfo:measure";
  var MAX_HEIGHT = 20000;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function addJsonLd(host, data) {
    if (host.rehabinfoJsonLd || !data) return;
    var tag = el("script");
    tag.type = "application/ld+json";
    tag.setAttribute("data-rehabinfo", host.getAttribute("data-rehabinfo-faqs"));
    tag.textContent = JSON.stringify(data);
    document.head.appendChild(tag);
    host.rehabinfoJsonLd = tag;
  }

  // The same words as the iframe's refusal page (embed/templates/embed/error.html).
  function refuse(box, readerUrl, reason) {
    box.textContent = "";
    var p = el("p");
    var a = el("a", "", "Read these questions and answers on Rehabinfo");
    a.href = readerUrl;
    a.target = "_blank";
    a.rel = "noopener";
    p.appendChild(a);
    box.appendChild(p);
    box.appendChild(el("p", "meta refusal", "For the site owner: " + reason));
  }

  function load(url) {
    // No custom header, so a keyed widget needs no CORS preflight either.
    return fetch(url, { credentials: "omit" }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw { detail: body.detail || "HTTP " + response.status };
        return body;
      });
    });
  }

  function render(host) {
    if (host.shadowRoot || host.rehabinfoRoot) return;
    var slug = host.getAttribute("data-rehabinfo-faqs") || "";
    var kind = host.getAttribute("data-rehabinfo-kind") === "comparison" ? "comparison" : "topic";
    var key = host.getAttribute("data-rehabinfo-key");
    var theme = host.getAttribute("data-rehabinfo-theme") || "light";
    var path = kind + "s/" + encodeURIComponent(slug) + "/";
    var root = (host.rehabinfoRoot = host.attachShadow({ mode: "open" }));
    var style = el("style");
    style.textContent = CSS;
    var box = el("section", "rehabinfo " + theme + (host.hasAttribute("data-rehabinfo-compact") ? " compact" : ""));
    box.setAttribute("aria-busy", "true");
    root.appendChild(style);
    root.appendChild(box);

    load(base + "/api/v1/" + path + "widget/" + (key ? "?key=" + encodeURIComponent(key) : ""))
      .then(function (widget) {
        box.innerHTML = widget.html; // Rendered and sanitised by Rehabinfo.
        addJsonLd(host, widget.jsonld);
      })
      .catch(function (problem) {
        var reason = problem && problem.detail;
        refuse(box, base + "/" + path, reason || "Rehabinfo could not be reached.");
      })
      .then(function () {
        box.removeAttribute("aria-busy");
      });
  }

  function scan() {
    var hosts = document.querySelectorAll("[data-rehabinfo-faqs]");
    for (var i = 0; i < hosts.length; i++) render(hosts[i]);
  }

  // Rehabinfo iframes on this page report their height; fit each to it.
  function resize(event) {
    var data = event.data;
    if (event.origin !== base || !data || data.type !== HEIGHT_MESSAGE) return;
    var height = Number(data.height);
    if (!(height > 0 && height <= MAX_HEIGHT)) return;
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) frames[i].style.height = Math.ceil(height) + "px";
    }
  }

  // A frame's first report can come before this script listens, and a
  // request to measure can reach a frame before its page listens: ask now,
  // and again when each frame has loaded (its script is listening by then).
  function measure(frame) {
    if (frame.contentWindow) frame.contentWindow.postMessage({ type: MEASURE_MESSAGE }, "*");
  }
  function measureFrames() {
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.src.indexOf(base + "/embed/") !== 0) continue;
      if (!frame.rehabinfoWatched) {
        frame.rehabinfoWatched = true;
        frame.addEventListener("load", function () { measure(this); });
      }
      measure(frame);
    }
  }

  ns.faqs = { version: "2", scan: scan };
  window.addEventListener("message", resize);
  measureFrames();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      measureFrames();
      scan();
    });
  } else {
    scan();
  }
})();
