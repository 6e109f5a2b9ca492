/* Rehabinfo FAQ widget. Paste <div data-rehabinfo-faqs="heroin-rehab"></div>
 * and <script async src="https://<rehabinfo>/embed/v1/faqs.js"></script>.
 * Optional attributes: data-rehabinfo-kind="comparison", data-rehabinfo-theme=
 * "light|dark|auto", data-rehabinfo-compact, data-rehabinfo-key="<partner key>".
 * Renders inside a Shadow DOM; defines only window.Rehabinfo. */
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

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function link(href, text) {
    var a = el("a", "", text);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener";
    return a;
  }

  function getJSON(url, key, accept) {
    var headers = { Accept: accept || "application/json" };
    if (key) headers["X-Api-Key"] = key;
    return fetch(url, { headers: headers }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    });
  }

  function addJsonLd(host, data) {
    if (host.rehabinfoJsonLd) return;
    var tag = el("script");
    tag.type = "application/ld+json";
    tag.setAttribute("data-rehabinfo", host.getAttribute("data-rehabinfo-faqs"));
    tag.textContent = JSON.stringify(data);
    document.head.appendChild(tag);
    host.rehabinfoJsonLd = tag;
  }

  function render(host) {
    if (host.shadowRoot || host.rehabinfoRoot) return;
    var slug = host.getAttribute("data-rehabinfo-faqs");
    var kind = host.getAttribute("data-rehabinfo-kind") === "comparison" ? "comparison" : "topic";
    var key = host.getAttribute("data-rehabinfo-key");
    var theme = host.getAttribute("data-rehabinfo-theme") || "light";
    var path = kind + "s/" + encodeURIComponent(slug) + "/";
    var human = base + "/embed/v1/" + path + "faqs/";
    var root = (host.rehabinfoRoot = host.attachShadow({ mode: "open" }));
    var style = el("style");
    style.textContent = CSS;
    var box = el("section", "rehabinfo " + theme + (host.hasAttribute("data-rehabinfo-compact") ? " compact" : ""));
    box.setAttribute("aria-busy", "true");
    root.appendChild(style);
    root.appendChild(box);

    Promise.all([
      getJSON(base + "/api/v1/" + path, key),
      getJSON(base + "/api/v1/faqs/?limit=100&" + kind + "=" + encodeURIComponent(slug), key),
      getJSON(base + "/api/v1/resources/?region=US&kind=helpline&limit=1", key).catch(function () {
        return { results: [] };
      }),
    ])
      .then(function (answers) {
        var page = answers[0];
        box.appendChild(el("h2", "", page.title + ": frequently asked questions"));
        answers[1].results.forEach(function (faq) {
          var details = el("details");
          details.appendChild(el("summary", "", faq.question));
          var answer = el("div", "answer");
          answer.innerHTML = faq.answer.html; // Sanitised by the API (allow-list).
          details.appendChild(answer);
          box.appendChild(details);
        });
        var review = page.review || {};
        if (review.last_reviewed_on) {
          var by = review.reviewed_by ? " by " + review.reviewed_by.name : "";
          box.appendChild(el("p", "meta", "Last reviewed " + review.last_reviewed_on + by + "."));
        }
        var footer = el("footer");
        answers[2].results.forEach(function (line) {
          var p = el("p", "", "Need help now? " + line.name + ": ");
          p.appendChild(link("tel:" + line.phone, line.phone));
          footer.appendChild(p);
        });
        var credit = el("p");
        credit.appendChild(link(page.canonical_url, "Medically reviewed information from Rehabinfo"));
        footer.appendChild(credit);
        box.appendChild(footer);
        box.removeAttribute("aria-busy");
        // Structured data is a bonus: the list stays if it cannot be had.
        return getJSON(base + "/api/v1/" + path + "faqpage/", key, "application/ld+json")
          .then(function (data) {
            addJsonLd(host, data);
          })
          .catch(function () {});
      })
      .catch(function () {
        box.textContent = "";
        box.removeAttribute("aria-busy");
        var p = el("p");
        p.appendChild(link(human, "Read the frequently asked questions on Rehabinfo"));
        box.appendChild(p);
      });
  }

  function scan() {
    var hosts = document.querySelectorAll("[data-rehabinfo-faqs]");
    for (var i = 0; i < hosts.length; i++) render(hosts[i]);
  }

  ns.faqs = { version: "1", scan: scan };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", scan);
  } else {
    scan();
  }
})();
