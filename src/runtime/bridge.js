/*
 * kiroku's SCORM run-time API bridge: plain JavaScript, no build step, no dependencies.
 *
 *   KirokuBridge.install(window, {runtimeUrl, item, model, attempt}) -> Promise<bridge>
 *
 * `runtimeUrl` is `<content origin>/runtime/<grant>`; `item` the SCO's item id. `model`
 * (optional) is the data-model table the server serves at `/runtime/model/<version>.json`,
 * `attempt` (optional) the answer of `GET <runtimeUrl>/<item>`; whatever is missing is
 * fetched. Once both are there the bridge puts `window.API` (SCORM 1.2) or
 * `window.API_1484_11` (SCORM 2004) on the given window and resolves.
 *
 * Checks done here, in the browser, from the model the server hands out (the same Rust
 * tables the server enforces): the API state machine and its codes; element names
 * (undefined, `_children`, `_count`, `_version`, keywords), access (read-only,
 * write-only), collection indices against `_count`, set-before dependencies, maximum
 * lengths (SPM, with the lenient 1.2 `suspend_data` maximum), vocabularies and the
 * vocabulary values content may not set, decimals and their ranges, integers, 1.2
 * CMITime/CMITimespan, 2004 time and timeinterval, identifiers and long identifiers
 * (URNs), language tags, localized strings with `{lang=…}`, `adl.nav.request`, unique
 * objective ids, ids that never change, the number of correct-response patterns, and
 * interaction responses of types true-false, choice, sequencing, likert, numeric
 * (learner response) and other.
 *
 * Checked only on the server (at commit; a refused set is dropped from the pending sets
 * and reported through `bridge.serverErrors` and the console): responses and patterns of
 * fill-in, long-fill-in, matching, performance and numeric ranges; the exact Unicode
 * definition of white space in identifiers (the browser uses JavaScript's `\s`); the
 * number of SCORM 2004 objectives (`MAX_OBJECTIVES` in datamodel/check.rs: 1000, and 100
 * per interaction).
 *
 * Commit path: every SetValue that succeeds is appended to a log of sets the server has
 * not acknowledged. Initialize sends one commit at once, so that the server records
 * `initialized` when the SCO calls it (a commit can only follow Initialize).
 * Commit/Terminate POST `{attempt, seq, sets, terminate}` with
 * `fetch({keepalive: true})`; each new send takes a new sequence number and carries every
 * unacknowledged set (sets are absolute values, so applying one twice is harmless); a
 * network failure or 5xx is retried with backoff with the same body (same seq). When the
 * page is hidden or unloads, the unacknowledged sets go with `navigator.sendBeacon`
 * (text/plain JSON). Nothing leaves the log until the server acknowledges a send that
 * carried it.
 */
