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
  var STORE_VERSION = 2;
  var STORE_PREFIX = "metroDentalChat:";
  var ACK_TIMEOUT_MS = 10000;
  var TYPING_TIMEOUT_MS = 45000;
  var MAX_SHOWN_MESSAGES = 400;

  // ---------------------------------------------------------------- languages
  //
  // Every word of the widget's own, one table per language; `t(key)` looks one up. The bot's
  // replies are not here: they come in the conversation's language from the server (domain.yml).
  // The suggestions are sent as the patient's own text, so they are worded as a patient asks.
  var STRINGS = {
    en: {
      title: "Metropolitan Dental",
      subtitle: "Virtual assistant",
      launcherLabel: "Chat with us",
      greeting:
        "Hi! I'm Metropolitan Dental's virtual assistant. Ask me about therapeutic BOTOX® " +
        "for headaches, migraines, jaw or facial pain, or I can help you request a consultation.",
      suggestions:
        "What is therapeutic BOTOX?|What can therapeutic BOTOX treat?|What are the side effects?|Who is Dr. Walters?|Book a consultation",
      languageButton: "Français",
      languageButtonLang: "fr",
      languageButtonLabel: "Français : continuer en français",
      languageMessage: "Français",
      languageChanged: "Language: English.",
      startOver: "Start over",
      closeChat: "Close chat",
      privacy: "Please don't share health details until asked. ",
      privacyLink: "How we use your information",
      conversation: "Conversation",
      typing: "The assistant is typing…",
      placeholder: "Type your message…",
      inputLabel: "Your message",
      hint: "Press Enter to send, Shift+Enter for a new line.",
      send: "Send message",
      you: "You",
      assistant: "{title} assistant",
      notice: "Notice",
      staff: "{title} front desk",
      imageAlt: "Image sent by the assistant",
      sentImage: "sent an image",
      waiting: "Waiting to send…",
      notSent: "Not sent",
      retry: "Retry",
      noAnswer: "no answer from the server.",
      refused: "the server refused it.",
      notAnswered: "the assistant couldn't answer it.",
      suggested: "Suggested replies",
      newMessage: " (new message)",
      connecting: "Connecting…",
      reconnecting: "Reconnecting… Anything you send will be delivered when the connection is back.",
      failed: "The chat can't reach the clinic's assistant right now. Please try again later.",
      historyShown: "Your conversation so far is shown again.",
      sessionLost: "Your earlier conversation couldn't be continued, so a new one has started.",
      wentWrong: "Something went wrong. Please try again.",
      startedOver: "Started a new conversation.",
      tooLong: "Your message is {n} characters long; the limit is {max}. Please shorten it.",
      tooLongServer: "That message is too long. Please shorten it.",
      tooFast: "You're sending messages faster than I can answer — please wait a moment.",
    },
    fr: {
      title: "Metropolitan Dental",
      subtitle: "Assistant virtuel",
      launcherLabel: "Clavarder avec nous",
      greeting:
        "Bonjour! Je suis l'assistant virtuel de Metropolitan Dental. Posez-moi vos questions sur le " +
        "BOTOX® thérapeutique contre les maux de tête, les migraines, la douleur à la mâchoire ou la " +
        "douleur bucco-faciale, ou je peux vous aider à demander une consultation.",
      suggestions:
        "C'est quoi le BOTOX thérapeutique?|Qu'est-ce que le BOTOX thérapeutique peut traiter?|Quels sont les effets secondaires?|" +
        "Qui est le Dr. Walters?|Je voudrais réserver une consultation",
      languageButton: "English",
      languageButtonLang: "en",
      languageButtonLabel: "English: continue in English",
      languageMessage: "English",
      languageChanged: "Langue : français.",
      startOver: "Recommencer",
      closeChat: "Fermer le clavardage",
      privacy: "Veuillez ne pas donner de renseignements sur votre santé avant qu'on vous le demande. ",
      privacyLink: "Comment nous utilisons vos renseignements",
      conversation: "Conversation",
      typing: "L'assistant écrit…",
      placeholder: "Écrivez votre message…",
      inputLabel: "Votre message",
      hint: "Appuyez sur Entrée pour envoyer, sur Maj+Entrée pour aller à la ligne.",
      send: "Envoyer le message",
      you: "Vous",
      assistant: "Assistant de {title}",
      notice: "Avis",
      staff: "Réception de {title}",
      imageAlt: "Image envoyée par l'assistant",
      sentImage: "a envoyé une image",
      waiting: "En attente d'envoi…",
      notSent: "Non envoyé",
      retry: "Réessayer",
      noAnswer: "aucune réponse du serveur.",
      refused: "le serveur l'a refusé.",
      notAnswered: "l'assistant n'a pas pu y répondre.",
      suggested: "Réponses suggérées",
      newMessage: " (nouveau message)",
      connecting: "Connexion…",
      reconnecting: "Reconnexion… Ce que vous envoyez sera transmis dès le retour de la connexion.",
      failed: "Le clavardage ne peut pas joindre l'assistant de la clinique pour le moment. Veuillez réessayer plus tard.",
      historyShown: "Votre conversation jusqu'ici est affichée de nouveau.",
      sessionLost: "Votre conversation précédente n'a pas pu être poursuivie; une nouvelle conversation a donc commencé.",
      wentWrong: "Un problème est survenu. Veuillez réessayer.",
      startedOver: "Nouvelle conversation commencée.",
      tooLong: "Votre message compte {n} caractères; la limite est de {max}. Veuillez le raccourcir.",
      tooLongServer: "Ce message est trop long. Veuillez le raccourcir.",
      tooFast: "Vous envoyez des messages plus vite que je ne peux répondre — veuillez patienter un instant.",
    },
  };
  var LANGUAGES = ["en", "fr"];

  // "fr", "fr-CA", "fr_FR" are French; any other tag is English (the clinic's page's language).
  function languageOf(tag) {
    return String(tag || "").trim().toLowerCase().replace("_", "-").split("-")[0] === "fr" ? "fr" : "en";
  }

  // The language the page asks for: the tag's data-lang, else <html lang>, else English.
  function pageLanguage() {
    if (ds.lang) return languageOf(ds.lang);
    var html = document.documentElement.getAttribute("lang");
    return html ? languageOf(html) : "en";
  }

  var PAGE_LANG = pageLanguage();
  var lang = PAGE_LANG; // the interface's language now: the page's, or the patient's choice (state.lang)

  function t(key, values) {
    var text = STRINGS[lang][key];
    if (text === undefined) text = STRINGS.en[key];
    return String(text).replace(/\{(\w+)\}/g, function (all, name) {
      return values && values[name] !== undefined ? String(values[name]) : all;
    });
  }

  // Numbers and times as the interface's language writes them ("4 500" in French).
  function locale() {
    return lang === "fr" ? "fr-CA" : undefined;
  }

  function option(name, fallback) {
    var value = ds[name];
    return value === undefined || value === "" ? fallback : value;
  }

  // Text the clinic may set on the tag: data-greeting-fr / data-greeting-en for one language,
  // data-greeting for the page's own language (data-title for both: a name), else our table.
  function text(name) {
    var own = ds[name + (lang === "fr" ? "Fr" : "En")];
    if (own) return own;
    if (ds[name] && (lang === PAGE_LANG || name === "title")) return ds[name];
    return t(name);
  }

  function suggestions() {
    return text("suggestions")
      .split("|")
      .map(function (s) { return s.trim(); })
      .filter(Boolean);
  }

  var opts = {
    serverUrl: option("serverUrl", scriptUrl.protocol + "//" + scriptUrl.hostname + ":5005").replace(/\/+$/, ""),
    socketPath: option("socketPath", "/socket.io"),
    primaryColor: option("primaryColor", "#0b5394"),
    position: option("position", "right") === "left" ? "left" : "right",
    privacyUrl: option("privacyUrl", new URL("/#privacy", scriptUrl).href),
    startOpen: option("open", "false") === "true",
    maxChars: Number(option("maxChars", "5000")) || 5000,
  };
  var STORE_KEY = STORE_PREFIX + opts.serverUrl;

  // ---------------------------------------------------------------- state and storage
  //
  // The conversation lives in this page's memory only. The tab's sessionStorage (never the
  // site's localStorage) keeps the session id and its short-lived token, whether the panel is
  // open, and messages typed while offline until the server has taken them. After a reload the
  // server replays the conversation (session_confirm's `history`).

  removeLegacyCopies();
  var state = loadState();
  if (state.lang) lang = state.lang;
  var maxChars = opts.maxChars; // the server's session_confirm says the real limit
  var limits = null; // {burst, refill_seconds, in_flight} from session_confirm
  var bucket = null; // this tab's mirror of the server's token bucket
  var earlyReplies = []; // bot messages that arrive between (re)joining and session_confirm
  var retryTimer = null;
  var rateNotice = ""; // the server's "too fast" text while a refused message waits
  var socket = null;
  var socketLoading = false;
  var sessionReady = false;
  var connection = "idle"; // idle | connecting | online | reconnecting | failed
  var generation = 0; // bumps on every disconnect: late acks from an old connection are ignored
  var flushing = false;
  var pendingTurns = {};
  var typingTimer = null;

  // lang: the language the patient chose with the header's button (null: the page's).
  function emptyState(chosen) {
    return { session: null, messages: [], open: false, lang: chosen || null };
  }

  // Earlier versions kept the whole conversation (a screening summary included) and a 90-day
  // token in the embedding site's localStorage: remove every copy.
  function removeLegacyCopies() {
    try {
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var key = localStorage.key(i);
        if (key && key.indexOf(STORE_PREFIX) === 0) localStorage.removeItem(key);
      }
    } catch (e) {
      /* storage blocked: there is nothing of ours in it either */
    }
  }

  function loadState() {
    var fresh = emptyState();
    try {
      var data = JSON.parse(sessionStorage.getItem(STORE_KEY) || "null");
      if (!data || data.v !== STORE_VERSION) return fresh;
      var s = data.session;
      if (s && typeof s.id === "string" && typeof s.token === "string") fresh.session = { id: s.id, token: s.token };
      fresh.open = data.open === true;
      if (LANGUAGES.indexOf(data.lang) >= 0) fresh.lang = data.lang;
      (Array.isArray(data.outbox) ? data.outbox : []).forEach(function (m) {
        if (m && typeof m.id === "string" && typeof m.payload === "string") {
          fresh.messages.push({
            id: m.id, from: "user", text: String(m.text || m.payload), payload: m.payload, ts: Number(m.ts) || Date.now(),
            status: "queued",
          });
        }
      });
    } catch (e) {
      /* unreadable: start clean */
    }
    return fresh;
  }

  function save() {
    if (state.messages.length > MAX_SHOWN_MESSAGES) {
      state.messages = state.messages.slice(-MAX_SHOWN_MESSAGES);
    }
    // Only what a reload needs: no bot message and nothing the server has already taken.
    var outbox = state.messages
      .filter(function (m) { return m.from === "user" && m.status === "queued"; })
      .map(function (m) { return { id: m.id, text: m.text, payload: m.payload, ts: m.ts }; });
    try {
      sessionStorage.setItem(
        STORE_KEY,
        JSON.stringify({ v: STORE_VERSION, session: state.session, open: state.open, lang: state.lang, outbox: outbox })
      );
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
      return new Date(ts).toLocaleTimeString(locale() || [], { hour: "numeric", minute: "2-digit" });
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
    [svgIcon("M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"), el("span")]
  );
  var launcherText = launcher.lastChild;

  // Every text below is set by applyLanguage(), in the interface's language.
  var titleEl = el("h2", { id: "mdw-title", className: "mdw-title" });
  var subtitleEl = el("p", { className: "mdw-subtitle" });
  // Named in the language it offers, so a patient who reads only that one finds it.
  var languageBtn = el("button", { type: "button", className: "mdw-lang" });
  var restartBtn = el("button", { type: "button", className: "mdw-restart" });
  var closeBtn = el("button", { type: "button", className: "mdw-close" }, [
    svgIcon("M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7 2.9 18.3 9.2 12 2.9 5.7 4.3 4.3l6.3 6.3 6.3-6.3z"),
  ]);
  var header = el("div", { className: "mdw-header" }, [
    el("div", { className: "mdw-heading" }, [titleEl, subtitleEl]),
    el("div", { className: "mdw-actions" }, [languageBtn, restartBtn, closeBtn]),
  ]);

  var privacyHref = safeHttpUrl(opts.privacyUrl) || "#";
  // On the page itself (the demo's #privacy) just scroll there; elsewhere open a new tab so the
  // chat stays where it was.
  var samePage = privacyHref.split("#")[0] === location.href.split("#")[0];
  var privacyText = el("span");
  var privacyLink = el("a", {
    href: privacyHref,
    target: samePage ? null : "_blank",
    rel: samePage ? null : "noopener",
  });
  var privacy = el("p", { className: "mdw-privacy" }, [privacyText, privacyLink]);

  var connEl = el("p", { className: "mdw-conn", role: "status", hidden: true });
  var log = el("ol", { className: "mdw-log", tabindex: "0" });
  var typingText = el("span");
  var typing = el("div", { className: "mdw-typing", hidden: true, "aria-hidden": "true" }, [
    el("span", { className: "mdw-dots" }, [el("span"), el("span"), el("span")]),
    typingText,
  ]);
  // New messages are read out from here (the log itself is not live, so nothing is read twice).
  var live = el("div", { className: "mdw-sr", "aria-live": "polite", "aria-atomic": "false" });

  var input = el("textarea", {
    id: "mdw-input",
    className: "mdw-input",
    rows: "1",
    autocomplete: "off",
    "aria-describedby": "mdw-hint mdw-count mdw-error",
  });
  var inputLabel = el("label", { for: "mdw-input", className: "mdw-sr" });
  var hint = el("span", { id: "mdw-hint", className: "mdw-sr" });
  var counter = el("span", { id: "mdw-count", className: "mdw-count", "aria-live": "polite" });
  var errorEl = el("p", { id: "mdw-error", className: "mdw-error", role: "alert" });
  var sendBtn = el("button", { type: "submit", className: "mdw-send" }, [
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

  // Every text of the widget's own, in the interface's language; `lang` on the panel and the
  // launcher so screen readers pronounce them right.
  function applyLanguage() {
    panel.setAttribute("lang", lang);
    launcher.setAttribute("lang", lang);
    launcherText.textContent = text("launcherLabel");
    setUnread(launcher.classList.contains("mdw-unread"));
    titleEl.textContent = text("title");
    subtitleEl.textContent = text("subtitle");
    languageBtn.textContent = t("languageButton");
    languageBtn.setAttribute("lang", t("languageButtonLang"));
    languageBtn.setAttribute("aria-label", t("languageButtonLabel"));
    restartBtn.textContent = t("startOver");
    closeBtn.setAttribute("aria-label", t("closeChat"));
    privacyText.textContent = t("privacy");
    privacyLink.textContent = t("privacyLink");
    log.setAttribute("aria-label", t("conversation"));
    typingText.textContent = t("typing");
    input.setAttribute("placeholder", t("placeholder"));
    inputLabel.textContent = t("inputLabel");
    hint.textContent = t("hint");
    sendBtn.setAttribute("aria-label", t("send"));
    showConnection();
    updateCounter();
  }

  var probe = el("span", { "aria-hidden": "true", className: "mdw-probe" });
  [stylesheet, launcher, panel, probe].forEach(function (node) { root.appendChild(node); });
  applyLanguage();

  // ---------------------------------------------------------------- rendering

  var nodes = {}; // message id -> <li>

  function renderMessage(msg) {
    var who = msg.from === "user" ? t("you") : msg.from === "bot" ? assistantName() : msg.from === "staff" ? staffName(msg) : t("notice");
    var li = el("li", { className: "mdw-msg mdw-" + msg.from, "data-id": msg.id });
    li.appendChild(el("span", { className: "mdw-sr", text: who + ": " }));
    if (msg.text) {
      var bubble = el("div", { className: "mdw-bubble" });
      // What people type (the patient, the front desk) is shown as typed: no links, no markup.
      bubble.appendChild(msg.from === "user" || msg.from === "staff" ? document.createTextNode(msg.text) : richText(msg.text));
      li.appendChild(bubble);
    }
    if (msg.image) {
      var src = safeHttpUrl(msg.image);
      if (src) {
        li.appendChild(el("img", { className: "mdw-image", src: src, alt: t("imageAlt"), loading: "lazy" }));
      }
    }
    var meta = el("div", { className: "mdw-meta" });
    if (msg.from === "staff") meta.appendChild(el("span", { className: "mdw-sender", text: staffName(msg) }));
    if (msg.ts && msg.from !== "notice") {
      meta.appendChild(el("time", { datetime: new Date(msg.ts).toISOString(), text: timeText(msg.ts) }));
    }
    if (msg.from === "user" && msg.status === "queued") {
      meta.appendChild(el("span", { className: "mdw-status", text: t("waiting") }));
    }
    if (msg.from === "user" && msg.status === "failed") {
      var reason = failureReason(msg);
      meta.appendChild(el("span", { className: "mdw-status mdw-failed", text: t("notSent") + (reason ? ": " + reason : ".") }));
      if (msg.retry) {
        var retry = el("button", { type: "button", className: "mdw-retry", text: t("retry") });
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
    var group = el("div", { className: "mdw-replies", role: "group", "aria-label": t("suggested") });
    var used = false;
    msg.buttons.forEach(function (button) {
      var b = el("button", { type: "button", className: "mdw-reply", text: button.title });
      b.addEventListener("click", function () {
        if (used) return; // a double click sends once
        used = send(button.payload, button.title); // refused (too fast): the button still works
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
      var prefix = msg.from === "bot" ? assistantName() + ": " : msg.from === "staff" ? staffName(msg) + ": " : "";
      say(prefix + (msg.text || t("sentImage")));
      if (panel.hidden) setUnread(true);
    }
    scrollToEnd();
  }

  // A reply that arrives while the panel is closed: a dot on the launcher, and its name says so.
  function setUnread(on) {
    launcher.classList.toggle("mdw-unread", on);
    launcher.setAttribute("aria-label", text("launcherLabel") + " — " + text("title") + (on ? t("newMessage") : ""));
  }

  function assistantName() {
    return t("assistant", { title: text("title") });
  }

  // Why a message wasn't sent: the server's own words in English, else ours (a key kept on the
  // message, so a change of language re-words it).
  function failureReason(msg) {
    if (msg.errorText && lang === "en") return msg.errorText;
    return msg.errorKey ? t(msg.errorKey) : "";
  }

  // A refusal's words: the server's (it writes English), or ours in the interface's language.
  function serverSays(ack, key) {
    return (lang === "en" && ack && typeof ack.message === "string" && ack.message) || t(key);
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
      typingTimer = setTimeout(function () { pendingTurns = {}; typing.hidden = true; flush(); }, TYPING_TIMEOUT_MS);
      scrollToEnd();
    }
  }

  function setConnection(value) {
    if (connection === value) return;
    connection = value;
    showConnection();
    panel.setAttribute("data-connection", value);
  }

  function showConnection() {
    // idle and online say nothing; the others are keys of STRINGS.
    var words = ["connecting", "reconnecting", "failed"].indexOf(connection) >= 0 ? t(connection) : "";
    connEl.textContent = words;
    connEl.hidden = !words;
  }

  // ---------------------------------------------------------------- messages in and out

  function addMessage(msg, announce) {
    state.messages.push(msg);
    save();
    appendMessage(msg, announce);
  }

  // keepGreeting: a change of language leaves the greeting's suggestions, now in the new language.
  function retireQuickReplies(keepGreeting) {
    state.messages.forEach(function (m) {
      if (keepGreeting && m.local) return;
      if (m.from === "bot" && m.buttons && m.buttons.length && !m.answered) {
        m.answered = true;
        updateMessage(m);
      }
    });
  }

  function showError(text) {
    errorEl.textContent = text;
  }

  function send(payload, shown, keepGreeting) {
    var text = String(payload);
    if (!text.trim()) return false;
    if (text.length > maxChars) {
      showError(t("tooLong", { n: text.length.toLocaleString(locale()), max: maxChars.toLocaleString(locale()) }));
      return false;
    }
    if (!takeToken()) {
      // The server would refuse it: say so now, and the text stays where it is.
      showError(t("tooFast"));
      return false;
    }
    showError("");
    retireQuickReplies(keepGreeting);
    addMessage(
      { id: newId(), from: "user", text: shown || text, payload: text, ts: Date.now(), status: "queued", lang: lang },
      false
    );
    connect();
    flush();
    return true;
  }

  // The server's token bucket (WIDGET_RATE_BURST, one more every WIDGET_RATE_REFILL_SECONDS),
  // mirrored so a patient typing fast is told before anything is sent.
  function takeToken() {
    if (!limits) return true; // the server hasn't said yet: it decides
    var now = Date.now();
    if (!bucket) bucket = { tokens: limits.burst, updated: now };
    bucket.tokens = Math.min(limits.burst, bucket.tokens + (now - bucket.updated) / (limits.refill_seconds * 1000));
    bucket.updated = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  function inFlight() {
    return Object.keys(pendingTurns).length;
  }

  function flushLater(ms) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () {
      retryTimer = null;
      flush();
    }, ms);
  }

  // The server refused a message as too long: it leaves the conversation and goes back into
  // the box to be shortened (before anything the patient has typed since).
  function giveBack(msg, reason) {
    state.messages = state.messages.filter(function (m) { return m !== msg; });
    var li = nodes[msg.id];
    if (li) li.remove();
    delete nodes[msg.id];
    save();
    input.value = input.value ? msg.text + "\n" + input.value : msg.text;
    autosize();
    updateCounter();
    showError(reason);
  }

  function retryMessage(msg) {
    if (msg.newIdOnRetry) msg.id = newIdFor(msg);
    msg.status = "queued";
    msg.errorKey = "";
    msg.errorText = "";
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

  // Queued messages go one at a time, in order, each confirmed by the server's ack, and no more
  // turns at once than the server allows (the rest wait for an answer: nothing is refused).
  function flush() {
    if (!sessionReady || flushing || !socket || retryTimer) return;
    if (limits && inFlight() >= limits.in_flight) return;
    var next = null;
    for (var i = 0; i < state.messages.length; i++) {
      var m = state.messages[i];
      if (m.from === "user" && m.status === "queued") { next = m; break; }
    }
    if (!next) return;
    flushing = true;
    var gen = generation;
    var msg = next;
    // `language`: the interface's language when it was typed. The server passes it to Rasa, and a
    // new session starts in it (a chat opened on a French page answers in French from the start).
    var data = { message: msg.payload, id: msg.id, language: msg.lang || lang };
    socket.timeout(ACK_TIMEOUT_MS).emit("user_uttered", data, function (err, ack) {
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
          msg.errorKey = "noAnswer";
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
      } else if (ack && (ack.code === "rate_limited" || ack.code === "busy")) {
        // Refused for now, not lost: it stays queued and goes when the server says it may.
        rateNotice = serverSays(ack, "tooFast");
        showError(rateNotice);
        flushLater(Math.max(1, Number(ack.retry_after) || 1) * 1000);
        return;
      } else if (ack && ack.code === "too_long") {
        if (typeof ack.max_chars === "number" && ack.max_chars > 0) maxChars = ack.max_chars;
        giveBack(msg, serverSays(ack, "tooLongServer"));
      } else {
        msg.status = "failed";
        msg.errorKey = "refused";
        msg.errorText = ack && typeof ack.message === "string" ? ack.message : "";
        msg.retry = !(ack && (ack.code === "too_long" || ack.code === "empty"));
        msg.newIdOnRetry = true;
        save();
        updateMessage(msg);
      }
      flush();
    });
  }

  function markSent(msg, ack) {
    if (typeof ack.token === "string" && state.session) state.session.token = ack.token; // re-issued on use
    if (msg.status === "sent") {
      save();
      return;
    }
    msg.status = "sent";
    if (rateNotice && errorEl.textContent === rateNotice) showError("");
    rateNotice = "";
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
    var msg = { id: newId(), from: "bot", text: text, image: image, buttons: buttons, ts: Date.now() };
    if (!sessionReady) {
      earlyReplies.push(msg); // shown after the history session_confirm brings
      return;
    }
    // Earlier quick replies stay until the patient answers: one turn may send several messages.
    addMessage(msg, true);
  }

  // A message from a person at the clinic (bot/channels/staff_delivery.py): who wrote it.
  function staffName(msg) {
    return t("staff", { title: text("title") }) + (msg.sender ? " (" + msg.sender + ")" : "");
  }

  function fromStaff(item) {
    if (!item || typeof item.text !== "string" || !item.text || typeof item.staff_id !== "number") return null;
    return {
      id: newId(), from: "staff", staffId: item.staff_id, text: item.text,
      sender: typeof item.sender === "string" ? item.sender : "", ts: Number(item.ts) || Date.now(),
    };
  }

  function showsStaff(staffId) {
    return state.messages.some(function (m) { return m.from === "staff" && m.staffId === staffId; });
  }

  function receiveStaff(data) {
    var msg = fromStaff(data);
    if (!msg || showsStaff(msg.staffId)) return; // a replay and a live copy: shown once
    if (!sessionReady) {
      earlyReplies.push(msg);
      return;
    }
    addMessage(msg, true);
  }

  // The server's record of this session, shown after a reload (the browser keeps none).
  function fromHistory(item) {
    if (item && item.from === "staff") return fromStaff(item);
    if (!item || (item.from !== "user" && item.from !== "bot")) return null;
    var msg = { id: newId(), from: item.from, text: typeof item.text === "string" ? item.text : "", ts: Number(item.ts) || Date.now() };
    if (item.from === "user") {
      msg.status = "sent";
      msg.payload = msg.text;
    } else {
      msg.image = typeof item.image === "string" ? item.image : null;
      msg.buttons = (Array.isArray(item.buttons) ? item.buttons : [])
        .filter(function (b) { return b && typeof b.title === "string"; })
        .map(function (b) { return { title: b.title, payload: typeof b.payload === "string" ? b.payload : b.title }; });
    }
    return msg.text || msg.image || (msg.buttons && msg.buttons.length) ? msg : null;
  }

  function showsServerMessages() {
    return state.messages.some(function (m) {
      return (m.from === "bot" && !m.local) || m.from === "staff" || (m.from === "user" && m.status !== "queued");
    });
  }

  function applyHistory(history) {
    var early = earlyReplies;
    earlyReplies = [];
    var restored = [];
    if (Array.isArray(history) && history.length && !showsServerMessages()) {
      restored = history.map(fromHistory).filter(Boolean);
    }
    if (restored.length) {
      var local = state.messages.filter(function (m) { return m.local && m.from === "bot"; });
      if (!local.length) local = [greeting()];
      var queued = state.messages.filter(function (m) { return m.from === "user" && m.status === "queued"; });
      var notices = state.messages.filter(function (m) { return m.from === "notice"; });
      state.messages = local.concat(notices, restored, queued);
      // A quick reply the patient has answered since is spent.
      var answered = false;
      for (var i = state.messages.length - 1; i >= 0; i--) {
        var m = state.messages[i];
        if (m.from === "user") answered = true;
        else if (m.from === "bot" && answered) m.answered = true;
      }
      if (queued.length) retireQuickReplies();
      renderAll();
      if (!panel.hidden) say(t("historyShown"));
    }
    // Back after a dropped connection (the page kept its messages): the front desk's messages
    // written meanwhile are in the history; show those this page lacks.
    if (!restored.length && Array.isArray(history)) {
      history.forEach(function (item) {
        var msg = item && item.from === "staff" ? fromStaff(item) : null;
        if (msg && !showsStaff(msg.staffId)) addMessage(msg, true);
      });
    }
    // Replies that arrived while joining: shown unless the history already holds them.
    var recent = state.messages.slice(-early.length - 5).map(function (m) { return m.from + "\u0000" + m.text; });
    early.forEach(function (msg) {
      if (msg.from === "staff" ? !showsStaff(msg.staffId) : recent.indexOf("bot\u0000" + msg.text) < 0) addMessage(msg, true);
    });
  }

  function notice(text) {
    addMessage({ id: newId(), from: "notice", text: text, ts: Date.now() }, true);
  }

  // Shown by the widget itself: never sent to or stored by the server.
  function greeting() {
    var msg = { id: newId(), from: "bot", local: true, ts: Date.now() };
    return worded(msg);
  }

  // The greeting and its suggestions in the interface's language (again after a switch).
  function worded(msg) {
    msg.text = text("greeting");
    msg.buttons = suggestions().map(function (s) { return { title: s, payload: s }; });
    return msg;
  }

  function greet() {
    if (state.messages.length) return;
    addMessage(greeting(), false);
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
      socket.on("staff_uttered", receiveStaff);
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
    clearTimeout(retryTimer);
    retryTimer = null;
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
    var l = data.limits;
    if (l && l.burst > 0 && l.refill_seconds > 0 && l.in_flight > 0) {
      limits = { burst: Number(l.burst), refill_seconds: Number(l.refill_seconds), in_flight: Number(l.in_flight) };
    }
    sessionReady = true;
    if (!data.resumed) earlyReplies = []; // a new session has said nothing yet: those were the old one's
    applyHistory(data.history);
    save();
    setConnection("online");
    updateCounter();
    flush();
  }

  function onChatError(error) {
    if (!error) return;
    if (error.code === "invalid_session") {
      // Someone else's (or an expired) session: nothing of it was sent. Start clean.
      state = emptyState(state.lang);
      state.open = !panel.hidden;
      save();
      renderAll();
      notice(t("sessionLost"));
      greet();
      requestSession();
    } else if (!error.id) {
      showError(serverSays(error, "wentWrong"));
    }
  }

  function onTurnDone(data) {
    var id = data && data.id;
    if (id && pendingTurns[id]) delete pendingTurns[id];
    flush(); // a turn has ended: the next queued message may go
    if (data && data.ok === false && id) {
      for (var i = 0; i < state.messages.length; i++) {
        var m = state.messages[i];
        if (m.id === id) {
          m.status = "failed";
          m.errorKey = "notAnswered";
          m.retry = true;
          m.newIdOnRetry = true;
          save();
          updateMessage(m);
        }
      }
    }
    if (!Object.keys(pendingTurns).length) setTyping(false);
  }

  // ---------------------------------------------------------------- the language button

  // The header's button: the interface changes at once, and "Français" / "English" goes to the
  // bot as the patient's message, which it answers as a request to switch (bot/nlp/language.py).
  // The choice is kept for this tab (sessionStorage), over the page's language.
  function switchLanguage() {
    var message = t("languageMessage");
    lang = lang === "fr" ? "en" : "fr";
    state.lang = lang;
    state.messages.forEach(function (m) {
      if (m.local && m.from === "bot") worded(m);
    });
    showError("");
    save();
    applyLanguage();
    renderAll();
    say(t("languageChanged"));
    send(message, null, true);
    input.focus();
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
    state = emptyState(state.lang); // a new conversation, in the language the patient chose
    state.open = true;
    earlyReplies = [];
    clearTimeout(retryTimer);
    retryTimer = null;
    pendingTurns = {};
    setTyping(false);
    showError("");
    save();
    renderAll();
    greet();
    say(t("startedOver"));
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
    counter.textContent = n > maxChars * 0.8 ? n.toLocaleString(locale()) + " / " + maxChars.toLocaleString(locale()) : "";
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
  languageBtn.addEventListener("click", switchLanguage);
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
