// Live progress on the build and launch pages, from the portal's Server-Sent Events.
"use strict";
(function () {
  function mark(list, phase, failed) {
    var reached = false;
    var items = list.querySelectorAll("li");
    var found = false;
    items.forEach(function (li) { if (li.dataset.phase === phase) { found = true; } });
    if (!found) { return; }
    items.forEach(function (li) {
      li.classList.remove("current", "failed");
      if (li.dataset.phase === phase) {
        reached = true;
        li.classList.add(failed ? "failed" : "current");
      } else if (!reached) {
        li.classList.add("done");
      }
    });
  }
  function markAllDone(list) {
    list.querySelectorAll("li").forEach(function (li) {
      li.classList.remove("current");
      li.classList.add("done");
    });
  }

  var build = document.getElementById("build");
  var waiting = document.getElementById("continue-form");
  if (build && build.dataset.running !== "true" && waiting
      && document.getElementById("build-status").textContent === "built") {
    waiting.submit(); // built between the launch and this page
  }
  if (build && build.dataset.running === "true") {
    var log = document.getElementById("build-log");
    var phases = document.getElementById("build-phases");
    var status = document.getElementById("build-status");
    var message = document.getElementById("build-message");
    var bar = document.getElementById("build-progress");
    var steps = document.getElementById("build-steps");
    var cont = document.getElementById("continue-form");
    log.textContent = "";
    var source = new EventSource("/api/v1/builds/" + encodeURIComponent(build.dataset.buildId) + "/events");
    var data = function (e) { return JSON.parse(e.data); };
    ["resolving", "queued", "fetching", "building", "pushing", "built", "cache_hit"].forEach(function (p) {
      source.addEventListener(p, function (e) {
        mark(phases, p === "cache_hit" ? "built" : p, false);
        status.textContent = p.replace("_", " ");
        message.textContent = data(e).text;
      });
    });
    source.addEventListener("queue", function (e) {
      document.getElementById("build-queue").textContent = "(" + data(e).text + ")";
    });
    source.addEventListener("progress", function (e) {
      var d = data(e);
      bar.hidden = false;
      if (d.total > 0) { bar.max = d.total; bar.value = d.done; } else { bar.removeAttribute("value"); }
      bar.title = d.text;
    });
    source.addEventListener("step", function (e) {
      var li = document.createElement("li");
      li.textContent = data(e).text;
      steps.appendChild(li);
    });
    source.addEventListener("log", function (e) {
      log.textContent += data(e).text + "\n";
      log.scrollTop = log.scrollHeight;
    });
    source.addEventListener("failed", function (e) {
      mark(phases, "built", true);
    });
    source.addEventListener("finished", function (e) {
      source.close();
      var d = data(e);
      bar.hidden = true;
      var cancel = document.getElementById("cancel-form");
      if (cancel) { cancel.hidden = true; }
      message.textContent = d.text;
      if (d.succeeded) {
        markAllDone(phases);
        status.textContent = "built";
        if (cont) {
          cont.querySelector("button").disabled = false;
          cont.submit();
        }
      } else {
        status.textContent = "failed";
        message.classList.add("error");
      }
    });
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED || status.textContent === "built") { return; }
      source.close();
      location.reload(); // the build ended while we were away: show its kept record
    };
  }

  var launch = document.getElementById("launch");
  if (launch) {
    var lphases = document.getElementById("launch-phases");
    var lmessage = document.getElementById("launch-message");
    var llog = document.getElementById("launch-log");
    var open = document.getElementById("open-link");
    var back = document.getElementById("back-to-form");
    var word = document.getElementById("launch-word");
    var prefer = document.getElementById("open-when-ready");
    var preferForm = document.getElementById("open-when-ready-form");
    var name = launch.dataset.server;
    // Heading and tab title follow the launch: Launching, Ready or Failed.
    var sep = document.getElementById("launch-sep");
    var say = function (state) {
      var between = state === "Launching" ? " " : ": ";
      word.textContent = state;
      sep.textContent = between;
      document.title = state + between + name + " · Berth";
    };
    var ready = function () {
      markAllDone(lphases);
      say("Ready");
      open.hidden = false;
      back.hidden = true;
      if ((prefer && prefer.checked) || launch.dataset.openWhenReady === "true") {
        lmessage.textContent = "Ready. Opening " + name + "…";
        // replace: going back from the server lands on the form, not on a page that jumps ahead.
        location.replace(open.href);
      }
    };
    var failed = function (message) {
      say("Failed");
      open.hidden = true;
      back.hidden = false;
      // A failed first launch leaves no server behind to show.
      var serverPage = document.getElementById("server-page-link");
      if (serverPage) { serverPage.hidden = true; }
      if (preferForm) { preferForm.hidden = true; }
      lmessage.textContent = message;
      lmessage.classList.add("error");
    };
    if (preferForm) {
      // Saved as soon as it changes; the button is for browsers without scripts.
      preferForm.querySelector("button").hidden = true;
      prefer.addEventListener("change", function () {
        var body = new URLSearchParams(new FormData(preferForm));
        body.delete("back");
        if (!prefer.checked) { body.delete("openWhenReady"); }
        fetch(preferForm.action, {method: "POST", body: body, credentials: "same-origin"});
      });
    }
    if (launch.dataset.state === "RUNNING") {
      ready();
      return;
    }
    if (launch.dataset.state === "STOPPED") {
      return; // its last launch's events belong to a start that is over
    }
    var events = new EventSource(
        launch.dataset.events || "/api/v1/servers/" + encodeURIComponent(name) + "/events");
    var notices = document.getElementById("launch-notices");
    events.addEventListener("notice", function (e) {
      // What a pull into a volume did not apply, and why: kept on the page.
      var d = JSON.parse(e.data);
      var item = document.createElement("li");
      item.textContent = d.message;
      if (d.log && d.log.length) {
        var details = document.createElement("ul");
        d.log.forEach(function (line) {
          var li = document.createElement("li");
          li.textContent = line;
          details.appendChild(li);
        });
        item.appendChild(details);
      }
      notices.appendChild(item);
      notices.hidden = false;
    });
    var ended = false;
    ["allocating", "starting", "waiting_for_server"].forEach(function (p) {
      events.addEventListener(p, function (e) {
        mark(lphases, p, false);
        say("Launching");
        lmessage.classList.remove("error");
        lmessage.textContent = JSON.parse(e.data).message;
      });
    });
    events.addEventListener("ready", function (e) {
      ended = true;
      events.close();
      lmessage.textContent = JSON.parse(e.data).message;
      ready();
    });
    events.addEventListener("failed", function (e) {
      ended = true;
      events.close();
      var d = JSON.parse(e.data);
      var current = lphases.querySelector("li.current") || lphases.querySelector("li");
      mark(lphases, current.dataset.phase, true);
      failed(d.message);
      if (d.log && d.log.length) {
        llog.hidden = false;
        llog.textContent = d.log.join("\n");
      }
    });
    events.onerror = function () {
      events.close();
      if (!ended) {
        lmessage.textContent = "This Berth has no launch of this server in progress; see My servers.";
      }
    };
  }
})();