(function (root) {
  "use strict";

  var KEYWORDS = ["_children", "_count", "_version"];

  // ---- value checks (a port of src/runtime/datamodel/values.rs) -------------------------

  var TYPE = "type";
  var RANGE = "range";

  function length(value) {
    var n = 0;
    for (var i = 0; i < value.length; i++) {
      var c = value.charCodeAt(i);
      if (c < 0xdc00 || c > 0xdfff) n++;
    }
    return n;
  }

  function maxLen(value, spm) {
    return value.length <= spm || length(value) <= spm ? null : TYPE;
  }

  function allDigits(s) {
    return /^[0-9]*$/.test(s);
  }

  function real(value, min, max) {
    var m = /^-?([0-9]*)(\.([0-9]*))?$/.exec(value);
    if (!m) return TYPE;
    var hasFrac = m[2] !== undefined;
    var frac = m[3] || "";
    if ((m[1] === "" && frac === "") || (hasFrac && frac === "")) return TYPE;
    var n = Number(value);
    if (isNaN(n)) return TYPE;
    if ((min !== null && min !== undefined && n < min) || (max !== null && max !== undefined && n > max)) return RANGE;
    return null;
  }

  function integer(value, min, max) {
    if (!/^-?[0-9]+$/.test(value)) return TYPE;
    var n = Number(value);
    return n < min || n > max ? RANGE : null;
  }

  function noSpace(value) {
    return value !== "" && !/[\s\u0000-\u001f\u007f-\u009f]/.test(value);
  }

  function identifier(value, spm) {
    return noSpace(value) ? maxLen(value, spm) : TYPE;
  }

  function longIdentifier(value, spm) {
    if (!noSpace(value)) return TYPE;
    if (maxLen(value, spm)) return TYPE;
    if (value.length >= 4 && value.slice(0, 4).toLowerCase() === "urn:") {
      var rest = value.slice(4);
      var colon = rest.indexOf(":");
      if (colon < 0) return TYPE;
      var nid = rest.slice(0, colon);
      var nss = rest.slice(colon + 1);
      var ok = nid !== "" && nid.length <= 32 && /^[A-Za-z0-9-]+$/.test(nid) && nid[0] !== "-" && nss !== "";
      return ok ? null : TYPE;
    }
    return null;
  }

  function shortIdentifier(value) {
    if (value.indexOf("[") >= 0 || value.indexOf("]") >= 0) return TYPE;
    return longIdentifier(value, 250);
  }

  function languageTag(tag) {
    var parts = tag.split("-");
    if (!/^[A-Za-z]{1,3}$/.test(parts[0])) return false;
    for (var i = 1; i < parts.length; i++) {
      if (!/^[A-Za-z0-9]{1,8}$/.test(parts[i])) return false;
    }
    return true;
  }

  // `{name=value}rest` -> [value, rest], or null.
  function delimiter(value, name) {
    var open = "{" + name + "=";
    if (value.slice(0, open.length) !== open) return null;
    var rest = value.slice(open.length);
    var close = rest.indexOf("}");
    return close < 0 ? null : [rest.slice(0, close), rest.slice(close + 1)];
  }

  function localized(value, spm) {
    var d = delimiter(value, "lang");
    if (d) return languageTag(d[0]) ? maxLen(d[1], spm) : TYPE;
    if (value.slice(0, 6) === "{lang=") return TYPE;
    return maxLen(value, spm);
  }

  // 1.2 CMITime / CMITimespan: H…:MM:SS[.S[S]].
  function clock(value, hmin, hmax, hoursMax) {
    var re = new RegExp("^([0-9]{" + hmin + "," + hmax + "}):([0-9]{2}):([0-9]{2})(\\.[0-9]{1,2})?$");
    var m = re.exec(value);
    if (!m) return TYPE;
    return Number(m[1]) <= hoursMax && Number(m[2]) <= 59 && Number(m[3]) <= 59 ? null : TYPE;
  }

  function daysInMonth(year, month) {
    if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
    return [4, 6, 9, 11].indexOf(month) >= 0 ? 30 : 31;
  }

  // 2004 time(second,10,2): YYYY[-MM[-DD[Thh[:mm[:ss[.s[TZD]]]]]]], years 1970-2038, a
  // day that exists in its month, and a time zone only after fractional seconds.
  function time(value) {
    var m = /^([0-9]{4})/.exec(value);
    if (!m) return TYPE;
    var year = Number(m[1]);
    if (year < 1970 || year > 2038) return TYPE;
    var rest = value.slice(4);
    var fields = [["-", 1, 12], ["-", 1, 31], ["T", 0, 23], [":", 0, 59], [":", 0, 59]];
    var parts = [];
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (rest.slice(0, 1) !== f[0]) break;
      var d = /^([0-9]{2})/.exec(rest.slice(1));
      if (!d || /^[0-9]{3}/.test(rest.slice(1))) return TYPE;
      var n = Number(d[1]);
      if (n < f[1] || n > f[2]) return TYPE;
      parts.push(n);
      rest = rest.slice(3);
    }
    if (parts.length >= 2 && parts[1] > daysInMonth(year, parts[0])) return TYPE;
    if (parts.length === fields.length && rest[0] === ".") {
      var frac = /^\.([0-9]{1,2})(?![0-9])/.exec(rest);
      if (!frac) return TYPE;
      return timeZone(rest.slice(frac[0].length));
    }
    return rest === "" ? null : TYPE;
  }

  function timeZone(rest) {
    if (rest === "" || rest === "Z") return null;
    var tz = /^[+-]([0-9]{2})(:([0-9]{2}))?$/.exec(rest);
    if (!tz) return TYPE;
    return Number(tz[1]) <= 23 && (tz[3] === undefined || Number(tz[3]) <= 59) ? null : TYPE;
  }

  // 2004 timeinterval(second,10,2): P[nY][nM][nD][T[nH][nM][n[.n[n]]S]].
  function timeInterval(value) {
    var m = /^P(?:([0-9]{1,10})Y)?(?:([0-9]{1,10})M)?(?:([0-9]{1,10})D)?(T(?:([0-9]{1,10})H)?(?:([0-9]{1,10})M)?(?:([0-9]{1,10}(?:\.[0-9]{1,2})?)S)?)?$/.exec(value);
    if (!m) return TYPE;
    var date = m[1] !== undefined || m[2] !== undefined || m[3] !== undefined;
    var clockParts = m[5] !== undefined || m[6] !== undefined || m[7] !== undefined;
    if (m[4] !== undefined && !clockParts) return TYPE;
    return date || clockParts ? null : TYPE;
  }

  function navRequest(value, navRequests) {
    if (navRequests.indexOf(value) >= 0) return null;
    var d = delimiter(value, "target");
    if (d && (d[1] === "choice" || d[1] === "jump")) return longIdentifier(d[0], 4000);
    return TYPE;
  }

  var NAV_REQUESTS = ["continue", "previous", "exit", "exitAll", "abandon", "abandonAll", "suspendAll", "_none_"];

  function checkType(ty, value, spm) {
    switch (ty.type) {
      case "keyword":
        return TYPE;
      case "char_string":
      case "cmi_feedback":
        return maxLen(value, spm);
      case "localized_string":
        return localized(value, spm);
      case "long_identifier":
        return longIdentifier(value, spm);
      case "identifier":
        return identifier(value, spm);
      case "language":
        return value === "" || languageTag(value) ? maxLen(value, spm) : TYPE;
      case "real":
        return ty.blank && value === "" ? null : real(value, ty.min, ty.max);
      case "integer":
        return integer(value, ty.min, ty.max);
      case "vocabulary":
        return ty.values.indexOf(value) >= 0 ? null : TYPE;
      case "vocabulary_or_real":
        return ty.values.indexOf(value) >= 0 ? null : real(value, null, null);
      case "cmi_time":
        return clock(value, 2, 2, 23);
      case "cmi_timespan":
        return clock(value, 2, 4, 9999);
      case "time":
        return time(value);
      case "time_interval":
        return timeInterval(value);
      case "nav_request":
        return navRequest(value, NAV_REQUESTS);
      default:
        return null; // unknown to this bridge: the server decides at commit
    }
  }

  // Interaction responses (a part of responses.rs); the other types are left to the server.
  function checkResponse(kind, value, pattern) {
    var ids, i;
    switch (kind) {
      case "true-false":
        return value === "true" || value === "false" ? null : TYPE;
      case "choice":
      case "sequencing":
        if (value === "") return kind === "choice" ? null : TYPE;
        ids = value.split("[,]");
        for (i = 0; i < ids.length; i++) {
          if (shortIdentifier(ids[i])) return TYPE;
          if (kind === "choice" && ids.indexOf(ids[i]) < i) return TYPE;
        }
        return null;
      case "likert":
        return shortIdentifier(value);
      case "numeric":
        return pattern ? null : real(value, null, null);
      case "other":
        return maxLen(value, 4000);
      case "fill-in":
      case "long-fill-in":
      case "matching":
      case "performance":
        return null; // checked by the server at commit
      default:
        return TYPE;
    }
  }

  // ---- the data model (a port of src/runtime/datamodel/check.rs) -------------------------

  function Model(table) {
    this.version = table.version;
    this.codes = table.codes;
    this.errors = table.errors;
    this.interactionTypes = table.interaction_types || [];
    this.notSettable = table.not_settable || [];
    this.byName = {};
    this.prefixes = {};
    this.models = {};
    for (var i = 0; i < table.elements.length; i++) {
      var e = table.elements[i];
      this.byName[e.name] = e;
      this.models[e.name.split(".")[0]] = true;
      var parts = e.name.split(".");
      for (var k = 1; k <= parts.length; k++) this.prefixes[parts.slice(0, k).join(".")] = true;
    }
  }

  function Refusal(code, diagnostic) {
    this.code = code;
    this.diagnostic = diagnostic;
  }

  // [pattern, indices] or null.
  Model.prototype.normalize = function (name) {
    var kinds = ["choice", "jump"];
    for (var k = 0; k < kinds.length; k++) {
      var prefix = "adl.nav.request_valid." + kinds[k] + ".";
      if (name.slice(0, prefix.length) === prefix) {
        var d = delimiter(name.slice(prefix.length), "target");
        var ok = d && d[1] === "" && !longIdentifier(d[0], 4000);
        return ok ? [prefix + "{target=}", []] : null;
      }
    }
    var indices = [];
    var segments = name.split(".");
    for (var i = 0; i < segments.length; i++) {
      var s = segments[i];
      if (s !== "" && allDigits(s)) {
        if (s.length > 1 && s[0] === "0") return null;
        indices.push(Number(s));
        segments[i] = "n";
      }
    }
    return [segments.join("."), indices];
  };

  Model.prototype.lookup = function (name) {
    var n = this.normalize(name);
    if (!n) return null;
    var e = Object.prototype.hasOwnProperty.call(this.byName, n[0]) ? this.byName[n[0]] : null;
    return e ? [e, n[1]] : null;
  };

  function count(data, prefix) {
    var max = 0;
    for (var key in data) {
      if (key.length > prefix.length && key.slice(0, prefix.length) === prefix) {
        var seg = key.slice(prefix.length).split(".")[0];
        if (seg !== "" && allDigits(seg)) max = Math.max(max, Number(seg) + 1);
      }
    }
    return max;
  }

  function collectionLevels(name) {
    var segments = name.split(".");
    var out = [];
    for (var k = 0; k < segments.length; k++) {
      if (segments[k] !== "" && allDigits(segments[k])) out.push([segments.slice(0, k).join(".") + ".", Number(segments[k])]);
    }
    return out;
  }

  function concrete(pattern, indices) {
    var i = 0;
    return pattern
      .split(".")
      .map(function (s) {
        return s === "n" && i < indices.length ? String(indices[i++]) : s;
      })
      .join(".");
  }

  // Collection sizes and item ids of a bridge's data, kept up to date as values are set,
  // so that a call does not scan every element (count() and the unique-id rule do).
  function Index(data) {
    this.counts = {};
    this.ids = {};
    for (var k in data) this.add(k, data[k]);
  }

  Index.prototype.add = function (name, value) {
    var levels = collectionLevels(name);
    for (var i = 0; i < levels.length; i++) {
      var p = levels[i][0];
      if (!(levels[i][1] < this.counts[p])) this.counts[p] = levels[i][1] + 1;
    }
    var last = levels[levels.length - 1];
    if (last && name === last[0] + name.slice(last[0].length).split(".")[0] + ".id") {
      var key = last[0] + "\u0000" + value;
      var owners = this.ids[key] || (this.ids[key] = []);
      if (owners.indexOf(name) < 0) owners.push(name);
    }
  };

  Index.prototype.count = function (prefix) {
    return this.counts[prefix] || 0;
  };

  // Whether an item of `prefix`'s collection other than `name` has the id `value`.
  Index.prototype.idTaken = function (prefix, name, value) {
    var owners = this.ids[prefix + "\u0000" + value] || [];
    for (var i = 0; i < owners.length; i++) if (owners[i] !== name) return true;
    return false;
  };

  function sizeOf(data, index, prefix) {
    return index ? index.count(prefix) : count(data, prefix);
  }

  Model.prototype.unknown = function (name, setting) {
    var c = this.codes;
    var dot = name.lastIndexOf(".");
    var parent = dot < 0 ? "" : name.slice(0, dot);
    var last = dot < 0 ? name : name.slice(dot + 1);
    var p = this.normalize(parent);
    var known = !!p && Object.prototype.hasOwnProperty.call(this.prefixes, p[0]) && p[0] !== "";
    var ours = Object.prototype.hasOwnProperty.call(this.models, name.split(".")[0]);
    var code = c.undefined;
    if (!ours) code = c.other_model;
    else if (known && (last === "_children" || last === "_count") && setting) code = c.keyword_set;
    else if (known && last === "_children") code = c.no_children;
    else if (known && last === "_count") code = c.no_count;
    else if (known && last === "_version" && !setting) code = c.no_version;
    return new Refusal(code, name + ": not a data model element");
  };

  Model.prototype.spm = function (e, strict) {
    var base = e.data_type.spm !== undefined ? e.data_type.spm : Infinity;
    return e.lenient_spm !== undefined && !strict ? e.lenient_spm : base;
  };

  // null when the value may be stored, else a Refusal.
  Model.prototype.checkSet = function (data, name, value, strict, index) {
    var c = this.codes;
    if (name === "") return new Refusal(c.set_failure, "empty element name");
    var found = this.lookup(name);
    if (!found) return this.unknown(name, true);
    var e = found[0];
    var indices = found[1];
    var last = name.slice(name.lastIndexOf(".") + 1);
    if (e.data_type.type === "keyword" || KEYWORDS.indexOf(last) >= 0) return new Refusal(c.keyword_set, name + " is a keyword");
    if (e.access === "read_only") return new Refusal(c.read_only, name + " is read only");
    var levels = collectionLevels(name);
    for (var i = 0; i < levels.length; i++) {
      if (levels[i][1] > sizeOf(data, index, levels[i][0])) {
        return new Refusal(c.set_failure, name + ": index " + levels[i][1] + " is past " + levels[i][0] + "_count");
      }
    }
    var requires = e.requires || [];
    for (i = 0; i < requires.length; i++) {
      var key = concrete(requires[i], indices);
      if (key !== name && !Object.prototype.hasOwnProperty.call(data, key)) {
        return new Refusal(c.dependency, key + " must be set before " + name);
      }
    }
    var fault;
    if (e.data_type.type === "response") {
      var kind = data[concrete("cmi.interactions.n.type", indices)] || "";
      fault = checkResponse(kind, value, e.data_type.pattern);
    } else {
      fault = null;
      for (i = 0; i < this.notSettable.length; i++) {
        if (this.notSettable[i][0] === e.name && this.notSettable[i][1] === value) fault = RANGE;
      }
      fault = fault || checkType(e.data_type, value, this.spm(e, strict));
    }
    if (fault) {
      var shown = value.slice(0, 40);
      return fault === TYPE
        ? new Refusal(c.type_mismatch, name + ": '" + shown + "' is not of the element's type")
        : new Refusal(c.out_of_range, name + ": '" + shown + "' is out of range");
    }
    return this.modelRules(data, e, indices, name, value, index);
  };

  Model.prototype.modelRules = function (data, e, indices, name, value, index) {
    if (this.version !== "2004") return null;
    if (e.name === "cmi.objectives.n.id" || e.name === "cmi.interactions.n.objectives.n.id") {
      if (Object.prototype.hasOwnProperty.call(data, name) && data[name] !== value) {
        return new Refusal(351, name + " is already set and cannot change");
      }
      var collection = name.split(".").slice(0, -2).join(".");
      var prefix = collection + ".";
      if (index) {
        if (index.idTaken(prefix, name, value)) return new Refusal(351, value + " is already the id of another item in " + collection);
      } else for (var key in data) {
        if (key !== name && data[key] === value && key.slice(0, prefix.length) === prefix && /\.id$/.test(key)) {
          var middle = key.slice(prefix.length, key.length - 3);
          if (middle !== "" && allDigits(middle)) {
            return new Refusal(351, value + " is already the id of another item in " + collection);
          }
        }
      }
    } else if (e.name === "cmi.interactions.n.correct_responses.n.pattern") {
      var kind = data[concrete("cmi.interactions.n.type", indices)] || "";
      var max = 0;
      for (var i = 0; i < this.interactionTypes.length; i++) {
        if (this.interactionTypes[i].type === kind) max = this.interactionTypes[i].max_correct_responses;
      }
      if (indices.length > 1 && indices[1] >= max) {
        return new Refusal(351, "a " + kind + " interaction has at most " + max + " correct response patterns");
      }
    }
    return null;
  };

  // [value] or a Refusal.
  Model.prototype.checkGet = function (data, name, index) {
    var c = this.codes;
    if (name === "") return new Refusal(c.get_failure, "empty element name");
    var found = this.lookup(name);
    if (!found) return this.unknown(name, false);
    var e = found[0];
    if (e.access === "write_only") return new Refusal(c.write_only, name + " is write only");
    var levels = collectionLevels(name);
    for (var i = 0; i < levels.length; i++) {
      if (levels[i][1] >= sizeOf(data, index, levels[i][0])) {
        return new Refusal(c.get_failure, name + ": no item " + levels[i][1] + " in " + levels[i][0] + "_count");
      }
    }
    if (Object.prototype.hasOwnProperty.call(data, name)) return [data[name]];
    switch (e.initial.kind) {
      case "fixed":
        return [e.initial.value];
      case "computed":
        return [String(sizeOf(data, index, name.slice(0, name.length - "_count".length)))];
      default:
        if (c.not_initialized !== 0) return new Refusal(c.not_initialized, name + " has no value yet");
        return [""];
    }
  };

  // ---- the bridge -----------------------------------------------------------------------

  function str(x) {
    return x === undefined || x === null ? "" : String(x);
  }

  function Bridge(win, opts, model, attempt) {
    this.win = win;
    this.runtimeUrl = opts.runtimeUrl.replace(/\/+$/, "");
    this.commitUrl = this.runtimeUrl + "/" + encodeURIComponent(opts.item) + "/commit";
    this.strict = !!(opts.strictSuspendData || (attempt.options && attempt.options.strictSuspendData));
    // Which navigation requests the server says are valid from this SCO (SCORM 2004).
    this.nav = attempt.nav || null;
    this.model = model;
    this.version = attempt.version;
    this.attempt = attempt.attempt;
    this.data = {};
    for (var k in attempt.data) this.data[k] = attempt.data[k];
    this.index = new Index(this.data);
    this.state = "not_initialized";
    this.lastError = 0;
    this.diagnostic = "";
    // Unacknowledged sets: log[i] has absolute index base + i.
    this.log = [];
    this.base = 0;
    this.acked = attempt.seq;
    this.nextSeq = attempt.seq + 1;
    this.inflight = null;
    this.beaconed = null;
    this.again = false;
    this.terminating = false;
    // Initialize was called and no send has told the server yet.
    this.announce = false;
    this.finished = false;
    this.retryDelay = opts.retryDelay || 500;
    this.serverErrors = [];
    this.reported = 0;
    this.listeners = [];
    // The launch session (one ID, one person) this page's commits belong to.
    this.session = opts.session || null;
    this.onRefusal = opts.onRefusal || null;
  }

  Bridge.prototype.ok = function (value) {
    this.lastError = 0;
    this.diagnostic = "";
    return value;
  };

  Bridge.prototype.fail = function (code, diagnostic, value) {
    this.lastError = code;
    this.diagnostic = diagnostic || "";
    return value;
  };

  // The state machine's refusal for a call, or 0. `kind`: init, term, get, set, commit.
  Bridge.prototype.stateCode = function (kind) {
    var v12 = this.version === "1.2";
    if (this.state === "running") return kind === "init" ? (v12 ? 101 : 103) : 0;
    if (this.state === "not_initialized") {
      if (kind === "init") return 0;
      if (v12) return 301;
      return { term: 112, get: 122, set: 132, commit: 142 }[kind];
    }
    if (v12) return kind === "init" ? 101 : 301;
    return { init: 104, term: 113, get: 123, set: 133, commit: 143 }[kind];
  };

  Bridge.prototype.initialize = function (arg) {
    if (str(arg) !== "") return this.fail(201, "the parameter must be the empty string", "false");
    var code = this.stateCode("init");
    if (code) return this.fail(code, "", "false");
    this.state = "running";
    // The server records `initialized` (or `resumed`) when the SCO calls Initialize, not
    // when the page loads: the first commit of a session tells it, so send one now.
    this.announce = true;
    this.flush();
    return this.ok("true");
  };

  Bridge.prototype.terminate = function (arg) {
    if (str(arg) !== "") return this.fail(201, "the parameter must be the empty string", "false");
    var code = this.stateCode("term");
    if (code) return this.fail(code, "", "false");
    this.state = "terminated";
    this.terminating = true;
    this.flush();
    var failed = this.serverFailure();
    if (failed) return this.fail(failed.code, failed.diagnostic, "false");
    return this.ok("true");
  };

  Bridge.prototype.getValue = function (name) {
    name = str(name);
    var code = this.stateCode("get");
    if (code) return this.fail(code, "", "");
    var r = this.model.checkGet(this.data, name, this.index);
    if (r instanceof Refusal) return this.fail(r.code, r.diagnostic, "");
    var valid = this.navValid(name);
    return this.ok(valid === null ? r[0] : valid);
  };

  // `adl.nav.request_valid.*` from what the server said, or null to keep "unknown".
  Bridge.prototype.navValid = function (name) {
    var prefix = "adl.nav.request_valid.";
    if (!this.nav || name.slice(0, prefix.length) !== prefix) return null;
    var rest = name.slice(prefix.length);
    if (rest === "continue" || rest === "previous") return String(!!this.nav[rest]);
    var m = /^(choice|jump)\.\{target=([^}]*)\}$/.exec(rest);
    var list = m && this.nav[m[1]];
    if (!list) return null;
    return String(list.indexOf(m[2]) >= 0);
  };

  // A commit the server refused (a set it re-validated differently, an expired link, an
  // attempt no longer current) is reported by the next Commit or Terminate: "false" with
  // General Commit Failure (391; 101 in SCORM 1.2) and the server's reason as diagnostic.
  Bridge.prototype.serverFailure = function () {
    if (this.reported >= this.serverErrors.length) return null;
    var e = this.serverErrors[this.serverErrors.length - 1];
    this.reported = this.serverErrors.length;
    var text = e.element
      ? "the server refused " + e.element + " (" + e.code + "): " + e.diagnostic
      : "the server refused the commit (" + e.status + ")" + (e.body && e.body.error ? ": " + (e.body.error.message || JSON.stringify(e.body.error)) : "");
    return new Refusal(this.version === "1.2" ? 101 : 391, text);
  };

  Bridge.prototype.setValue = function (name, value) {
    name = str(name);
    value = str(value);
    var code = this.stateCode("set");
    if (code) return this.fail(code, "", "false");
    var r = this.model.checkSet(this.data, name, value, this.strict, this.index);
    if (r) return this.fail(r.code, r.diagnostic, "false");
    this.data[name] = value;
    this.index.add(name, value);
    this.log.push([name, value]);
    return this.ok("true");
  };

  Bridge.prototype.commit = function (arg) {
    if (str(arg) !== "") return this.fail(201, "the parameter must be the empty string", "false");
    var code = this.stateCode("commit");
    if (code) return this.fail(code, "", "false");
    this.flush();
    var failed = this.serverFailure();
    if (failed) return this.fail(failed.code, failed.diagnostic, "false");
    return this.ok("true");
  };

  Bridge.prototype.errorString = function (code) {
    var text = this.model.errors[str(code)];
    return text === undefined ? "" : text;
  };

  Bridge.prototype.getDiagnostic = function (code) {
    code = str(code);
    if (code === "" || code === String(this.lastError)) return this.diagnostic || this.errorString(this.lastError);
    return this.errorString(code);
  };

  // The body of a new send carrying every unacknowledged set.
  Bridge.prototype.nextBody = function () {
    var body = { attempt: this.attempt, seq: this.nextSeq++, sets: this.log.slice(), terminate: this.terminating };
    var announce = this.announce;
    this.announce = false;
    if (this.session) body.session = this.session;
    return { body: body, end: this.base + this.log.length, start: this.base, announce: announce };
  };

  Bridge.prototype.acknowledge = function (seq, end) {
    if (seq > this.acked) this.acked = seq;
    var drop = end - this.base;
    if (drop > 0) {
      this.log.splice(0, drop);
      this.base = end;
    }
  };

  // Sends the unacknowledged sets (one fetch at a time; a call during a send sends again after it).
  Bridge.prototype.flush = function () {
    if (this.finished) return;
    if (this.inflight) {
      this.again = true;
      return;
    }
    if (this.log.length === 0 && !this.terminating && !this.announce) return;
    this.send(this.nextBody(), this.retryDelay);
  };

  Bridge.prototype.send = function (sent, delay) {
    var self = this;
    this.inflight = sent;
    var text = JSON.stringify(sent.body);
    var init = { method: "POST", headers: { "Content-Type": "text/plain;charset=UTF-8" }, body: text, keepalive: text.length < 60000 };
    var fetchFn = this.win.fetch || root.fetch;
    fetchFn
      .call(this.win, this.commitUrl, init)
      .then(function (response) {
        return response.text().then(function (t) {
          var json = null;
          try {
            json = JSON.parse(t);
          } catch (e) {
            json = null;
          }
          return { status: response.status, json: json };
        });
      })
      .then(
        function (r) {
          if (r.status === 200 && r.json) {
            self.acknowledge(sent.body.seq, sent.end);
            if (r.json.seq > self.acked) self.acked = r.json.seq;
            if (sent.body.terminate) self.finished = true;
            self.done(r.json);
          } else if (r.status === 422 && r.json && r.json.error) {
            // The server refused one set; nothing of this send was stored. Drop that set
            // and send the rest again under a new sequence number.
            var err = r.json.error;
            self.serverErrors.push(err);
            if (root.console) root.console.warn("kiroku: the server refused " + err.element + ": " + err.code + " " + err.diagnostic);
            var abs = sent.start + err.index;
            if (abs >= self.base && abs - self.base < self.log.length) self.log.splice(abs - self.base, 1);
            self.again = true;
            self.done(null);
          } else if (r.status >= 500 || r.status === 429 || r.status === 0) {
            self.retry(sent, delay);
          } else {
            // 4xx other than 422 (expired grant, attempt no longer current): retrying cannot help.
            self.serverErrors.push({ status: r.status, body: r.json });
            // A refused launch (ended by a newer one, learner deleted) is told to the page.
            if (self.onRefusal && r.json && r.json.error && r.json.error.reason) self.onRefusal(r.json.error);
            self.finished = true;
            self.done(null);
          }
        },
        function () {
          self.retry(sent, delay);
        }
      );
  };

  Bridge.prototype.retry = function (sent, delay) {
    var self = this;
    this.win.setTimeout(function () {
      self.inflight = null;
      if (self.base >= sent.end && !sent.body.terminate && !sent.announce) {
        self.done(null); // acknowledged meanwhile through a later send
        return;
      }
      self.send(sent, Math.min(delay * 2, 30000));
    }, delay);
  };

  Bridge.prototype.done = function (answer) {
    this.inflight = null;
    var listeners = this.listeners;
    this.listeners = [];
    for (var i = 0; i < listeners.length; i++) listeners[i](answer);
    if (this.again) {
      this.again = false;
      this.flush();
    }
  };

  // Resolves once no send is in flight and nothing is left to send (or nothing can be).
  Bridge.prototype.settled = function () {
    var self = this;
    return new Promise(function (resolve) {
      (function wait() {
        if (!self.inflight && (self.finished || (self.log.length === 0 && !self.again))) resolve(self);
        else self.listeners.push(wait);
      })();
    });
  };

  // The page is going away: hand every unacknowledged set to sendBeacon.
  Bridge.prototype.beacon = function () {
    if (this.finished || (this.log.length === 0 && !this.terminating && !this.announce)) return false;
    var end = this.base + this.log.length;
    // A keepalive fetch already carrying everything outlives the page; do not send it twice
    // (a second terminating commit would end the session again).
    var covered = function (s) {
      return s && s.end === end && s.body.terminate === this.terminating;
    }.bind(this);
    if (covered(this.inflight) || covered(this.beaconed)) return false;
    var nav = this.win.navigator;
    if (!nav || !nav.sendBeacon) return false;
    var sent = this.nextBody();
    this.beaconed = sent;
    var blob = new Blob([JSON.stringify(sent.body)], { type: "text/plain;charset=UTF-8" });
    return nav.sendBeacon(this.commitUrl, blob);
  };

  Bridge.prototype.apiObject = function () {
    var b = this;
    var api = {
      version: this.version,
      bridge: this,
    };
    var names =
      this.version === "1.2"
        ? ["LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSGetLastError", "LMSGetErrorString", "LMSGetDiagnostic"]
        : ["Initialize", "Terminate", "GetValue", "SetValue", "Commit", "GetLastError", "GetErrorString", "GetDiagnostic"];
    api[names[0]] = function (a) {
      return b.initialize(a);
    };
    api[names[1]] = function (a) {
      return b.terminate(a);
    };
    api[names[2]] = function (n) {
      return b.getValue(n);
    };
    api[names[3]] = function (n, v) {
      return b.setValue(n, v);
    };
    api[names[4]] = function (a) {
      return b.commit(a);
    };
    api[names[5]] = function () {
      return String(b.lastError);
    };
    api[names[6]] = function (c) {
      return b.errorString(c);
    };
    api[names[7]] = function (c) {
      return b.getDiagnostic(c);
    };
    return api;
  };

  // A refusal keeps the server's reason and learner-facing message.
  function getJson(win, url) {
    var fetchFn = win.fetch || root.fetch;
    return fetchFn.call(win, url, { credentials: "omit" }).then(function (r) {
      if (r.ok) return r.json();
      return r
        .json()
        .catch(function () {
          return null;
        })
        .then(function (b) {
          var e = (b && b.error) || {};
          var err = new Error(e.message || "GET " + url + ": " + r.status);
          err.status = r.status;
          err.reason = e.reason || null;
          throw err;
        });
    });
  }

  // One id per tab: every SCO the page opens, and the page reloaded, belong to the same
  // launch session (kept in sessionStorage, which another browser or tab does not share).
  function storedSession(win, value) {
    try {
      if (value) win.sessionStorage.setItem("kiroku-launch-session", value);
      return win.sessionStorage.getItem("kiroku-launch-session");
    } catch (e) {
      return null; // storage refused (sandbox, privacy mode): one id per page
    }
  }

  function sessionId(win) {
    if (win.kirokuSessionId) return win.kirokuSessionId;
    var kept = storedSession(win);
    if (kept && /^[A-Za-z0-9_-]{8,64}$/.test(kept)) return (win.kirokuSessionId = kept);
    var bytes = new Uint8Array(16);
    var c = win.crypto || root.crypto;
    if (c && c.getRandomValues) c.getRandomValues(bytes);
    else for (var i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    var hex = "";
    for (var j = 0; j < bytes.length; j++) hex += (bytes[j] < 16 ? "0" : "") + bytes[j].toString(16);
    win.kirokuSessionId = hex;
    storedSession(win, hex);
    return hex;
  }

  var models = {};

  function install(win, opts) {
    var runtimeUrl = opts.runtimeUrl.replace(/\/+$/, "");
    var origin = runtimeUrl.replace(/\/runtime\/[^/]*$/, "");
    opts.session = opts.session || sessionId(win);
    var attempt = opts.attempt
      ? Promise.resolve(opts.attempt)
      : getJson(win, runtimeUrl + "/" + encodeURIComponent(opts.item) + "?session=" + encodeURIComponent(opts.session));
    return attempt.then(function (a) {
      var model = opts.model
        ? Promise.resolve(opts.model)
        : models[a.version] || (models[a.version] = getJson(win, origin + "/runtime/model/" + a.version + ".json"));
      return model.then(function (table) {
        var bridge = new Bridge(win, opts, new Model(table), a);
        var api = bridge.apiObject();
        if (a.version === "1.2") win.API = api;
        else win.API_1484_11 = api;
        var leave = function () {
          bridge.beacon();
        };
        win.addEventListener("pagehide", leave);
        win.document.addEventListener("visibilitychange", function () {
          if (win.document.visibilityState === "hidden") leave();
        });
        return bridge;
      });
    });
  }

  root.KirokuBridge = { install: install, Model: Model };
})(typeof window !== "undefined" ? window : this);
