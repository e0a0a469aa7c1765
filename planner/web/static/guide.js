// The guided session: runs the session's steps (given by the page as JSON, worked out by the planner)
// with spoken cues, a vibration and a beep at each change, and the screen kept awake. Where the
// session stands is worked out from timestamps, never by counting ticks, so a phone that was locked
// (timers throttled or stopped) shows the right step as soon as it is looked at again.
// The page works without this script: the button to start stays hidden.
(function () {
  "use strict";
  const root = document.querySelector("[data-guide]");
  const source = document.getElementById("guide-steps");
  if (!root || !source) return;
  const guide = JSON.parse(source.textContent);
  const steps = guide.steps;
  const starts = [];
  let total = 0;
  for (const step of steps) {
    starts.push(total);
    total += step.seconds;
  }
  const $ = (name) => root.querySelector("[data-guide-" + name + "]");
  const storageKey = "rp-guide:" + guide.key;
  // startedAt: ms since the epoch; pausedAt: ms or null; pausedFor: ms spent paused; skipped: s skipped
  let state = null;
  let shown = -1;
  let ticker = null;
  let wakeLock = null;
  let audio = null;

  function now() { return Date.now(); }
  function elapsed() {
    if (!state) return 0;
    const at = state.pausedAt === null ? now() : state.pausedAt;
    return (at - state.startedAt - state.pausedFor) / 1000 + state.skipped;
  }
  function stepAt(seconds) {
    for (let i = steps.length - 1; i >= 0; i--) if (seconds >= starts[i]) return i;
    return 0;
  }
  function clock(seconds) {
    const s = Math.max(0, Math.ceil(seconds));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }
  function save() {
    try {
      if (state) localStorage.setItem(storageKey, JSON.stringify(state));
      else localStorage.removeItem(storageKey);
    } catch (error) { /* private browsing: the session still runs, it is just not kept */ }
  }
  function say(text) {
    try {
      if (!("speechSynthesis" in window)) return;
      window.speechSynthesis.cancel();
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = document.documentElement.lang || "en";
      window.speechSynthesis.speak(utterance);
    } catch (error) { /* no voice: the screen and the beep still tell */ }
  }
  function beep() {
    try {
      if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
      if (!audio) return;
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.2;
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.25);
    } catch (error) { /* no sound: the spoken cue and the screen still tell */ }
  }
  async function keepAwake() {
    try {
      if ("wakeLock" in navigator && document.visibilityState === "visible" && !wakeLock) {
        wakeLock = await navigator.wakeLock.request("screen");
        wakeLock.addEventListener("release", () => { wakeLock = null; });
      }
    } catch (error) { wakeLock = null; /* refused (battery saver): the timer still runs */ }
  }
  function letSleep() {
    if (wakeLock) wakeLock.release().catch(() => {});
    wakeLock = null;
  }

  function render() {
    if (!state) return;
    const seconds = elapsed();
    if (seconds >= total) { finish(); return; }
    const index = stepAt(seconds);
    const step = steps[index];
    if (index !== shown) {
      const first = shown === -1;
      shown = index;
      $("part").textContent = step.part + " · " + guide.words.step.replace("{nth}", index + 1).replace("{total}", steps.length);
      $("now").textContent = step.text;
      const next = steps[index + 1];
      $("next").textContent = next ? guide.words.next.replace("{text}", next.text) : "";
      root.dataset.step = String(index);
      root.dataset.kind = step.kind;
      if (!first || state.announce) {
        beep();
        say(step.text);
      }
      state.announce = false;
    }
    $("clock").textContent = clock(starts[index] + step.seconds - seconds);
    $("progress").value = Math.floor(seconds);
    $("pause").textContent = state.pausedAt === null ? guide.words.pause : guide.words.resume;
  }

  function show(running) {
    $("timer").hidden = !running;
    $("start").hidden = running;
  }
  function begin(saved) {
    state = saved || { startedAt: now(), pausedAt: null, pausedFor: 0, skipped: 0, announce: true };
    shown = -1;
    show(true);
    if (!saved) root.scrollIntoView({ block: "start" });
    save();
    keepAwake();
    render();
    if (!ticker) ticker = setInterval(render, 250);
  }
  function halt() {
    clearInterval(ticker);
    ticker = null;
    state = null;
    save();
    letSleep();
    show(false);
  }
  function finish() {
    halt();
    root.dataset.step = "done";
    beep();
    say(guide.words.done);
    $("intro").textContent = guide.words.done;
    const form = document.getElementById(guide.checkin);
    if (form) {
      const day = form.querySelector("input[name=date]");
      if (day) day.value = guide.date;
      const done = form.querySelector("input[name=done][value=done]");
      if (done) done.checked = true;
      form.scrollIntoView({ block: "start" });
      const first = form.querySelector("select, input:not([type=hidden])");
      if (first) first.focus({ preventScroll: true });
    }
  }

  $("start").hidden = false;
  $("start").addEventListener("click", () => {
    try { audio = audio || new (window.AudioContext || window.webkitAudioContext)(); } catch (error) { audio = null; }
    begin(null);
  });
  $("pause").addEventListener("click", () => {
    if (!state) return;
    if (state.pausedAt === null) {
      state.pausedAt = now();
      letSleep();
    } else {
      state.pausedFor += now() - state.pausedAt;
      state.pausedAt = null;
      keepAwake();
    }
    save();
    render();
  });
  $("skip").addEventListener("click", () => {
    if (!state) return;
    const seconds = elapsed();
    const index = stepAt(seconds);
    state.skipped += starts[index] + steps[index].seconds - seconds;
    save();
    render();
  });
  $("stop").addEventListener("click", halt);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && state) {
      if (state.pausedAt === null) keepAwake();
      render();
    }
  });
  try {
    const kept = JSON.parse(localStorage.getItem(storageKey) || "null");
    if (kept && kept.startedAt) begin(kept);
  } catch (error) { /* nothing kept */ }
})();
