// pvkg plain SPARQL editor: a textarea and fetch(); works offline (no CDN, no framework).
// The landing page shows it when YASGUI (landing.js) does not load. It also fills the examples
// list with the curated queries of queries/ and tells landing.js about the chosen example.
"use strict";
(function () {
  var EXAMPLES = {
    services: "SELECT ?institution (COUNT(?service) AS ?services)\nWHERE {\n  ?service a pv:Service ; cv:hasCompetentAuthority ?i .\n  ?i skos:prefLabel ?institution .\n}\nGROUP BY ?institution\nORDER BY DESC(?services)",
    nomanager: "SELECT ?institution ?id ?title\nWHERE {\n  ?service a pv:Service ; dct:identifier ?id ; dct:title ?title ;\n           cv:hasCompetentAuthority/skos:prefLabel ?institution .\n  FILTER NOT EXISTS { ?service pv:serviceManager ?m }\n}\nORDER BY ?institution ?id",
    status: "SELECT ?status (COUNT(?service) AS ?n)\nWHERE { ?service a pv:Service ; adms:status ?status }\nGROUP BY ?status ORDER BY DESC(?n)",
    graphs: "SELECT ?g (COUNT(*) AS ?triples)\nWHERE { GRAPH ?g { ?s ?p ?o } }\nGROUP BY ?g ORDER BY ?g",
    classes: "SELECT ?class (COUNT(?x) AS ?n)\nWHERE { ?x a ?class }\nGROUP BY ?class ORDER BY DESC(?n) LIMIT 50"
  };
  var $ = function (id) { return document.getElementById(id); };
  function status(text, isError) {
    $("status").textContent = text;
    $("status").className = isError ? "error" : "";
  }
  function cell(term) {
    if (!term) return "";
    if (term.type === "literal" && term["xml:lang"]) return term.value + " @" + term["xml:lang"];
    return term.value;
  }
  function renderJson(data) {
    var out = $("results");
    out.textContent = "";
    if (typeof data.boolean === "boolean") { out.textContent = String(data.boolean); return; }
    var vars = data.head.vars, rows = data.results.bindings;
    var table = document.createElement("table");
    var head = table.insertRow();
    vars.forEach(function (v) { var th = document.createElement("th"); th.textContent = v; head.appendChild(th); });
    rows.forEach(function (b) {
      var tr = table.insertRow();
      vars.forEach(function (v) { tr.insertCell().textContent = cell(b[v]); });
    });
    out.appendChild(table);
    status(rows.length + " rows");
  }
  function run() {
    var accept = $("accept").value, started = Date.now();
    status("…");
    fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", "Accept": accept + ", text/turtle;q=0.5" },
      body: $("query").value
    }).then(function (r) {
      return r.text().then(function (text) { return { r: r, text: text }; });
    }).then(function (x) {
      var ms = (Date.now() - started) + " ms";
      if (!x.r.ok) {
        var msg = x.text;
        try { var e = JSON.parse(x.text); msg = e.error + ": " + e.message; } catch (ignore) {}
        $("results").textContent = "";
        status(x.r.status + " " + msg, true);
        return;
      }
      var type = x.r.headers.get("content-type") || "";
      if (type.indexOf("json") >= 0 && type.indexOf("ld+json") < 0) {
        renderJson(JSON.parse(x.text));
        status($("status").textContent + " · " + ms);
      } else {
        var pre = document.createElement("pre");
        pre.textContent = x.text;
        $("results").textContent = "";
        $("results").appendChild(pre);
        status(type + " · " + ms);
      }
    }).catch(function (err) { status(String(err), true); });
  }
  $("run").addEventListener("click", run);
  $("query").addEventListener("keydown", function (e) {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") run();
  });
  var curated = [];
  try { curated = JSON.parse($("curated-queries").textContent); } catch (ignore) {}
  if (curated.length) {
    var group = document.createElement("optgroup");
    group.label = "Atlasītie vaicājumi (queries/) / curated queries";
    curated.forEach(function (q) {
      EXAMPLES["curated:" + q.name] = q.sparql;
      var option = document.createElement("option");
      option.value = "curated:" + q.name;
      option.textContent = q.name + " — " + q.summary;
      group.appendChild(option);
    });
    $("examples").appendChild(group);
  }
  $("examples").addEventListener("change", function () {
    var name = this.value.replace(/^curated:/, "");
    $("query").value = EXAMPLES[this.value];
    document.dispatchEvent(new CustomEvent("pvkg-example", {
      detail: { name: name, query: EXAMPLES[this.value] }
    }));
  });
})();
