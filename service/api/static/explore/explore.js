// The graph explorer (docs/pages.md): reads the public API and /api/v2/explore/ of this origin.
// `/explore/?user=ID` opens on a user. #graph carries data-nodes/data-edges: what was drawn.
"use strict";
(function () {
  var PAGE = 10;
  var TOKEN_KEY = "connections-token";
  var PALETTE = ["#0b5cad", "#b5451b", "#1f6e43", "#7a3e9d", "#8a6d00", "#0f766e", "#a21caf",
    "#4b5563", "#be123c", "#1d4ed8"];
  var HOP_COLOURS = ["#b5451b", "#0b5cad", "#6b7280"];
  var state = { user: null, network: null, searchQ: "", searchOffset: 0, connOffset: 0, firstDraw: true };
  var cy = null;

  function $(id) { return document.getElementById(id); }

  function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }

  function say(text) { $("status").textContent = text || ""; }

  function ApiError(status, detail) { this.status = status; this.message = detail; }

  function api(path) {
    var headers = { Accept: "application/json" };
    if (token()) headers.Authorization = "Bearer " + token();
    return fetch(path, { headers: headers }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (body) {
        if (!resp.ok) throw new ApiError(resp.status, body.detail || ("HTTP " + resp.status));
        return body;
      });
    });
  }

  function explain(err) {
    if (!(err instanceof ApiError)) return "Something went wrong: " + err;
    if (err.status === 401) return err.message + " Sign in with a token to see this.";
    if (err.status === 404) return "No active user has that id.";
    return err.message;
  }

  function fail(err) { say(explain(err)); }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function name(user) { return user.username || ("user " + user.id); }

  // A list entry: a button that opens the user, and a line of facts beside it.
  function personItem(user, meta) {
    var li = document.createElement("li");
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = name(user);
    button.setAttribute("aria-label", "Open " + name(user) + " (id " + user.id + ")");
    button.addEventListener("click", function () { openUser(user.id, true); });
    li.appendChild(button);
    var span = document.createElement("span");
    span.className = "meta";
    span.textContent = " #" + user.id + (meta ? " · " + meta : "");
    li.appendChild(span);
    return li;
  }

  function counter(user) {
    var n = user.connections_counter;
    return n === undefined || n === null ? "" : n + (n === 1 ? " connection" : " connections");
  }

  function pager(prefix, offset, count, onMove) {
    var prev = $(prefix + "-prev"), next = $(prefix + "-next");
    prev.disabled = offset <= 0;
    next.disabled = offset + PAGE >= count;
    var last = Math.min(offset + PAGE, count);
    $(prefix + "-page").textContent = count ? (offset + 1) + "–" + last + " of " + count : "none";
    prev.onclick = function () { onMove(Math.max(0, offset - PAGE)); };
    next.onclick = function () { onMove(offset + PAGE); };
  }

  // The shareable address of a view: the user, and the second hop when it is on.
  function address(id) {
    return "/explore/?user=" + encodeURIComponent(id) + ($("second-hop").checked ? "&hops=2" : "");
  }

  // --- search ---
  function search(q, offset) {
    state.searchQ = q;
    state.searchOffset = offset;
    var url = "/api/v2/explore/users/?limit=" + PAGE + "&offset=" + offset + "&q=" + encodeURIComponent(q);
    return api(url).then(function (page) {
      say(page.count ? "" : "No user found for “" + q + "”.");
      var list = $("search-list");
      clear(list);
      page.results.forEach(function (u) { list.appendChild(personItem(u, counter(u))); });
      $("search-results").hidden = false;
      pager("search", offset, page.count, function (o) { search(q, o).catch(fail); });
    });
  }

  // --- the user ---
  function openUser(id, push) {
    id = String(id);
    state.user = id;
    state.connOffset = 0;
    if (push) history.pushState({ user: id }, "", address(id));
    say("Loading user " + id + "…");
    $("workspace").hidden = false;
    $("path-list").textContent = "";
    $("mutual-list").textContent = "";
    $("mutual-count").textContent = "";
    var card = api("/api/v2/user/" + encodeURIComponent(id) + "/");
    var drawing = drawNetwork();
    var list = loadConnections(0);
    return Promise.all([card, drawing, list]).then(function (done) {
      if (id !== state.user) return;
      showCard(done[0]);
      say("");
      loadSuggestions();
    }).catch(function (err) {
      if (id !== state.user) return;
      if (err instanceof ApiError && err.status === 404) {
        $("workspace").hidden = true;
        say("No active user has the id " + id + ".");
      } else fail(err);
    });
  }

  function showCard(user) {
    $("card-name").textContent = name(user);
    var dl = $("card-fields");
    clear(dl);
    var fields = [
      ["id", user.id], ["name", user.real_name], ["connections", user.connections_counter],
      ["requests sent", user.connection_requests_sent_counter],
      ["requests received", user.connection_requests_received_counter],
      ["your status", user.connection_status], ["location", user.location],
      ["joined", user.date_joined && user.date_joined.slice(0, 10)], ["email", user.email],
    ];
    var node = state.network && state.network.nodes[0];
    if (node && node.community_id !== null && node.community_id !== undefined) fields.push(["community", node.community_id]);
    if (node && node.pagerank !== null && node.pagerank !== undefined) fields.push(["PageRank", node.pagerank.toPrecision(3)]);
    fields.forEach(function (f) {
      if (f[1] === null || f[1] === undefined || f[1] === "") return;
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = f[0];
      dd.textContent = String(f[1]);
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
  }

  function loadConnections(offset) {
    var id = state.user;
    var url = "/api/v2/user/" + encodeURIComponent(id) + "/connections/?limit=" + PAGE + "&offset=" + offset;
    return api(url).then(function (page) {
      if (id !== state.user) return;
      state.connOffset = offset;
      var list = $("connections-list");
      clear(list);
      page.results.forEach(function (u) { list.appendChild(personItem(u, counter(u))); });
      pager("connections", offset, page.count, function (o) { loadConnections(o).catch(fail); });
    });
  }

  function loadSuggestions() {
    var box = $("suggestions");
    if (!token()) { box.hidden = true; return; }
    api("/api/v2/explore/suggestions/?limit=" + PAGE).then(function (body) {
      var list = $("suggestions-list");
      clear(list);
      body.results.forEach(function (u) {
        list.appendChild(personItem(u, u.mutual + (u.mutual === 1 ? " mutual connection" : " mutual connections")));
      });
      box.hidden = body.results.length === 0;
    }).catch(function () { box.hidden = true; });
  }

  // --- the drawing ---
  function nodeStyle(node, maxRank) {
    var colour = node.community_id !== null && node.community_id !== undefined
      ? PALETTE[Math.abs(node.community_id) % PALETTE.length] : HOP_COLOURS[node.hop || 0];
    var size = node.hop === 0 ? 34 : node.hop === 1 ? 20 : 12;
    if (node.pagerank !== null && node.pagerank !== undefined && maxRank > 0) {
      size = 10 + 40 * Math.sqrt(node.pagerank / maxRank);
    }
    return { colour: colour, size: size };
  }

  function elements(network) {
    var maxRank = 0, analytics = false;
    network.nodes.forEach(function (n) {
      if (n.pagerank !== null && n.pagerank !== undefined) maxRank = Math.max(maxRank, n.pagerank);
      if (n.community_id !== null && n.community_id !== undefined) analytics = true;
    });
    var els = network.nodes.map(function (n) {
      var s = nodeStyle(n, maxRank);
      return { group: "nodes", data: { id: String(n.id), label: n.hop <= 1 ? name(n) : "", hop: n.hop,
        colour: s.colour, size: s.size } };
    });
    network.edges.forEach(function (e) {
      els.push({ group: "edges", data: { id: e.source + "-" + e.target, source: String(e.source), target: String(e.target) } });
    });
    $("legend").textContent = (analytics ? "Colour: community; size: PageRank. " : "Colour and size: distance from the user. ")
      + network.nodes.length + " users and " + network.edges.length + " connections drawn of "
      + network.degree + " connections" + (network.truncated ? " (edges capped)" : "") + ". Select a user to re-centre.";
    return els;
  }

  function drawNetwork() {
    var id = state.user;
    var hops = $("second-hop").checked ? 2 : 1;
    var url = "/api/v2/explore/user/" + encodeURIComponent(id) + "/network/?hops=" + hops + "&limit=" + $("draw-limit").value;
    return api(url).then(function (network) {
      if (id !== state.user) return;
      state.network = network;
      render(network);
    });
  }

  function render(network) {
    var container = $("graph");
    if (cy) cy.destroy();
    cy = cytoscape({
      container: container,
      elements: elements(network),
      minZoom: 0.1,
      maxZoom: 1.5,
      style: [
        { selector: "node", style: { "background-color": "data(colour)", width: "data(size)", height: "data(size)",
          label: "data(label)", "font-size": 11, color: "#1a1a1a", "text-valign": "bottom", "text-margin-y": 3,
          "min-zoomed-font-size": 7 } },
        { selector: "edge", style: { width: 1, "line-color": "#9aa4b1", opacity: 0.7 } },
        { selector: ".path", style: { "background-color": "#c2185b", "line-color": "#c2185b", width: 4, opacity: 1,
          "border-width": 3, "border-color": "#c2185b", "z-index": 10 } },
      ],
      layout: { name: "preset" },
    });
    cy.on("tap", "node", function (evt) { openUser(evt.target.id(), true); });
    var layout = cy.layout({
      name: "concentric", animate: false, fit: true, padding: 20, minNodeSpacing: 6,
      concentric: function (n) { return 3 - n.data("hop"); }, levelWidth: function () { return 1; },
    });
    layout.one("layoutstop", function () {
      container.setAttribute("data-nodes", String(cy.nodes().length));
      container.setAttribute("data-edges", String(cy.edges().length));
      container.setAttribute("aria-label", "The network of " + name(network.nodes[0]) + ": "
        + cy.nodes().length + " users, " + cy.edges().length + " connections");
      if (state.firstDraw) {
        state.firstDraw = false;
        performance.mark("explore:first-drawing");
      }
      performance.mark("explore:drawing");
    });
    layout.run();
  }

  // --- paths and mutual connections ---
  function showPath(to) {
    var from = state.user;
    return api("/api/v2/explore/path/?from=" + encodeURIComponent(from) + "&to=" + encodeURIComponent(to)).then(function (body) {
      var list = $("path-list");
      clear(list);
      if (!body.path) { say("No path of at most 6 connections between " + from + " and " + to + "."); return; }
      say("");
      body.path.forEach(function (u) { list.appendChild(personItem(u, "")); });
      highlight(body.path);
    });
  }

  function highlight(path) {
    if (!cy) return;
    cy.elements().removeClass("path");
    var added = false;
    path.forEach(function (u, i) {
      var id = String(u.id);
      if (cy.getElementById(id).empty()) {
        added = true;
        cy.add({ group: "nodes", data: { id: id, label: name(u), hop: 3, colour: "#c2185b", size: 18 } });
      }
      cy.getElementById(id).addClass("path");
      if (i > 0) {
        var a = String(path[i - 1].id), edgeId = [a, id].sort().join("-");
        var edge = cy.edges().filter(function (e) {
          return (e.source().id() === a && e.target().id() === id) || (e.source().id() === id && e.target().id() === a);
        });
        if (edge.empty()) edge = cy.add({ group: "edges", data: { id: "path-" + edgeId, source: a, target: id } });
        edge.addClass("path");
      }
    });
    if (added) {
      cy.layout({ name: "concentric", animate: false, fit: true, padding: 20,
        concentric: function (n) { return 4 - n.data("hop"); }, levelWidth: function () { return 1; } }).run();
    }
    var container = $("graph");
    container.setAttribute("data-path", path.map(function (u) { return u.id; }).join(","));
    container.setAttribute("data-nodes", String(cy.nodes().length));
    container.setAttribute("data-edges", String(cy.edges().length));
  }

  function showMutual(other) {
    var url = "/api/v2/explore/mutual/?limit=20&a=" + encodeURIComponent(state.user) + "&b=" + encodeURIComponent(other);
    return api(url).then(function (page) {
      say("");
      $("mutual-count").textContent = page.count + (page.count === 1 ? " mutual connection" : " mutual connections")
        + (page.count > page.results.length ? " (the first " + page.results.length + " by id)" : "") + ".";
      var list = $("mutual-list");
      clear(list);
      page.results.forEach(function (u) { list.appendChild(personItem(u, counter(u))); });
    });
  }

  // --- wiring ---
  function showTokenState() {
    $("token-state").textContent = token()
      ? "Signed in with a token: requests carry it as a Bearer token."
      : "Anonymous: you see what the community shows to anyone.";
  }

  function start() {
    $("search-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var q = $("search-text").value.trim();
      if (q) search(q, 0).catch(fail);
    });
    $("path-form").addEventListener("submit", function (e) {
      e.preventDefault();
      showPath($("path-to").value.trim()).catch(fail);
    });
    $("mutual-form").addEventListener("submit", function (e) {
      e.preventDefault();
      showMutual($("mutual-with").value.trim()).catch(fail);
    });
    $("second-hop").addEventListener("change", function () {
      if (!state.user) return;
      history.replaceState({ user: state.user }, "", address(state.user));
      drawNetwork().catch(fail);
    });
    $("draw-limit").addEventListener("change", function () { if (state.user) drawNetwork().catch(fail); });
    $("token-form").addEventListener("submit", function (e) {
      e.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
      $("token").value = "";
      showTokenState();
      if (state.user) openUser(state.user, false);
    });
    $("token-clear").addEventListener("click", function () {
      sessionStorage.removeItem(TOKEN_KEY);
      showTokenState();
      if (state.user) openUser(state.user, false);
    });
    window.addEventListener("popstate", function () { route(); });
    showTokenState();
    route();
  }

  function route() {
    var params = new URLSearchParams(location.search);
    var user = params.get("user");
    $("second-hop").checked = params.get("hops") === "2";
    if (user && /^[0-9]{1,19}$/.test(user)) openUser(user, false);
    else if (user) say("“" + user + "” is not a user id.");
  }

  start();
})();
