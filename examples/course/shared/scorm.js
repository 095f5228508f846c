/* Finds the SCORM 2004 API the way SCOs do (parents, then the opener and its parents)
   and wraps the calls this example needs. */
var Scorm = (function () {
  "use strict";
  function search(win) {
    for (var hops = 0; win && hops < 10; hops++) {
      if (win.API_1484_11) return win.API_1484_11;
      if (!win.parent || win.parent === win) break;
      win = win.parent;
    }
    return null;
  }
  var api = search(window) || (window.opener && search(window.opener)) || null;
  var open = false;
  return {
    start: function () {
      open = !!api && api.Initialize("") === "true";
      return open;
    },
    get: function (name) {
      return open ? api.GetValue(name) : "";
    },
    set: function (name, value) {
      return open && api.SetValue(name, String(value)) === "true";
    },
    save: function () {
      return open && api.Commit("") === "true";
    },
    end: function (navRequest) {
      if (!open) return;
      if (navRequest) api.SetValue("adl.nav.request", navRequest);
      api.Terminate("");
      open = false;
    }
  };
})();
