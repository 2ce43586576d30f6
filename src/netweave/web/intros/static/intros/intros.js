/* Async participation, as progressive enhancement: every page works without this file.
   - record an intro in the browser (MediaRecorder) where it is supported
   - upload with a progress bar, refusing a file that is too large before sending it
   - keep a local draft of partner-form answers, restored after a reload or a dropped
     connection, and dropped once the server confirms the save */
(function () {
  "use strict";
  if (window.netweaveIntros) { window.netweaveIntros.scan(document); return; }

  function csrf(root) {
    var input = (root || document).querySelector("input[name=csrfmiddlewaretoken]") ||
      document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  /* ------------------------------------------------------------ upload */

  function upload(file, filename, url, box) {
    var progress = box.querySelector("[data-progress]");
    var message = box.querySelector("[data-message]");
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf(box));
    data.append("video", file, filename);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", csrf(box));
    progress.hidden = false;
    progress.value = 0;
    message.textContent = "Uploading…";
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) progress.value = Math.round(100 * e.loaded / e.total);
    };
    xhr.onload = function () {
      var answer = {};
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = {}; }
      if (answer.ok) { window.location.href = answer.redirect; return; }
      progress.hidden = true;
      message.textContent = answer.message ||
        "The upload did not work (error " + xhr.status + "). Your previous intro is kept.";
    };
    xhr.onerror = function () {
      progress.hidden = true;
      message.textContent = "The upload was interrupted. Check your connection and try " +
        "again; your previous intro is kept.";
    };
    xhr.send(data);
  }

  function initUploadForm(form) {
    form.setAttribute("data-ready", "1");
    var max = Number(form.getAttribute("data-max-bytes"));
    form.addEventListener("submit", function (e) {
      var input = form.querySelector("input[type=file]");
      var file = input.files && input.files[0];
      if (!file || !window.FormData) return; // the browser's own submit
      e.preventDefault();
      if (max && file.size > max) {
        form.querySelector("[data-message]").textContent = "This file is " +
          Math.round(file.size / 1048576) + " MB; intros here are at most " +
          Math.round(max / 1048576) + " MB. Trim or compress it first.";
        return;
      }
      upload(file, file.name, form.action, form);
    });
  }

  /* ------------------------------------------------------------ recording */

  function pickType() {
    var types = ["video/webm;codecs=vp9,opus", "video/webm;codecs=vp8,opus", "video/webm",
      "video/mp4;codecs=avc1,mp4a", "video/mp4"];
    for (var i = 0; i < types.length; i++) {
      if (MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(types[i])) return types[i];
    }
    return "";
  }

  function initRecorder(box) {
    box.setAttribute("data-ready", "1");
    if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder)) {
      return; // stays hidden: upload or link instead
    }
    box.hidden = false;
    var max = Number(box.getAttribute("data-max-seconds")) || 180;
    var preview = box.querySelector("[data-preview]");
    var timer = box.querySelector("[data-timer]");
    var message = box.querySelector("[data-message]");
    var stream = null, recorder = null, chunks = [], blob = null, ticking = null;
    function button(name) { return box.querySelector("[data-action=" + name + "]"); }
    function show(names) {
      ["camera", "record", "stop", "use", "again"].forEach(function (n) {
        button(n).hidden = names.indexOf(n) < 0;
      });
    }
    button("camera").addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: true })
        .then(function (s) {
          stream = s;
          preview.srcObject = s;
          preview.hidden = false;
          preview.muted = true;
          preview.play();
          show(["record"]);
          message.textContent = "";
        })
        .catch(function () {
          message.textContent = "The camera could not be turned on (permission refused, or " +
            "no camera). You can upload a video or paste a link instead.";
        });
    });
    button("record").addEventListener("click", function () {
      var type = pickType();
      chunks = [];
      recorder = new MediaRecorder(stream, type ? { mimeType: type, videoBitsPerSecond: 1500000 } : undefined);
      recorder.ondataavailable = function (e) { if (e.data && e.data.size) chunks.push(e.data); };
      recorder.onstop = function () {
        clearInterval(ticking);
        blob = new Blob(chunks, { type: recorder.mimeType || type || "video/webm" });
        preview.srcObject = null;
        preview.src = URL.createObjectURL(blob);
        preview.muted = false;
        preview.controls = true;
        timer.textContent = "";
        show(["use", "again"]);
      };
      recorder.start(1000);
      var started = Date.now();
      ticking = setInterval(function () {
        var left = max - Math.floor((Date.now() - started) / 1000);
        timer.textContent = "Recording… " + Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2) + " left";
        if (left <= 0 && recorder.state === "recording") recorder.stop();
      }, 250);
      show(["stop"]);
    });
    button("stop").addEventListener("click", function () {
      if (recorder && recorder.state === "recording") recorder.stop();
    });
    button("again").addEventListener("click", function () {
      blob = null;
      preview.controls = false;
      preview.removeAttribute("src");
      preview.srcObject = stream;
      preview.muted = true;
      preview.play();
      show(["record"]);
    });
    button("use").addEventListener("click", function () {
      if (!blob) return;
      var ext = blob.type.indexOf("mp4") >= 0 ? "mp4" : "webm";
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      show([]);
      upload(blob, "recording." + ext, box.getAttribute("data-upload-url"), box);
    });
  }

  /* ------------------------------------------------------------ drafts of answers */

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && (el.tagName === "TEXTAREA" || el.type === "text" || el.type === "checkbox");
    });
  }
  function values(form) {
    var out = {};
    fields(form).forEach(function (el) { out[el.name] = el.type === "checkbox" ? el.checked : el.value; });
    return out;
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  // htmx wires its triggers up on DOMContentLoaded, after this script ran: wait for it
  function afterHtmx(fn) {
    if (document.readyState === "complete") setTimeout(fn, 0);
    else window.addEventListener("load", fn);
  }

  function initDraft(form) {
    form.setAttribute("data-draft-ready", "1");
    var key = "netweave:" + form.getAttribute("data-draft-key");
    var savedAt = Number(form.getAttribute("data-saved-at")) || 0;
    var status = form.querySelector(".save-status");
    var storage;
    try { storage = window.localStorage; storage.getItem(key); } catch (e) { return; }
    var draft = null;
    try { draft = JSON.parse(storage.getItem(key)); } catch (e) { draft = null; }
    // five minutes of grace: the draft's clock is the phone's, the save time the server's
    if (draft && draft.values && !same(draft.values, values(form)) && draft.at + 300000 > savedAt) {
      fields(form).forEach(function (el) {
        if (!(el.name in draft.values)) return;
        if (el.type === "checkbox") el.checked = !!draft.values[el.name];
        else el.value = draft.values[el.name];
      });
      if (status) status.textContent = "Restored what you typed before; saving it now…";
      afterHtmx(function () { if (window.htmx) window.htmx.trigger(form, "change"); });
    } else if (draft) {
      storage.removeItem(key);
    }
    function keep() {
      try { storage.setItem(key, JSON.stringify({ at: Date.now(), values: values(form) })); } catch (e) { /* full */ }
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    form.addEventListener("htmx:afterRequest", function (e) {
      var xhr = e.detail && e.detail.xhr;
      if (!xhr || xhr.getResponseHeader("X-Answers-Saved") !== "1") {
        if (status && xhr && !xhr.status) status.textContent = "Offline: your answers are kept on this device and saved when you are back.";
        return;
      }
      var stored = null;
      try { stored = JSON.parse(storage.getItem(key)); } catch (err) { stored = null; }
      // typed more while saving? keep the draft: the next save sends it
      if (!stored || same(stored.values, values(form))) storage.removeItem(key);
    });
    // back online after a drop: send what was typed meanwhile
    window.addEventListener("online", function () {
      if (storage.getItem(key) && window.htmx) window.htmx.trigger(form, "change");
    });
  }

  function scan(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll("[data-recorder]:not([data-ready])").forEach(initRecorder);
    root.querySelectorAll("#upload-form:not([data-ready])").forEach(initUploadForm);
    root.querySelectorAll("form[data-draft-key]:not([data-draft-ready])").forEach(initDraft);
  }

  window.netweaveIntros = { scan: scan };
  document.addEventListener("htmx:load", function (e) { scan(e.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scan(document); });
  } else {
    scan(document);
  }
})();
