// The learner's player (`player.html`): every text it shows is a catalog message in the
// page's language, handed to it in the JSON block #i18n (`player-js-*`, placeables
// written `{$name}`); nothing learner-facing is written here.
(function () {
  "use strict";
  // A cmi5 AU that ends in the player's frame loads its returnURL (this page) there:
  // hand back to the player around it instead of nesting a second player.
  if (window.parent !== window) {
    try {
      if (window.parent.location.origin === location.origin) {
        window.parent.postMessage({ kiroku: "au-returned" }, location.origin);
        document.body.hidden = true;
        return;
      }
    } catch (e) { /* another origin's frame: run as a player */ }
  }
  var I = JSON.parse(document.getElementById("i18n").textContent);
  // A catalog message with its placeables filled; an unknown id falls back to `fallback`.
  function tr(id, args, fallback) {
    var text = I.messages["player-js-" + id];
    if (text === undefined) return fallback === undefined ? id : fallback;
    return text.replace(/\{\$([a-z]+)\}/g, function (_, name) {
      return args && args[name] !== undefined ? String(args[name]) : "";
    });
  }
  var grant = location.pathname.split("/")[2];
  var runtimeUrl = location.origin + "/runtime/" + grant;
  // The course view, in the page's language (its titles, the maintenance window): sent
  // without cookies, so the language goes as Accept-Language.
  function fetchCourse() {
    return fetch(runtimeUrl + "/-/course", { credentials: "omit", headers: { "Accept-Language": I.lang } });
  }
  var $ = function (id) { return document.getElementById(id); };
  var frame = $("sco");
  var course = null;
  var flat = [];
  var current = null;
  var bridge = null;
  var busy = false;
  var buttons = { previous: $("previous"), next: $("next"), suspend: $("suspend"), exit: $("exit") };

  function say(text) {
    var m = $("message");
    m.textContent = text || "";
    m.hidden = !text;
  }

  function delay(ms) {
    return new Promise(function (r) { setTimeout(r, ms); });
  }

  // An item's status (SCORM's vocabulary, or cmi5's) as the catalog words it.
  function statusText(s) {
    if (!s) return "";
    var key = String(s).replace(/[_ ]/g, "-");
    return tr("status-" + key, null, String(s).replace(/[_-]/g, " "));
  }
  // A refusal from the server: its `reason` (a launch refusal) or `rule` (a navigation
  // request) names the catalog message; an unknown one gets `fallback`.
  function refusalText(e, fallback) {
    if (!e || typeof e !== "object") return tr(fallback);
    if (e.reason) return tr("refusal-" + String(e.reason).replace(/_/g, "-"), null, tr(fallback));
    if (e.rule && /^[A-Z]{2}\.[0-9.]+-[0-9]+$/.test(e.rule)) return tr("nav-sequencing", { code: e.rule });
    if (e.rule) return tr("nav-" + String(e.rule).replace(/_/g, "-"), null, tr(fallback));
    return tr(fallback);
  }

  function buildToc(items, into) {
    items.forEach(function (it) {
      if (it.launchable) flat.push(it);
      if (!it.visible) return;
      var li = document.createElement("li");
      if (it.launchable) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "item";
        b.dataset.item = it.id;
        var t = document.createElement("span");
        t.className = "title";
        t.textContent = it.title;
        var s = document.createElement("span");
        s.className = "status";
        s.textContent = statusText(it.status);
        b.appendChild(t);
        b.appendChild(s);
        b.addEventListener("click", function () {
          if (course && course.kind === "cmi5") return launchAu(it);
          if (current && current.id === it.id && bridge) return;
          request("choice", it.id);
        });
        li.appendChild(b);
      } else {
        var g = document.createElement("span");
        g.className = "group";
        g.textContent = it.title;
        li.appendChild(g);
      }
      if (it.items && it.items.length) {
        var ul = document.createElement("ul");
        buildToc(it.items, ul);
        li.appendChild(ul);
      } else if (!it.launchable) {
        li.hidden = true;
      }
      into.appendChild(li);
    });
  }

  var valid = null;
  function byId(id) {
    return flat.filter(function (it) { return it.id === id; })[0];
  }
  function markCurrent() {
    var list = document.querySelectorAll("#toc-list button.item");
    for (var i = 0; i < list.length; i++) {
      var id = list[i].dataset.item;
      if (current && id === current.id) list[i].setAttribute("aria-current", "page");
      else list[i].removeAttribute("aria-current");
      list[i].disabled = !!(valid && valid.choice && valid.choice.indexOf(id) < 0);
    }
    if (course && course.kind === "cmi5") return;
    var hide = current ? current.hideLMSUI || [] : [];
    buttons.previous.hidden = hide.indexOf("previous") >= 0;
    buttons.next.hidden = hide.indexOf("continue") >= 0;
    buttons.exit.hidden = hide.indexOf("exit") >= 0 || hide.indexOf("exitAll") >= 0;
    buttons.suspend.hidden = hide.indexOf("suspendAll") >= 0;
    buttons.previous.disabled = !(current && valid && valid.previous);
    buttons.next.disabled = !(current && valid && valid["continue"]);
    buttons.suspend.disabled = !current;
    buttons.exit.disabled = !current;
  }
  function refreshStatuses() {
    fetchCourse()
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (c) {
        if (!c) return;
        var walk = function (items) {
          items.forEach(function (it) {
            var b = document.querySelector('#toc-list button.item[data-item="' + CSS.escape(it.id) + '"] .status');
            if (b) b.textContent = statusText(it.status);
            walk(it.items || []);
          });
        };
        walk(c.items);
      })
      .catch(function () {});
  }

  // Unloads the SCO shown (its unload handler calls Terminate/LMSFinish; whatever is
  // still unsent goes with the bridge's beacon) and waits for the bridge to settle.
  function unload() {
    var b = bridge;
    bridge = null;
    return new Promise(function (resolve) {
      if (frame.getAttribute("src") === "about:blank") return resolve();
      frame.addEventListener("load", function once() {
        frame.removeEventListener("load", once);
        resolve();
      });
      frame.setAttribute("src", "about:blank");
    }).then(function () {
      delete window.API;
      delete window.API_1484_11;
      if (!b) return;
      if (!b.finished && b.log.length) b.beacon();
      return Promise.race([b.settled(), delay(3000)]);
    }).then(function () {
      refreshStatuses();
    });
  }

  // The SCO shown ends its session before a request is decided (as SCORM has it: its
  // data is final when sequencing reads it); for suspendAll it exits with "suspend".
  function leave(req) {
    var b = bridge;
    if (req === "suspendAll" && b && b.state === "running") {
      var api = window.API_1484_11 || window.API;
      if (b.version === "1.2") api.LMSSetValue("cmi.core.exit", "suspend");
      else api.SetValue("cmi.exit", "suspend");
    }
    return unload();
  }
  // Every navigation goes through the server (`/-/nav`), which runs the course's
  // sequencing (SCORM 2004) or lets the learner move freely (SCORM 1.2).
  function request(req, target) {
    if (busy) return Promise.resolve();
    busy = true;
    say("");
    var body = { request: req };
    if (target) body.target = target;
    if (current) body.current = current.id;
    return leave(req)
      .then(function () {
        return fetch(runtimeUrl + "/-/nav", {
          method: "POST",
          credentials: "omit",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body)
        });
      })
      .then(function (r) {
        return r.json().then(function (j) { return { status: r.status, json: j }; });
      })
      .then(function (a) {
        if (a.status !== 200) {
          say(refusalText(a.json && a.json.error, "not-possible"));
          return;
        }
        if (a.json.deliver) return open(byId(a.json.deliver.id) || a.json.deliver, a.json.valid);
        if (a.json.choose) {
          current = null;
          valid = a.json.valid || null;
          delete document.body.dataset.item;
          markCurrent();
          say(tr("choose-next"));
          return;
        }
        return finish(a.json.end === "suspended");
      })
      .catch(function (e) { say(tr("nav-failed", { error: e.message })); })
      .then(function () { busy = false; });
  }
  function open(item, nextValid) {
    return unload()
      .then(function () {
        current = item;
        valid = nextValid || null;
        markCurrent();
        return KirokuBridge.install(window, { runtimeUrl: runtimeUrl, item: item.id, onRefusal: refused });
      })
      .then(function (b) {
        bridge = b;
        if (b.version === "2004") watchNavRequest(b, window.API_1484_11);
        document.body.dataset.item = item.id;
        frame.setAttribute("src", item.url);
      })
      .catch(function (e) {
        if (e.reason) refused(e);
        else say(tr("item-failed", { error: e.message }));
      });
  }
  // The server refused this launch (the learner ID is in use in another browser, a newer
  // launch ended this one, the learner was removed): say why and stop.
  function refused(e) {
    document.body.dataset.refused = e.reason;
    frame.setAttribute("src", "about:blank");
    say(refusalText(e, "refused"));
  }
  // SCORM 2004: a SCO may ask for navigation by setting `adl.nav.request` before it
  // terminates; the request goes to the server like the player's own.
  function watchNavRequest(b, api) {
    var terminate = api.Terminate;
    api.Terminate = function (arg) {
      var result = terminate(arg);
      var req = b.data["adl.nav.request"];
      if (b.state === "terminated" && req && req !== "_none_") {
        setTimeout(function () { request(req); }, 0);
      }
      return result;
    };
  }
  // cmi5: each AU talks to the LRS itself; the server starts its session and answers its
  // URL. AnyWindow AUs open in the frame, OwnWindow AUs in the whole window; both come
  // back to this page (their returnURL).
  function launchAu(it) {
    if (busy) return Promise.resolve();
    busy = true;
    say("");
    return fetch(runtimeUrl + "/-/cmi5", {
      method: "POST",
      credentials: "omit",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ au: it.id })
    })
      .then(function (r) {
        return r.json().then(function (j) { return { status: r.status, json: j }; });
      })
      .then(function (a) {
        if (a.status !== 200) {
          say(refusalText(a.json && a.json.error, "activity-failed"));
          return;
        }
        if (a.json.launchMethod === "OwnWindow") {
          location.assign(a.json.url);
          return;
        }
        current = it;
        document.body.dataset.item = it.id;
        markCurrent();
        frame.setAttribute("src", a.json.url);
      })
      .catch(function (e) { say(tr("activity-failed-why", { error: e.message })); })
      .then(function () { busy = false; });
  }
  window.addEventListener("message", function (ev) {
    if (ev.origin !== location.origin || !ev.data || ev.data.kiroku !== "au-returned") return;
    frame.setAttribute("src", "about:blank");
    current = null;
    delete document.body.dataset.item;
    markCurrent();
    refreshStatuses();
    say(tr("activity-ended"));
  });
  function startCmi5(c) {
    document.body.dataset.kind = "cmi5";
    ["previous", "next", "suspend", "exit"].forEach(function (b) { buttons[b].hidden = true; });
    var want = new URLSearchParams(location.search).get("item");
    var first = flat[0];
    var fresh = flat.every(function (it) { return it.status === "not attempted"; });
    if (!flat.length) say(tr("nothing"));
    else if (want && byId(want)) launchAu(byId(want));
    else if (fresh && first.launchMethod !== "OwnWindow") launchAu(first);
    else say(c.satisfied ? tr("completed") : tr("choose-activity"));
  }
  // The session ends: suspended (the next launch resumes here) or exited.
  function finish(suspend) {
    return unload().then(function () {
      current = null;
      valid = null;
      delete document.body.dataset.item;
      markCurrent();
      say(suspend ? tr("saved") : tr("left"));
    });
  }
  // Closing the page midway keeps the learner's place: the next launch resumes this item
  // (the SCO's own data goes with its bridge's beacon).
  window.addEventListener("pagehide", function () {
    if (!current || !navigator.sendBeacon || (course && course.kind === "cmi5")) return;
    var body = JSON.stringify({ request: "suspendAll", current: current.id });
    navigator.sendBeacon(runtimeUrl + "/-/nav", new Blob([body], { type: "text/plain;charset=UTF-8" }));
  });
  buttons.previous.addEventListener("click", function () { request("previous"); });
  buttons.next.addEventListener("click", function () { request("continue"); });
  buttons.suspend.addEventListener("click", function () { request("suspendAll"); });
  buttons.exit.addEventListener("click", function () { request("exitAll"); });
  $("toggle-toc").addEventListener("click", function () {
    var toc = $("toc");
    toc.hidden = !toc.hidden;
    this.setAttribute("aria-expanded", String(!toc.hidden));
  });
  // The language control: the choice is kept in a cookie on this origin (read by the
  // server with the browser's Accept-Language after it) and the page reloads in it; the
  // SCO's place is kept as on any page hide (suspendAll, then resumeAll).
  $("player-lang").addEventListener("change", function () {
    document.cookie = "kiroku_lang=" + encodeURIComponent(this.value) + "; Path=/; Max-Age=31536000; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
    location.reload();
  });
  if (window.matchMedia && window.matchMedia("(max-width: 40rem)").matches) {
    $("toc").hidden = true;
    $("toggle-toc").setAttribute("aria-expanded", "false");
  }

  // The maintenance notice addressed to the learner's tenant, while its window is open
  // or starts within the hour (the server decides, and writes the window in the page's
  // language).
  function showMaintenance(m) {
    if (!m) return;
    $("maintenance-window").textContent = m.window;
    $("maintenance-title").textContent = m.title;
    $("maintenance-text").textContent = m.body;
    $("maintenance").hidden = false;
  }

  fetchCourse()
    .then(function (r) {
      if (!r.ok) return r.json().catch(function () { return {}; }).then(function (b) {
        var e = new Error(String(r.status));
        e.refusal = b && b.error;
        throw e;
      });
      return r.json();
    })
    .then(function (c) {
      course = c;
      showMaintenance(c.maintenance);
      $("preview-note").hidden = !c.preview;
      document.title = c.title;
      $("course-title").textContent = c.title;
      if (c.organization) $("org-title").textContent = c.organization;
      buildToc(c.items, $("toc-list"));
      if (c.kind === "cmi5") return startCmi5(c);
      var want = new URLSearchParams(location.search).get("item");
      markCurrent();
      if (!flat.length) say(tr("nothing"));
      else if (want) request("choice", want);
      else if (c.suspendedItem) request("resumeAll");
      else request("start");
    })
    .catch(function (e) {
      say(e.refusal && (e.refusal.reason || e.refusal.rule) ? refusalText(e.refusal, "refused")
                                                          : tr("load-failed", { error: e.message }));
      markCurrent();
    });
})();
