/*!
 * Metropolitan Dental chat widget. Vanilla JavaScript, no build step, no CDN.
 * Embed with one tag (options in docs/widget.md):
 *   <script src="https://…/widget/widget.js" data-server-url="https://…:5005" defer></script>
 * Everything the bot or the patient wrote is rendered with textContent, never as HTML.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__metroDentalWidget) {
    return; // loaded twice, or as a module: one widget per page
  }
  window.__metroDentalWidget = true;

  var ds = script.dataset;
  var scriptUrl = new URL(script.src, location.href);
  var BASE = new URL(".", scriptUrl).href; // widget.css and vendor/ sit next to widget.js
  var STORE_VERSION = 1;
  var ACK_TIMEOUT_MS = 10000;
  var TYPING_TIMEOUT_MS = 45000;
  var MAX_STORED_MESSAGES = 200;

  function option(name, fallback) {
    var value = ds[name];
    return value === undefined || value === "" ? fallback : value;
  }

  var opts = {
    serverUrl: option("serverUrl", scriptUrl.protocol + "//" + scriptUrl.hostname + ":5005").replace(/\/+$/, ""),
    socketPath: option("socketPath", "/socket.io"),
    title: option("title", "Metropolitan Dental"),
    subtitle: option("subtitle", "Virtual assistant"),
    launcherLabel: option("launcherLabel", "Chat with us"),
    greeting: option(
      "greeting",
      "Hi! I'm Metropolitan Dental's virtual assistant. Ask me about therapeutic BOTOX® " +
        "for headaches, migraines, jaw or facial pain, or I can help you request a consultation."
    ),
    suggestions: option(
      "suggestions",
      "What is therapeutic BOTOX?|What can therapeutic BOTOX treat?|What are the side effects?|Who is Dr. Walters?|Book a consultation"
    )
      .split("|")
      .map(function (s) { return s.trim(); })
      .filter(Boolean),
    primaryColor: option("primaryColor", "#0b5394"),
    position: option("position", "right") === "left" ? "left" : "right",
    privacyUrl: option("privacyUrl", new URL("/#privacy", scriptUrl).href),
    historyHours: Number(option("historyHours", "24")) || 24,
    startOpen: option("open", "false") === "true",
    maxChars: Number(option("maxChars", "1000")) || 1000,
  };
  var STORE_KEY = "metroDentalChat:" + opts.serverUrl;

  // ---------------------------------------------------------------- state and storage

  var state = loadState();
  var maxChars = opts.maxChars; // the server's session_confirm says the real limit
  var socket = null;
  var socketLoading = false;
  var sessionReady = false;
  var connection = "idle"; // idle | connecting | online | reconnecting | failed
  var generation = 0; // bumps on every disconnect: late acks from an old connection are ignored
  var flushing = false;
  var pendingTurns = {};
  var typingTimer = null;

  function emptyState() {
    return { v: STORE_VERSION, session: null, messages: [], open: false, savedAt: Date.now() };
  }

  function loadState() {
    try {
      var raw = localStorage.getItem(STORE_KEY);
      var data = raw ? JSON.parse(raw) : null;
      if (!data || data.v !== STORE_VERSION || !Array.isArray(data.messages)) {
        return emptyState();
      }
      // Health answers should not sit in a shared browser for ever: old conversations expire.
      if (Date.now() - (data.savedAt || 0) > opts.historyHours * 3600 * 1000) {
        localStorage.removeItem(STORE_KEY);
        return emptyState();
      }
      return data;
    } catch (e) {
      return emptyState();
    }
  }

  function save() {
    state.savedAt = Date.now();
    if (state.messages.length > MAX_STORED_MESSAGES) {
      state.messages = state.messages.slice(-MAX_STORED_MESSAGES);
    }
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify(state));
    } catch (e) {
      /* private mode or full storage: the chat still works, it just won't survive a reload */
    }
  }

  function newId() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // ---------------------------------------------------------------- DOM helpers

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) return;
        if (key === "text") node.textContent = value;
        else if (key === "className") node.className = value;
        else node.setAttribute(key, value === true ? "" : value);
      });
    }
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function svgIcon(pathData) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "24");
    svg.setAttribute("height", "24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", pathData);
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }

  function safeHttpUrl(value) {
    try {
      var url = new URL(value, location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  var LINK_RE = /\[([^\]\n]{1,200})\]\((https?:\/\/[^\s)]+)\)|(https?:\/\/[^\s<>"']+)/g;

  // Text with links as <a> elements, built node by node: never innerHTML.
  function richText(text) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    var match;
    LINK_RE.lastIndex = 0;
    while ((match = LINK_RE.exec(text)) !== null) {
      var label = match[1];
      var href = match[2] || match[3];
      var raw = match[0];
      var trailing = "";
      if (!label) {
        // "see https://example.com." — the full stop belongs to the sentence, not the link.
        var trail = /[.,;:!?)\]]+$/.exec(href);
        if (trail) {
          trailing = trail[0];
          href = href.slice(0, -trailing.length);
          raw = href;
        }
      }
      fragment.appendChild(document.createTextNode(text.slice(last, match.index)));
      var safe = safeHttpUrl(href);
      if (safe) {
        fragment.appendChild(
          el("a", { href: safe, target: "_blank", rel: "noopener noreferrer", text: label || href })
        );
      } else {
        fragment.appendChild(document.createTextNode(raw));
      }
      if (trailing) fragment.appendChild(document.createTextNode(trailing));
      last = match.index + match[0].length;
    }
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  function timeText(ts) {
    try {
      return new Date(ts).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
    } catch (e) {
      return "";
    }
  }

  // ---------------------------------------------------------------- colours (WCAG AA)

  function luminance(rgb) {
    var c = rgb.map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  function contrast(a, b) {
    var la = luminance(a);
    var lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function parseRgb(value) {
    var m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(value || "");
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
  }

  // The clinic picks the brand colour; we pick text colours that stay readable on it.
  function applyColours(host, probe) {
    var colour = opts.primaryColor;
    if (!window.CSS || !CSS.supports("color", colour)) colour = "#0b5394";
    probe.style.color = colour;
    var rgb = parseRgb(getComputedStyle(probe).color) || [11, 83, 148];
    var white = [255, 255, 255];
    host.style.setProperty("--mdw-primary", colour);
    host.style.setProperty("--mdw-on-primary", contrast(rgb, white) >= 4.5 ? "#ffffff" : "#1a1a1a");
    // Quick-reply buttons and links use the colour as text on white: only if it reads.
    host.style.setProperty("--mdw-primary-text", contrast(rgb, white) >= 4.5 ? colour : "#1a1a1a");
    host.style.setProperty("--mdw-focus", contrast(rgb, white) >= 3 ? colour : "#1a1a1a");
  }

  // ---------------------------------------------------------------- build the widget

  var host = el("div", { id: "metro-dental-chat", "data-position": opts.position });
  host.style.display = "none"; // until the stylesheet has loaded: no flash of unstyled buttons
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;

  var stylesheet = el("link", { rel: "stylesheet", href: BASE + "widget.css" });
  stylesheet.addEventListener("load", function () { host.style.display = ""; });
  stylesheet.addEventListener("error", function () { host.style.display = ""; });

  var launcher = el(
    "button",
    {
      type: "button",
      className: "mdw-launcher",
      "aria-expanded": "false",
      "aria-controls": "mdw-panel",
    },
    [svgIcon("M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"), el("span", { text: opts.launcherLabel })]
  );

  var titleEl = el("h2", { id: "mdw-title", className: "mdw-title", text: opts.title });
  var subtitleEl = el("p", { className: "mdw-subtitle", text: opts.subtitle });
  var restartBtn = el("button", { type: "button", className: "mdw-restart", text: "Start over" });
  var closeBtn = el("button", { type: "button", className: "mdw-close", "aria-label": "Close chat" }, [
    svgIcon("M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7 2.9 18.3 9.2 12 2.9 5.7 4.3 4.3l6.3 6.3 6.3-6.3z"),
  ]);
  var header = el("div", { className: "mdw-header" }, [
    el("div", { className: "mdw-heading" }, [titleEl, subtitleEl]),
    el("div", { className: "mdw-actions" }, [restartBtn, closeBtn]),
  ]);

  var privacyHref = safeHttpUrl(opts.privacyUrl) || "#";
  // On the page itself (the demo's #privacy) just scroll there; elsewhere open a new tab so the
  // chat stays where it was.
  var samePage = privacyHref.split("#")[0] === location.href.split("#")[0];
  var privacy = el("p", { className: "mdw-privacy" }, [
    "Please don't share health details until asked. ",
    el("a", {
      href: privacyHref,
      target: samePage ? null : "_blank",
      rel: samePage ? null : "noopener",
      text: "How we use your information",
    }),
  ]);

  var connEl = el("p", { className: "mdw-conn", role: "status", hidden: true });
  var log = el("ol", { className: "mdw-log", "aria-label": "Conversation", tabindex: "0" });
  var typing = el("div", { className: "mdw-typing", hidden: true, "aria-hidden": "true" }, [
    el("span", { className: "mdw-dots" }, [el("span"), el("span"), el("span")]),
    el("span", { text: "The assistant is typing…" }),
  ]);
  // New messages are read out from here (the log itself is not live, so nothing is read twice).
  var live = el("div", { className: "mdw-sr", "aria-live": "polite", "aria-atomic": "false" });

  var input = el("textarea", {
    id: "mdw-input",
    className: "mdw-input",
    rows: "1",
    autocomplete: "off",
    "aria-describedby": "mdw-hint mdw-count mdw-error",
    placeholder: "Type your message…",
  });
  var inputLabel = el("label", { for: "mdw-input", className: "mdw-sr", text: "Your message" });
  var hint = el("span", { id: "mdw-hint", className: "mdw-sr", text: "Press Enter to send, Shift+Enter for a new line." });
  var counter = el("span", { id: "mdw-count", className: "mdw-count", "aria-live": "polite" });
  var errorEl = el("p", { id: "mdw-error", className: "mdw-error", role: "alert" });
  var sendBtn = el("button", { type: "submit", className: "mdw-send", "aria-label": "Send message" }, [
    svgIcon("M2 21 23 12 2 3v7l15 2-15 2z"),
  ]);
  var form = el("form", { className: "mdw-form", novalidate: true }, [
    inputLabel,
    hint,
    el("div", { className: "mdw-row" }, [input, sendBtn]),
    el("div", { className: "mdw-below" }, [errorEl, counter]),
  ]);

  var panel = el(
    "div",
    { id: "mdw-panel", className: "mdw-panel", role: "dialog", "aria-labelledby": "mdw-title", hidden: true },
    [header, privacy, connEl, log, typing, form, live]
  );
  launcher.setAttribute("aria-label", opts.launcherLabel + " — " + opts.title);

  var probe = el("span", { "aria-hidden": "true", className: "mdw-probe" });
  [stylesheet, launcher, panel, probe].forEach(function (node) { root.appendChild(node); });

  // ---------------------------------------------------------------- rendering

  var nodes = {}; // message id -> <li>

  function renderMessage(msg) {
    var who = msg.from === "user" ? "You" : msg.from === "bot" ? opts.title + " assistant" : "Notice";
    var li = el("li", { className: "mdw-msg mdw-" + msg.from, "data-id": msg.id });
    li.appendChild(el("span", { className: "mdw-sr", text: who + ": " }));
    if (msg.text) {
      var bubble = el("div", { className: "mdw-bubble" });
      bubble.appendChild(msg.from === "user" ? document.createTextNode(msg.text) : richText(msg.text));
      li.appendChild(bubble);
    }
    if (msg.image) {
      var src = safeHttpUrl(msg.image);
      if (src) {
        li.appendChild(el("img", { className: "mdw-image", src: src, alt: "Image sent by the assistant", loading: "lazy" }));
      }
    }
    var meta = el("div", { className: "mdw-meta" });
    if (msg.ts && msg.from !== "notice") {
      meta.appendChild(el("time", { datetime: new Date(msg.ts).toISOString(), text: timeText(msg.ts) }));
    }
    if (msg.from === "user" && msg.status === "queued") {
      meta.appendChild(el("span", { className: "mdw-status", text: "Waiting to send…" }));
    }
    if (msg.from === "user" && msg.status === "failed") {
      meta.appendChild(el("span", { className: "mdw-status mdw-failed", text: "Not sent" + (msg.error ? ": " + msg.error : ".") }));
      if (msg.retry) {
        var retry = el("button", { type: "button", className: "mdw-retry", text: "Retry" });
        retry.addEventListener("click", function () { retryMessage(msg); });
        meta.appendChild(retry);
      }
    }
    if (meta.childNodes.length) li.appendChild(meta);
    if (msg.from === "bot" && msg.buttons && msg.buttons.length && !msg.answered) {
      li.appendChild(renderReplies(msg));
    }
    return li;
  }

  function renderReplies(msg) {
    var group = el("div", { className: "mdw-replies", role: "group", "aria-label": "Suggested replies" });
    var used = false;
    msg.buttons.forEach(function (button) {
      var b = el("button", { type: "button", className: "mdw-reply", text: button.title });
      b.addEventListener("click", function () {
        if (used) return; // a double click sends once
        used = true;
        send(button.payload, button.title);
        input.focus();
      });
      group.appendChild(b);
    });
    return group;
  }

  function appendMessage(msg, announce) {
    var li = renderMessage(msg);
    nodes[msg.id] = li;
    log.appendChild(li);
    if (announce && msg.from !== "user") {
      say((msg.from === "bot" ? opts.title + " assistant: " : "") + (msg.text || "sent an image"));
      if (panel.hidden) setUnread(true);
    }
    scrollToEnd();
  }

  // A reply that arrives while the panel is closed: a dot on the launcher, and its name says so.
  function setUnread(on) {
    launcher.classList.toggle("mdw-unread", on);
    launcher.setAttribute("aria-label", opts.launcherLabel + " — " + opts.title + (on ? " (new message)" : ""));
  }

  function updateMessage(msg) {
    var old = nodes[msg.id];
    if (!old) return;
    var li = renderMessage(msg);
    nodes[msg.id] = li;
    old.replaceWith(li);
  }

  function renderAll() {
    log.textContent = "";
    nodes = {};
    state.messages.forEach(function (msg) { appendMessage(msg, false); });
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function say(text) {
    var p = el("p", { text: text });
    live.appendChild(p);
    while (live.childNodes.length > 3) live.removeChild(live.firstChild);
  }

  function setTyping(on) {
    typing.hidden = !on;
    clearTimeout(typingTimer);
    if (on) {
      // A lost reply must not leave the dots on for ever.
      typingTimer = setTimeout(function () { pendingTurns = {}; typing.hidden = true; }, TYPING_TIMEOUT_MS);
      scrollToEnd();
    }
  }

  var CONNECTION_TEXT = {
    connecting: "Connecting…",
    reconnecting: "Reconnecting… Anything you send will be delivered when the connection is back.",
    failed: "The chat can't reach the clinic's assistant right now. Please try again later.",
  };

  function setConnection(value) {
    if (connection === value) return;
    connection = value;
    var text = CONNECTION_TEXT[value] || "";
    connEl.textContent = text;
    connEl.hidden = !text;
    panel.setAttribute("data-connection", value);
  }

  // ---------------------------------------------------------------- messages in and out

  function addMessage(msg, announce) {
    state.messages.push(msg);
    save();
    appendMessage(msg, announce);
  }

  function retireQuickReplies() {
    state.messages.forEach(function (m) {
      if (m.from === "bot" && m.buttons && m.buttons.length && !m.answered) {
        m.answered = true;
        updateMessage(m);
      }
    });
  }

  function showError(text) {
    errorEl.textContent = text;
  }

  function send(payload, shown) {
    var text = String(payload);
    if (!text.trim()) return false;
    if (text.length > maxChars) {
      showError(
        "Your message is " + text.length.toLocaleString() + " characters long; the limit is " +
          maxChars.toLocaleString() + ". Please shorten it."
      );
      return false;
    }
    showError("");
    retireQuickReplies();
    addMessage({ id: newId(), from: "user", text: shown || text, payload: text, ts: Date.now(), status: "queued" }, false);
    connect();
    flush();
    return true;
  }

  function retryMessage(msg) {
    if (msg.newIdOnRetry) msg.id = newIdFor(msg);
    msg.status = "queued";
    msg.error = "";
    msg.retry = false;
    save();
    updateMessage(msg);
    flush();
  }

  function newIdFor(msg) {
    var li = nodes[msg.id];
    var id = newId();
    if (li) {
      delete nodes[msg.id];
      nodes[id] = li;
    }
    return id;
  }

  // Queued messages go one at a time, in order, each confirmed by the server's ack.
  function flush() {
    if (!sessionReady || flushing || !socket) return;
    var next = null;
    for (var i = 0; i < state.messages.length; i++) {
      var m = state.messages[i];
      if (m.from === "user" && m.status === "queued") { next = m; break; }
    }
    if (!next) return;
    flushing = true;
    var gen = generation;
    var msg = next;
    socket.timeout(ACK_TIMEOUT_MS).emit("user_uttered", { message: msg.payload, id: msg.id }, function (err, ack) {
      if (gen !== generation) {
        // The connection dropped meanwhile: the message stays queued and is resent (the server
        // drops a copy it already has) unless this late ack says it was taken.
        if (!err && ack && ack.ok) markSent(msg, ack);
        return;
      }
      flushing = false;
      if (err) {
        if (socket.connected) {
          msg.status = "failed";
          msg.error = "no answer from the server.";
          msg.retry = true;
          msg.newIdOnRetry = false; // same id: if it did arrive, the server ignores the copy
          save();
          updateMessage(msg);
        }
        return;
      }
      if (ack && ack.ok) {
        markSent(msg, ack);
      } else if (ack && ack.code === "no_session") {
        sessionReady = false; // stays queued until the session is confirmed
        return;
      } else {
        msg.status = "failed";
        msg.error = (ack && ack.message) || "the server refused it.";
        msg.retry = !(ack && (ack.code === "too_long" || ack.code === "empty"));
        msg.newIdOnRetry = true;
        save();
        updateMessage(msg);
      }
      flush();
    });
  }

  function markSent(msg, ack) {
    if (msg.status === "sent") return;
    msg.status = "sent";
    save();
    updateMessage(msg);
    if (!ack.duplicate) {
      pendingTurns[msg.id] = true;
      setTyping(true);
    }
  }

  function receiveBot(data) {
    if (!data || typeof data !== "object") return;
    var buttons = (data.quick_replies || data.buttons || [])
      .filter(function (b) { return b && typeof b.title === "string"; })
      .map(function (b) { return { title: b.title, payload: typeof b.payload === "string" ? b.payload : b.title }; });
    var image = null;
    if (data.attachment && data.attachment.type === "image" && data.attachment.payload) {
      image = data.attachment.payload.src || null;
    } else if (typeof data.image === "string") {
      image = data.image;
    }
    var text = typeof data.text === "string" ? data.text : "";
    if (!text && !image && !buttons.length) return;
    // Earlier quick replies stay until the patient answers: one turn may send several messages.
    addMessage({ id: newId(), from: "bot", text: text, image: image, buttons: buttons, ts: Date.now() }, true);
  }

  function notice(text) {
    addMessage({ id: newId(), from: "notice", text: text, ts: Date.now() }, true);
  }

  function greet() {
    if (state.messages.length) return;
    var buttons = opts.suggestions.map(function (s) { return { title: s, payload: s }; });
    addMessage({ id: newId(), from: "bot", local: true, text: opts.greeting, buttons: buttons, ts: Date.now() }, false);
  }

  // ---------------------------------------------------------------- the connection

  function loadSocketIo(done) {
    var previous = window.io;
    var tag = document.createElement("script");
    tag.src = BASE + "vendor/socket.io.min.js";
    tag.async = true;
    tag.onload = function () {
      var ours = window.io;
      // Leave the page's own `io` (if it had one) as it was.
      if (previous) window.io = previous;
      else { try { delete window.io; } catch (e) { window.io = undefined; } }
      done(ours);
    };
    tag.onerror = function () { done(null); };
    document.head.appendChild(tag);
  }

  function connect() {
    if (socket || socketLoading) return;
    socketLoading = true;
    setConnection("connecting");
    loadSocketIo(function (io) {
      socketLoading = false;
      if (!io) {
        setConnection("failed");
        return;
      }
      socket = io(opts.serverUrl, {
        path: opts.socketPath,
        reconnectionDelay: 1000,
        reconnectionDelayMax: 5000,
        withCredentials: false,
      });
      socket.on("connect", requestSession);
      socket.on("session_confirm", onSessionConfirm);
      socket.on("chat_error", onChatError);
      socket.on("bot_uttered", receiveBot);
      socket.on("bot_turn_done", onTurnDone);
      socket.on("disconnect", function (reason) {
        dropped();
        if (reason === "io server disconnect") {
          setTimeout(function () { socket.connect(); }, 1000); // the client won't retry this by itself
        }
      });
      socket.on("connect_error", function () {
        dropped();
        if (!socket.active) setTimeout(function () { socket.connect(); }, 3000);
      });
    });
  }

  function dropped() {
    generation++;
    sessionReady = false;
    flushing = false;
    pendingTurns = {};
    setTyping(false);
    setConnection("reconnecting");
  }

  function requestSession() {
    var s = state.session;
    socket.emit("session_request", s ? { session_id: s.id, token: s.token } : {});
  }

  function onSessionConfirm(data) {
    if (!data || typeof data.session_id !== "string") return;
    state.session = { id: data.session_id, token: data.token };
    if (typeof data.max_chars === "number" && data.max_chars > 0) maxChars = data.max_chars;
    save();
    sessionReady = true;
    setConnection("online");
    updateCounter();
    flush();
  }

  function onChatError(error) {
    if (!error) return;
    if (error.code === "invalid_session") {
      // Someone else's (or an expired) session: nothing of it was sent. Start clean.
      state = emptyState();
      state.open = !panel.hidden;
      save();
      renderAll();
      notice("Your earlier conversation couldn't be continued, so a new one has started.");
      greet();
      requestSession();
    } else if (!error.id) {
      showError(error.message || "Something went wrong. Please try again.");
    }
  }

  function onTurnDone(data) {
    var id = data && data.id;
    if (id && pendingTurns[id]) delete pendingTurns[id];
    if (data && data.ok === false && id) {
      for (var i = 0; i < state.messages.length; i++) {
        var m = state.messages[i];
        if (m.id === id) {
          m.status = "failed";
          m.error = "the assistant couldn't answer it.";
          m.retry = true;
          m.newIdOnRetry = true;
          save();
          updateMessage(m);
        }
      }
    }
    if (!Object.keys(pendingTurns).length) setTyping(false);
  }

  // ---------------------------------------------------------------- open, close, start over

  function openPanel() {
    setUnread(false);
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    host.setAttribute("data-open", "true");
    state.open = true;
    greet();
    save();
    connect();
    scrollToEnd();
    input.focus();
  }

  function closePanel() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    host.removeAttribute("data-open");
    state.open = false;
    save();
    launcher.focus();
  }

  function startOver() {
    state = emptyState();
    state.open = true;
    pendingTurns = {};
    setTyping(false);
    showError("");
    save();
    renderAll();
    greet();
    say("Started a new conversation.");
    if (socket && socket.connected) {
      sessionReady = false;
      requestSession(); // no token: the server issues a new session and leaves the old room
    } else {
      connect();
    }
    input.focus();
  }

  function updateCounter() {
    var n = input.value.length;
    counter.textContent = n > maxChars * 0.8 ? n.toLocaleString() + " / " + maxChars.toLocaleString() : "";
    counter.classList.toggle("mdw-over", n > maxChars);
  }

  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 140) + "px";
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) openPanel();
    else closePanel();
  });
  closeBtn.addEventListener("click", closePanel);
  launcher.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) closePanel();
  });
  restartBtn.addEventListener("click", startOver);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.stopPropagation();
      closePanel();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (send(input.value)) {
      input.value = "";
      autosize();
      updateCounter();
    }
    input.focus();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });
  input.addEventListener("input", function () {
    autosize();
    updateCounter();
    if (input.value.length <= maxChars) showError("");
  });
  // Another tab of the same site started over (or its conversation expired): follow it. Within
  // one session each tab keeps its own view; both receive the bot's replies anyway.
  window.addEventListener("storage", function (event) {
    if (event.key !== STORE_KEY) return;
    var incoming = loadState();
    var theirs = incoming.session && incoming.session.id;
    var ours = state.session && state.session.id;
    if (theirs === ours || (!theirs && incoming.messages.length)) return;
    incoming.open = !panel.hidden;
    state = incoming;
    pendingTurns = {};
    setTyping(false);
    renderAll();
    if (!panel.hidden) greet();
    if (socket && socket.connected && theirs) {
      sessionReady = false;
      requestSession();
    }
  });

  // ---------------------------------------------------------------- start

  function start() {
    document.body.appendChild(host);
    applyColours(host, probe);
    renderAll();
    if (state.open || opts.startOpen) {
      openPanel();
    } else if (state.session) {
      connect(); // a conversation is under way: be ready for it
    }
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);

  // For tests and the host page: the current state, read-only.
  window.MetroDentalChat = {
    open: function () { if (panel.hidden) openPanel(); },
    close: function () { if (!panel.hidden) closePanel(); },
    get connection() { return connection; },
  };
})();
