// pvkg landing page: starts YASGUI (vendored, served by this server) on this server's /sparql.
// When the YASGUI bundle did not load or fails to start, the plain editor (editor.js) stays.
"use strict";
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var note = $("editor-note");

  function usePlainEditor(reason) {
    $("yasgui").hidden = true;
    $("plain-editor").hidden = false;
    note.className = "warn";
    note.textContent = "YASGUI nav ielādēts, vienkāršais redaktors / YASGUI did not load, plain editor" +
      (reason ? " (" + reason + ")" : "");
    document.documentElement.setAttribute("data-editor", "plain");
  }

  var Yasgui = window.Yasgui;
  if (typeof Yasgui !== "function" || !Yasgui.Yasqe) {
    usePlainEditor("");
    return;
  }
  var prefixes = {};
  try { prefixes = JSON.parse($("sparql-prefixes").textContent); } catch (ignore) {}
  // The server predeclares these prefixes, YASQE does not know that: a query that uses one
  // without a PREFIX line gets the line, so the editor does not mark it as an error.
  function withPrefixes(query) {
    var lines = [];
    Object.keys(prefixes).forEach(function (name) {
      var used = new RegExp("(^|[^\\w:/.#-])" + name + ":(?!//)").test(query);
      var declared = new RegExp("PREFIX\\s+" + name + ":", "i").test(query);
      if (used && !declared) lines.push("PREFIX " + name + ": <" + prefixes[name] + ">");
    });
    return lines.length ? lines.join("\n") + "\n\n" + query : query;
  }

  // The page's own server, whatever host and port it is reached on.
  var endpoint = new URL("/sparql", window.location.href).href;
  var container = $("yasgui");
  try {
    // Class and property completion ask an outside service (LOV): off, the page works offline
    // (and the Content-Security-Policy allows connections to this server only).
    Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
    container.hidden = false; // CodeMirror measures its box: visible before it is built
    $("plain-editor").hidden = true;
    var yasgui = new Yasgui(container, {
      requestConfig: { endpoint: endpoint, method: "POST" },
      endpointCatalogueOptions: {
        getData: function () { return [{ endpoint: endpoint }]; }
      },
      persistenceId: "pvkg-yasgui",
      tabName: "Vaicājums / Query",
      yasqe: { value: withPrefixes($("query").value) },
      yasr: { prefixes: prefixes } // results show pvid:status/… instead of whole IRIs
    });
    var tab = yasgui.getTab();
    if (tab && tab.getEndpoint() !== endpoint) tab.setEndpoint(endpoint);
  } catch (err) {
    while (container.firstChild) container.removeChild(container.firstChild);
    usePlainEditor(String(err && err.message || err));
    return;
  }
  window.pvkgYasgui = yasgui;
  document.documentElement.setAttribute("data-editor", "yasgui");
  note.className = "";
  note.textContent = "YASGUI → /sparql · Ctrl+Enter izpilda / runs the query";

  document.addEventListener("pvkg-example", function (event) {
    var current = yasgui.getTab();
    if (!current) current = yasgui.addTab(true);
    current.setQuery(withPrefixes(event.detail.query));
    current.setName(event.detail.name);
  });
})();
