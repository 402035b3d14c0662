/* The explorer without full page loads. Optional: the page works the same without it.
   Changing a filter fetches the same URL with the header X-P2C-Fragment: results, swaps the
   results in, and records the URL in the history; the back button restores earlier results. */
(function () {
  "use strict";
  var form = document.getElementById("explorer-form");
  var results = document.getElementById("results");
  var status = document.getElementById("results-status");
  var panel = document.getElementById("filter-panel");
  if (!form || !results || !window.fetch || !window.history.pushState || !window.URLSearchParams) return;

  var wide = window.matchMedia("(min-width: 64em)");
  if (panel && wide.matches) panel.open = true;

  var pending = null;

  function stateUrl() {
    var params = new URLSearchParams();
    var data = new FormData(form);
    var defaultSort = (data.get("q") || "").trim() ? "relevance" : "newest";
    data.forEach(function (value, name) {
      if (typeof value !== "string" || value.trim() === "") return;
      if (name === "sort" && value === defaultSort) return; // keep addresses short
      params.append(name, value.trim());
    });
    var query = params.toString();
    return form.getAttribute("action") + (query ? "?" + query : "");
  }

  function syncForm(url) {
    // Make the controls show the state of `url` (after back/forward, or a link in the results).
    var params = new URL(url, window.location.href).searchParams;
    Array.prototype.forEach.call(form.querySelectorAll("[data-extra]"), function (el) { el.remove(); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "submit") return;
      var values = params.getAll(el.name);
      if (el.type === "checkbox") {
        el.checked = values.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT") {
        var first = values[0] || (el.name === "sort" ? (params.get("q") ? "relevance" : "newest") : "");
        el.value = first;
        // Values the <select> cannot show (repeated ones, or one it does not offer) travel as hidden inputs.
        (el.value === first ? values.slice(1) : values).forEach(function (value) {
          var extra = document.createElement("input");
          extra.type = "hidden"; extra.name = el.name; extra.value = value; extra.setAttribute("data-extra", "");
          el.insertAdjacentElement("afterend", extra);
        });
      } else if (el.type !== "hidden") {
        el.value = values[0] || "";
      }
    });
  }

  function clearFieldErrors() {
    // Errors next to fields describe the address the page was loaded with; the results carry the current ones.
    Array.prototype.forEach.call(document.querySelectorAll(".explorer-form .error, .explorer-search .error"), function (el) { el.remove(); });
    Array.prototype.forEach.call(document.querySelectorAll("[aria-invalid]"), function (el) { el.removeAttribute("aria-invalid"); });
  }

  function load(url, options) {
    if (pending) pending.abort();
    var controller = window.AbortController ? new AbortController() : null;
    pending = controller;
    results.setAttribute("aria-busy", "true");
    if (options.sync) syncForm(url);
    return fetch(url, {
      headers: { "X-P2C-Fragment": "results" },
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.text();
    }).then(function (html) {
      results.innerHTML = html;
      results.removeAttribute("aria-busy");
      pending = null;
      clearFieldErrors();
      if (options.push) window.history.pushState({ explorer: true }, "", url);
      var inner = results.querySelector("[data-announce]");
      if (status && inner) status.textContent = inner.getAttribute("data-announce");
      if (options.focusResults) {
        var heading = document.getElementById("results-heading");
        if (heading) { heading.focus({ preventScroll: true }); heading.scrollIntoView({ block: "nearest" }); }
      }
    }).catch(function (error) {
      if (error && error.name === "AbortError") return;
      window.location.assign(url); // fall back to an ordinary page load
    });
  }

  function onChange(event) {
    var target = event.target;
    if (!target.name || target.form !== form) return;
    load(stateUrl(), { push: true });
  }

  form.addEventListener("change", onChange);
  // Controls outside the <form> element (search box, sort) belong to it through form="explorer-form".
  document.addEventListener("change", function (event) {
    if (event.target.form === form && !form.contains(event.target)) onChange(event);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load(stateUrl(), { push: true, focusResults: true });
  });
  results.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-explorer-link]") : null;
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    load(link.href, { push: true, sync: true, focusResults: true });
  });
  window.addEventListener("popstate", function () {
    load(window.location.href, { sync: true });
  });
  window.history.replaceState({ explorer: true }, "", window.location.href);
})();
