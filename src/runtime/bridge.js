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
 * Checks done here, in the browser, from the model the server hands out (`table_json`
 * in src/runtime/datamodel/: the same Rust tables and rules the server enforces, so this
 * file holds the logic and no constant of its own): the API state machine and its codes;
 * element names (undefined, keywords), access (read-only, write-only), collection indices
 * against `_count`, set-before dependencies, maximum lengths in characters (SPM, with the
 * lenient 1.2 `suspend_data` maximum), vocabularies and the vocabulary values content may
 * not set, decimals and their ranges, integers, 1.2 CMITime/CMITimespan, 2004 time and
 * timeinterval, identifiers and long identifiers (URNs; the characters they may not hold
 * are the server's list), language tags, localized strings with `{lang=…}`,
 * `adl.nav.request`, unique item ids that never change, the number of correct-response
 * patterns, and interaction responses in every format of the table's interaction types.
 *
 * Checked only on the server (at commit; a refused set is dropped from the pending sets
 * and reported through `bridge.serverErrors` and the console): the response formats the
 * table lists in `rules.responses.server_only` (today those of fill-in, long-fill-in,
 * matching and performance, and numeric patterns); the bridge accepts such values as
 * they come; and the bound on SCORM 2004 objectives (`MAX_OBJECTIVES` in
 * datamodel/check.rs: 1000 in an attempt, 100 per interaction).
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

  // ---- value checks (src/runtime/datamodel/values.rs and responses.rs) -------------------
  //
  // Every limit, delimiter and token list comes from the table's `rules` (`R` below, with a
  // few regular expressions compiled from it by `compile`); nothing here is a copy of a Rust
  // constant.

  var TYPE = "type";
  var RANGE = "range";

  // Characters as the server counts them (code points; `value.length` counts UTF-16 units).
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

  function within(n, span) {
    return n >= span[0] && n <= span[1];
  }

  function allDigits(s) {
    return /^[0-9]*$/.test(s);
  }

  function asciiLower(s) {
    return s.replace(/[A-Z]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) + 32);
    });
  }

  function escapeRegExp(s) {
    return s.replace(/[\\^$.*+?()[\]{}|\/-]/g, "\\$&");
  }

  function digitsRe(span) {
    return "[0-9]{" + span[0] + "," + span[1] + "}";
  }

  // The table's rules plus the regular expressions built from them, once per table.
  function compile(table) {
    var R = table.rules;
    var hex = function (c) {
      return "\\u{" + c.toString(16) + "}";
    };
    var refused = table.refused_in_identifiers.map(function (r) {
      return hex(r[0]) + "-" + hex(r[1]);
    });
    R.refusedRe = new RegExp("[" + refused.join("") + "]", "u");
    var clockRe = function (c) {
      return new RegExp("^(" + digitsRe(c.hours) + "):([0-9]{2}):([0-9]{2})(\\." + digitsRe(c.fraction) + ")?$");
    };
    R.clockRe = { cmi_time: clockRe(R.cmi_time), cmi_timespan: clockRe(R.cmi_timespan) };
    var ti = R.time_interval;
    var number = "(" + digitsRe(ti.digits) + ")";
    var part = function (designator, i, list, clock) {
      var n = clock && i === list.length - 1 ? "(" + digitsRe(ti.digits) + "(?:\\." + digitsRe(ti.fraction) + ")?)" : number;
      return "(?:" + n + escapeRegExp(designator) + ")?";
    };
    var date = ti.date.map(function (d, i, list) {
      return part(d, i, list, false);
    });
    var clock = ti.clock.map(function (d, i, list) {
      return part(d, i, list, true);
    });
    R.intervalRe = new RegExp("^P" + date.join("") + "(T" + clock.join("") + ")?$");
    return R;
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

  function noSpace(R, value) {
    return value !== "" && !R.refusedRe.test(value);
  }

  function identifier(R, value, spm) {
    return noSpace(R, value) ? maxLen(value, spm) : TYPE;
  }

  function longIdentifier(R, value, spm) {
    if (!noSpace(R, value)) return TYPE;
    if (maxLen(value, spm)) return TYPE;
    var id = R.identifier;
    var prefix = id.urn_prefix;
    if (asciiLower(value.slice(0, prefix.length)) === asciiLower(prefix)) {
      var rest = value.slice(prefix.length);
      var colon = rest.indexOf(":");
      if (colon < 0) return TYPE;
      var nid = rest.slice(0, colon);
      var nss = rest.slice(colon + 1);
      var ok = nid !== "" && nid.length <= id.urn_nid_max && /^[A-Za-z0-9-]+$/.test(nid) && nid[0] !== "-" && nss !== "";
      return ok ? null : TYPE;
    }
    return null;
  }

  function shortIdentifier(R, value) {
    var id = R.identifier;
    for (var i = 0; i < id.short_refused.length; i++) {
      if (value.indexOf(id.short_refused[i]) >= 0) return TYPE;
    }
    return longIdentifier(R, value, id.short_spm);
  }

  function languageTag(R, tag) {
    var lt = R.language_tag;
    var parts = tag.split(lt.separator);
    if (!within(parts[0].length, lt.primary) || !/^[A-Za-z]*$/.test(parts[0])) return false;
    for (var i = 1; i < parts.length; i++) {
      if (!within(parts[i].length, lt.subtag) || !/^[A-Za-z0-9]*$/.test(parts[i])) return false;
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

  function localized(R, value, spm) {
    var name = R.language_tag.delimiter;
    var d = delimiter(value, name);
    if (d) return languageTag(R, d[0]) ? maxLen(d[1], spm) : TYPE;
    if (value.slice(0, name.length + 2) === "{" + name + "=") return TYPE;
    return maxLen(value, spm);
  }

  // 1.2 CMITime / CMITimespan: H…:MM:SS[.S[S]].
  function clock(R, kind, value) {
    var m = R.clockRe[kind].exec(value);
    if (!m) return TYPE;
    return Number(m[1]) <= R[kind].max_hours && Number(m[2]) <= 59 && Number(m[3]) <= 59 ? null : TYPE;
  }

  function daysInMonth(year, month) {
    if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
    return [4, 6, 9, 11].indexOf(month) >= 0 ? 30 : 31;
  }

  // 2004 time(second,10,2): YYYY[-MM[-DD[Thh[:mm[:ss[.s[TZD]]]]]]], a day that exists in its
  // month, and a time zone only after fractional seconds.
  function time(R, value) {
    var t = R.time;
    var m = /^([0-9]{4})/.exec(value);
    if (!m || /^[0-9]{5}/.test(value)) return TYPE;
    var year = Number(m[1]);
    if (year < t.years[0] || year > t.years[1]) return TYPE;
    var rest = value.slice(4);
    var fields = t.fields;
    var parts = [];
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (rest.slice(0, f[0].length) !== f[0]) break;
      rest = rest.slice(f[0].length);
      var d = /^([0-9]{2})/.exec(rest);
      if (!d || /^[0-9]{3}/.test(rest)) return TYPE;
      var n = Number(d[1]);
      if (n < f[1] || n > f[2]) return TYPE;
      parts.push(n);
      rest = rest.slice(2);
    }
    if (parts.length >= 2 && parts[1] > daysInMonth(year, parts[0])) return TYPE;
    if (parts.length === fields.length && rest[0] === ".") {
      var frac = new RegExp("^\\.(" + digitsRe(t.fraction) + ")(?![0-9])").exec(rest);
      if (!frac) return TYPE;
      return timeZone(R, rest.slice(frac[0].length));
    }
    return rest === "" ? null : TYPE;
  }

  function timeZone(R, rest) {
    if (rest === "" || rest === "Z") return null;
    var tz = /^[+-]([0-9]{2})(:([0-9]{2}))?$/.exec(rest);
    if (!tz) return TYPE;
    return Number(tz[1]) <= R.time.zone_max_hours && (tz[3] === undefined || Number(tz[3]) <= 59) ? null : TYPE;
  }

  // 2004 timeinterval(second,10,2): P[nY][nM][nD][T[nH][nM][n[.n[n]]S]].
  function timeInterval(R, value) {
    var m = R.intervalRe.exec(value);
    if (!m) return TYPE;
    var nd = R.time_interval.date.length;
    var some = function (from, to) {
      for (var i = from; i < to; i++) if (m[i] !== undefined) return true;
      return false;
    };
    var date = some(1, nd + 1);
    var clockParts = some(nd + 2, m.length);
    if (m[nd + 1] !== undefined && !clockParts) return TYPE;
    return date || clockParts ? null : TYPE;
  }

  function navRequest(R, value) {
    var nav = R.nav;
    if (nav.requests.indexOf(value) >= 0) return null;
    var d = delimiter(value, nav.target);
    if (d && nav.targets.indexOf(d[1]) >= 0) return longIdentifier(R, d[0], nav.target_spm);
    return TYPE;
  }

  function checkType(R, ty, value, spm) {
    switch (ty.type) {
      case "keyword":
        return TYPE;
      case "char_string":
      case "cmi_feedback":
        return maxLen(value, spm);
      case "localized_string":
        return localized(R, value, spm);
      case "long_identifier":
        return longIdentifier(R, value, spm);
      case "identifier":
        return identifier(R, value, spm);
      case "language":
        return value === "" || languageTag(R, value) ? maxLen(value, spm) : TYPE;
      case "real":
        return ty.blank && value === "" ? null : real(value, ty.min, ty.max);
      case "integer":
        return integer(value, ty.min, ty.max);
      case "vocabulary":
        return ty.values.indexOf(value) >= 0 ? null : TYPE;
      case "vocabulary_or_real":
        return ty.values.indexOf(value) >= 0 ? null : real(value, null, null);
      case "cmi_time":
      case "cmi_timespan":
        return clock(R, ty.type, value);
      case "time":
        return time(R, value);
      case "time_interval":
        return timeInterval(R, value);
      case "nav_request":
        return navRequest(R, value);
      default:
        return null; // unknown to this bridge: the server decides at commit
    }
  }

  // An interaction response in one of the table's formats (responses.rs); the formats the
  // table lists as `server_only` are accepted here and checked by the server at commit.
  function checkFormat(R, format, value) {
    var list = R.responses.list;
    if (R.responses.server_only.indexOf(format.format) >= 0) return null;
    switch (format.format) {
      case "vocabulary":
        return format.values.indexOf(value) >= 0 ? null : TYPE;
      case "identifiers":
        if (value === "") return format.empty ? null : TYPE;
        var ids = value.split(list);
        for (var i = 0; i < ids.length; i++) {
          if (shortIdentifier(R, ids[i])) return TYPE;
          if (format.unique && ids.indexOf(ids[i]) < i) return TYPE;
        }
        return null;
      case "identifier":
        return shortIdentifier(R, value);
      case "real":
        return real(value, null, null);
      case "chars":
        return maxLen(value, format.spm);
      default:
        return null; // a format this bridge does not know: the server decides at commit
    }
  }

  // ---- the data model (src/runtime/datamodel/check.rs) ------------------------------------

  function Model(table) {
    this.version = table.version;
    this.codes = table.codes;
    this.stateCodes = table.state_codes;
    this.errors = table.errors;
    this.rules = compile(table);
    this.interactionTypes = table.interaction_types || [];
    this.uniqueIds = table.unique_ids || [];
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
    var R = this.rules;
    var nav = R.nav;
    for (var k = 0; k < nav.targets.length; k++) {
      var prefix = nav.valid_prefix + nav.targets[k] + ".";
      if (name.slice(0, prefix.length) === prefix) {
        var d = delimiter(name.slice(prefix.length), nav.target);
        var ok = d && d[1] === "" && !longIdentifier(R, d[0], nav.target_spm);
        return ok ? [prefix + "{" + nav.target + "=}", []] : null;
      }
    }
    var indices = [];
    var segments = name.split(".");
    for (var i = 0; i < segments.length; i++) {
      var s = segments[i];
      if (s !== "" && allDigits(s)) {
        if (s.length > 1 && s[0] === "0") return null;
        indices.push(Number(s));
        segments[i] = R.index;
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

  // Every numeric segment of a stored name with the prefix it counts under.
  function collectionLevels(name) {
    var segments = name.split(".");
    var out = [];
    for (var k = 0; k < segments.length; k++) {
      if (segments[k] !== "" && allDigits(segments[k])) out.push([segments.slice(0, k).join(".") + ".", Number(segments[k])]);
    }
    return out;
  }

  // The collection indices of `name`, an instance of the table name `pattern`: only the
  // pattern's index segments (digits inside a `{target=…}` are no index).
  Model.prototype.levels = function (pattern, name) {
    var p = pattern.split(".");
    var segments = name.split(".");
    var out = [];
    for (var k = 0; k < p.length && k < segments.length; k++) {
      if (p[k] === this.rules.index) out.push([segments.slice(0, k).join(".") + ".", Number(segments[k])]);
    }
    return out;
  };

  Model.prototype.concrete = function (pattern, indices) {
    var i = 0;
    var index = this.rules.index;
    return pattern
      .split(".")
      .map(function (s) {
        return s === index && i < indices.length ? String(indices[i++]) : s;
      })
      .join(".");
  };

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
    var k = this.rules.keywords;
    if (!ours) code = c.other_model;
    else if (known && (last === k.children || last === k.count) && setting) code = c.keyword_set;
    else if (known && last === k.children) code = c.no_children;
    else if (known && last === k.count) code = c.no_count;
    else if (known && last === k.version && !setting) code = c.no_version;
    return new Refusal(code, name + ": not a data model element");
  };

  Model.prototype.spm = function (e, strict) {
    var base = e.data_type.spm !== undefined ? e.data_type.spm : Infinity;
    return e.lenient_spm !== undefined && !strict ? e.lenient_spm : base;
  };

  Model.prototype.interactionType = function (data, indices) {
    return data[this.concrete(this.rules.responses.type_element, indices)] || "";
  };

  // The first `diagnostic_chars` characters of a value, for a diagnostic.
  Model.prototype.shown = function (value) {
    return Array.from(value.slice(0, 2 * this.rules.diagnostic_chars))
      .slice(0, this.rules.diagnostic_chars)
      .join("");
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
    var k = this.rules.keywords;
    var keyword = last === k.children || last === k.count || last === k.version;
    if (e.data_type.type === "keyword" || keyword) return new Refusal(c.keyword_set, name + " is a keyword");
    if (e.access === "read_only") return new Refusal(c.read_only, name + " is read only");
    var levels = this.levels(e.name, name);
    for (var i = 0; i < levels.length; i++) {
      if (levels[i][1] > sizeOf(data, index, levels[i][0])) {
        return new Refusal(c.set_failure, name + ": index " + levels[i][1] + " is past " + levels[i][0] + "_count");
      }
    }
    var requires = e.requires || [];
    for (i = 0; i < requires.length; i++) {
      var key = this.concrete(requires[i], indices);
      if (key !== name && !Object.prototype.hasOwnProperty.call(data, key)) {
        return new Refusal(c.dependency, key + " must be set before " + name);
      }
    }
    var fault = this.checkValue(data, e, indices, value, strict);
    if (fault) {
      var shown = this.shown(value);
      return fault === TYPE
        ? new Refusal(c.type_mismatch, name + ": '" + shown + "' is not of the element's type")
        : new Refusal(c.out_of_range, name + ": '" + shown + "' is out of range");
    }
    return this.modelRules(data, e, indices, name, value, index);
  };

  Model.prototype.checkValue = function (data, e, indices, value, strict) {
    if (e.data_type.type === "response") {
      var kind = this.interactionType(data, indices);
      var row = null;
      for (var i = 0; i < this.interactionTypes.length; i++) {
        if (this.interactionTypes[i].type === kind) row = this.interactionTypes[i];
      }
      if (!row) return TYPE;
      return checkFormat(this.rules, e.data_type.pattern ? row.pattern : row.response, value);
    }
    for (var k = 0; k < this.notSettable.length; k++) {
      if (this.notSettable[k][0] === e.name && this.notSettable[k][1] === value) return RANGE;
    }
    return checkType(this.rules, e.data_type, value, this.spm(e, strict));
  };

  Model.prototype.modelRules = function (data, e, indices, name, value, index) {
    var failure = this.codes.set_failure;
    if (this.uniqueIds.indexOf(e.name) >= 0) {
      if (Object.prototype.hasOwnProperty.call(data, name) && data[name] !== value) {
        return new Refusal(failure, name + " is already set and cannot change");
      }
      var collection = name.split(".").slice(0, -2).join(".");
      var prefix = collection + ".";
      if (index) {
        if (index.idTaken(prefix, name, value)) return new Refusal(failure, value + " is already the id of another item in " + collection);
      } else for (var key in data) {
        if (key !== name && data[key] === value && key.slice(0, prefix.length) === prefix && /\.id$/.test(key)) {
          var middle = key.slice(prefix.length, key.length - 3);
          if (middle !== "" && allDigits(middle)) {
            return new Refusal(failure, value + " is already the id of another item in " + collection);
          }
        }
      }
    }
    if (e.data_type.type === "response" && e.data_type.pattern) {
      var kind = this.interactionType(data, indices);
      var max = 0;
      for (var i = 0; i < this.interactionTypes.length; i++) {
        if (this.interactionTypes[i].type === kind) max = this.interactionTypes[i].max_correct_responses;
      }
      if (indices.length > 1 && indices[1] >= max) {
        return new Refusal(failure, "a " + kind + " interaction has at most " + max + " correct response patterns");
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
    var levels = this.levels(e.name, name);
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
        return [String(sizeOf(data, index, name.slice(0, name.length - this.rules.keywords.count.length)))];
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
    var s = this.model.stateCodes;
    var call = { term: s.terminate, get: s.get, set: s.set, commit: s.commit }[kind];
    if (this.state === "running") return kind === "init" ? s.already_initialized : 0;
    if (this.state === "not_initialized") return kind === "init" ? 0 : call.before;
    return kind === "init" ? s.initialize_after_terminate : call.after;
  };

  // The refusal of a call whose parameter must be the empty string, or null.
  Bridge.prototype.argument = function (arg) {
    return str(arg) === "" ? null : this.fail(this.model.stateCodes.argument, "the parameter must be the empty string", "false");
  };

  Bridge.prototype.initialize = function (arg) {
    if (str(arg) !== "") return this.argument(arg);
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
    if (str(arg) !== "") return this.argument(arg);
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
  // (`request` for `…request_valid.request`, a list of targets for `…request.{target=ID}`).
  Bridge.prototype.navValid = function (name) {
    var nav = this.model.rules.nav;
    var prefix = nav.valid_prefix;
    if (!this.nav || name.slice(0, prefix.length) !== prefix) return null;
    var rest = name.slice(prefix.length);
    var dot = rest.indexOf(".");
    if (dot < 0) return String(!!this.nav[rest]);
    var d = delimiter(rest.slice(dot + 1), nav.target);
    var list = d && d[1] === "" && this.nav[rest.slice(0, dot)];
    if (!Array.isArray(list)) return null;
    return String(list.indexOf(d[0]) >= 0);
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
    return new Refusal(this.model.stateCodes.commit_failure, text);
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
    if (str(arg) !== "") return this.argument(arg);
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
