/* The browser checks' worker (fairdraw-check.js starts it): fetches the published files from
   this site, streams the roster, and runs fairdraw-core.js off the page's thread, posting
   progress. Messages in: {cmd: "draw" | "entry", urls: {protocol, roster, results}, ...}. */
"use strict";
importScripts("fairdraw-core.js");

var core = self.FairdrawCore;

async function text(url) {
  if (!url) return null;
  var response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw { en: url + ": HTTP " + response.status, zh: url + "：HTTP " + response.status };
  return new TextDecoder("utf-8", { fatal: true }).decode(await response.arrayBuffer());
}

function progress(stage, done, total) {
  self.postMessage({ type: "progress", stage: stage, done: done, total: total });
}

function failed(error) {
  return { ok: false, problems: [{ subject: error.subject || "input", en: error.en || String(error.message || error), zh: error.zh || String(error.message || error) }], checks: [], values: {} };
}

self.onmessage = async function (event) {
  var job = event.data;
  var started = performance.now();
  var answer;
  try {
    var protocolText = await text(job.urls.protocol);
    var protocol = null;
    try {
      protocol = protocolText ? JSON.parse(protocolText) : null;
    } catch (error) {
      protocol = null; // verifyDraw names it; the entry check goes on with the page's root
    }
    var known = protocol && protocol.config && Array.isArray(protocol.config.rounds)
      ? protocol.config.rounds.map(function (r) { return r && r.pool; }) : null;
    var entries;
    try {
      entries = await core.fetchRoster(job.urls.roster, job.cmd === "draw" ? known : null, function (bytes) {
        progress("download", bytes, 0);
      });
    } catch (error) {
      if (job.cmd !== "draw") throw error;
      answer = failed(error); // an unreadable roster is the draw's first mismatch
    }
    if (answer) {
      // nothing more to compute
    } else if (job.cmd === "draw") {
      var results = await text(job.urls.results);
      answer = await core.verifyDraw({ protocol: protocolText, roster: entries, results: results }, progress);
    } else {
      answer = await core.checkEntry({
        regno: job.regno,
        salt: job.salt,
        identity: job.identity,
        entries: entries,
        publishedRoot: protocol && protocol.roster ? protocol.roster.root : job.publishedRoot,
        publishedSize: protocol && protocol.roster ? protocol.roster.size : job.publishedSize,
        protocol: protocol,
      }, progress);
    }
    answer.seconds = (performance.now() - started) / 1000;
    self.postMessage({ type: "done", answer: answer });
  } catch (error) {
    self.postMessage({ type: "error", en: error.en || String(error.message || error), zh: error.zh || String(error.message || error) });
  }
};
