/*
 * Times the bridge's SetValue and GetValue in the browser (docs/benchmarks.md, issue 4).
 * Loaded by scripts/bench-bridge.sh after `<origin>/runtime/bridge.js`, on a page served
 * cross-origin isolated (COOP + COEP), so performance.now() has 5 µs resolution, not 100.
 *
 * Query parameters: origin (kiroku's content origin), version (1.2 | 2004), calls (timed
 * calls per function and pass), interactions (questions the simulated course records),
 * objectives. The result is JSON in <pre id="out">.
 *
 * The course: for each question, the interaction's id, type, timestamp, response, result,
 * latency, weighting, description (2004) and one objective id; then location, a ~4 KB
 * suspend_data, score, progress and session_time; then the objectives' ids, scores and
 * statuses. The list is replayed until `calls` calls were made (a replay overwrites
 * values with equal ones, as content does, so the data keeps its size).
 */
(function () {
  "use strict";
  var q = new URLSearchParams(location.search);
  var origin = q.get("origin");
  var version = q.get("version") || "2004";
  var calls = Number(q.get("calls") || 20000);
  var questions = Number(q.get("interactions") || 50);
  var objectives = Number(q.get("objectives") || 10);
  var BATCH = 100;
  var v12 = version === "1.2";
  var out = document.getElementById("out");

  function getJsonSync(url) {
    var x = new XMLHttpRequest();
    x.open("GET", url, false);
    x.send();
    if (x.status !== 200) throw new Error("GET " + url + ": " + x.status);
    return JSON.parse(x.responseText);
  }

  function suspendData(i) {
    var s = "v1|page=" + i + "|";
    while (s.length < 4000) s += "q" + s.length + "=a;";
    return s.slice(0, 4000);
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  var TYPES_12 = [["choice", "a,c"], ["true-false", "t"], ["numeric", "42"], ["fill-in", "blue"], ["likert", "4"]];
  var TYPES_2004 = [["choice", "a[,]c"], ["true-false", "true"], ["numeric", "42"], ["fill-in", "blue"], ["likert", "agree"], ["sequencing", "s1[,]s2[,]s3"]];

  function setList() {
    var sets = [];
    var i, t, s = function (n, val) {
      sets.push([n, val]);
    };
    for (i = 0; i < questions; i++) {
      var p = "cmi.interactions." + i + ".";
      var clock = "10:" + pad(Math.floor(i / 60) % 60) + ":" + pad(i % 60);
      if (v12) {
        t = TYPES_12[i % TYPES_12.length];
        s(p + "id", "q" + i);
        s(p + "type", t[0]);
        s(p + "time", clock);
        s(p + "student_response", t[1]);
        s(p + "result", i % 3 ? "correct" : "wrong");
        s(p + "latency", "00:00:12.5");
        s(p + "weighting", "1");
        s(p + "objectives.0.id", "obj" + (i % objectives));
        s("cmi.core.lesson_location", "page-" + i);
        s("cmi.suspend_data", suspendData(i));
        s("cmi.core.score.raw", String(Math.round((100 * i) / questions)));
        s("cmi.core.lesson_status", "incomplete");
        s("cmi.core.session_time", "00:" + pad(Math.floor(i / 60) % 60) + ":" + pad(i % 60));
      } else {
        t = TYPES_2004[i % TYPES_2004.length];
        s(p + "id", "urn:x-bench:quiz1:q" + i);
        s(p + "type", t[0]);
        s(p + "timestamp", "2026-11-25T" + clock + ".5Z");
        s(p + "learner_response", t[1]);
        s(p + "result", i % 3 ? "correct" : "incorrect");
        s(p + "latency", "PT12.5S");
        s(p + "weighting", "1");
        s(p + "description", "{lang=en}Question " + i);
        s(p + "objectives.0.id", "obj" + (i % objectives));
        s("cmi.location", "page-" + i);
        s("cmi.suspend_data", suspendData(i));
        s("cmi.score.scaled", (i / questions).toFixed(2));
        s("cmi.progress_measure", (i / questions).toFixed(2));
        s("cmi.completion_status", "incomplete");
        s("cmi.session_time", "PT" + Math.floor(i / 60) + "M" + (i % 60) + "S");
      }
    }
    for (i = 0; i < objectives; i++) {
      var o = "cmi.objectives." + i + ".";
      s(o + "id", "obj" + i);
      if (v12) {
        s(o + "score.raw", "80");
        s(o + "status", "passed");
      } else {
        s(o + "score.scaled", "0.8");
        s(o + "success_status", "passed");
        s(o + "completion_status", "completed");
      }
    }
    return sets;
  }

  function getList() {
    var names = v12
      ? ["cmi.core.lesson_location", "cmi.suspend_data", "cmi.core.score.raw", "cmi.core.student_id", "cmi.core.student_name", "cmi.core.entry",
         "cmi.core.credit", "cmi.core.lesson_status", "cmi.core.lesson_mode", "cmi.core.total_time", "cmi.launch_data", "cmi.student_data.mastery_score",
         "cmi.interactions._count", "cmi.objectives._count", "cmi.core._children", "cmi._version"]
      : ["cmi.location", "cmi.suspend_data", "cmi.score.scaled", "cmi.learner_id", "cmi.learner_name", "cmi.entry", "cmi.credit", "cmi.mode",
         "cmi.completion_status", "cmi.success_status", "cmi.total_time", "cmi.launch_data", "cmi.completion_threshold", "cmi.progress_measure",
         "cmi.interactions._count", "cmi.objectives._count", "cmi._version", "cmi.score._children"];
    for (var i = 0; i < objectives; i++) {
      var o = "cmi.objectives." + i + ".";
      names.push(o + "id", v12 ? o + "score.raw" : o + "score.scaled", v12 ? o + "status" : o + "success_status");
    }
    for (i = 0; i < questions; i += 5) {
      var p = "cmi.interactions." + i + ".";
      names.push(p + "objectives._count");
      // SCORM 1.2 interactions are write-only.
      if (!v12) names.push(p + "id", p + "type", p + "learner_response", p + "result", p + "timestamp");
    }
    return names;
  }

  function initialData() {
    return v12
      ? {"cmi.core.student_id": "ann", "cmi.core.student_name": "Lee, Ann", "cmi.core.credit": "credit", "cmi.core.lesson_mode": "normal",
         "cmi.core.entry": "ab-initio", "cmi.core.total_time": "0000:00:00", "cmi.core.lesson_status": "not attempted",
         "cmi.launch_data": "chapter=1", "cmi.student_data.mastery_score": "80"}
      : {"cmi.learner_id": "ann", "cmi.learner_name": "Ann Lee", "cmi.credit": "credit", "cmi.mode": "normal", "cmi.entry": "ab-initio",
         "cmi.total_time": "PT0S", "cmi.completion_status": "unknown", "cmi.success_status": "unknown", "cmi.launch_data": "chapter=1",
         "cmi.completion_threshold": "0.8", "cmi.scaled_passing_score": "0.7"};
  }

  function stats(xs) {
    var s = xs.slice().sort(function (a, b) {
      return a - b;
    });
    var at = function (p) {
      return s[Math.min(s.length - 1, Math.round((s.length - 1) * p))];
    };
    return { p50: at(0.5), p99: at(0.99), p999: at(0.999), max: s[s.length - 1] };
  }

  // `calls` calls of `one(k)` in batches of 100: µs per call (mean) and per-batch figures.
  function batches(one) {
    var per = [];
    var k = 0;
    var total = 0;
    for (var b = 0; b < calls / BATCH; b++) {
      var t0 = performance.now();
      for (var j = 0; j < BATCH; j++) one(k++);
      var dt = performance.now() - t0;
      total += dt;
      per.push((dt * 1000) / BATCH);
    }
    var st = stats(per);
    return { mean_us: (total * 1000) / k, batch_p50_us: st.p50, batch_p99_us: st.p99, batch_max_us: st.max };
  }

  // `calls` calls each timed alone (5 µs resolution).
  function single(one) {
    var each = [];
    for (var k = 0; k < calls; k++) {
      var t0 = performance.now();
      one(k);
      each.push((performance.now() - t0) * 1000);
    }
    var st = stats(each);
    return { call_p50_us: st.p50, call_p99_us: st.p99, call_p999_us: st.p999, call_max_us: st.max };
  }

  function merge(a, b) {
    for (var k in b) a[k] = b[k];
    return a;
  }

  function run(bridge) {
    var api = v12 ? window.API : window.API_1484_11;
    var set = v12 ? api.LMSSetValue : api.SetValue;
    var get = v12 ? api.LMSGetValue : api.GetValue;
    var lastError = v12 ? api.LMSGetLastError : api.GetLastError;
    (v12 ? api.LMSInitialize : api.Initialize)("");
    var sets = setList();
    var gets = getList();
    // One untimed pass of each list checks every call succeeds (and warms the JIT up).
    var refused = [];
    sets.forEach(function (sv) {
      if (set(sv[0], sv[1]) !== "true") refused.push(sv[0] + ": " + lastError() + " " + bridge.diagnostic);
    });
    gets.forEach(function (n) {
      get(n);
      if (lastError() !== "0") refused.push(n + ": " + lastError() + " " + bridge.diagnostic);
    });
    var failed = 0;
    var doSet = function (k) {
      var sv = sets[k % sets.length];
      if (set(sv[0], sv[1]) !== "true") failed++;
    };
    var sink = 0;
    var doGet = function (k) {
      sink += get(gets[k % gets.length]).length;
    };
    var result = {
      version: version,
      calls: calls,
      interactions: questions,
      objectives: objectives,
      set_list: sets.length,
      get_list: gets.length,
      refused: refused.slice(0, 5),
      isolated: self.crossOriginIsolated,
      userAgent: navigator.userAgent,
      set: merge(batches(doSet), single(doSet)),
      get: merge(batches(doGet), single(doGet)),
      failed_sets: failed,
      data_keys: Object.keys(bridge.data).length,
      commit_fetches: fetches,
      sink: sink,
    };
    out.textContent = JSON.stringify(result);
  }

  // No commit is made, but should anything call fetch, it never reaches the network.
  var fetches = 0;
  window.fetch = function () {
    fetches++;
    return Promise.resolve(new Response('{"status":"stored","seq":2,"state":"active"}', { status: 200 }));
  };
  try {
    var model = getJsonSync(origin + "/runtime/model/" + version + ".json");
    var opts = {
      runtimeUrl: origin + "/runtime/bench",
      item: "sco-1",
      attempt: { version: version, attempt: 1, seq: 1, data: initialData() },
      model: model,
    };
    window.KirokuBridge.install(window, opts).then(run).catch(function (e) {
      out.textContent = JSON.stringify({ error: String(e && e.stack ? e.stack : e) });
    });
  } catch (e) {
    out.textContent = JSON.stringify({ error: String(e && e.stack ? e.stack : e) });
  }
})();
