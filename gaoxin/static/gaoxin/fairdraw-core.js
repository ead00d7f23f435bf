/* fairdraw/1 in the browser (docs/fairdraw-spec.md): the identity commitment, the roster's
   Merkle tree and inclusion proofs, the seed, every key, the allocation, the results file and
   the protocol document, recomputed from the published files with Web Crypto's SHA-256.
   Nothing is sent anywhere: the files are fetched from this site and checked here.
   Loaded by the page (own-entry check) and by fairdraw-worker.js (whole draw). No dependency.
   The reference is the Python `fairdraw` (fairdraw.pyz); tests check that both agree. */
(function (root) {
  "use strict";

  var SPEC = "fairdraw/1";
  var encoder = new TextEncoder();
  var HEXDIGITS = [];
  for (var h = 0; h < 256; h++) HEXDIGITS.push((h < 16 ? "0" : "") + h.toString(16));
  var BATCH = 32768; // digests awaited together

  /* -- bytes -------------------------------------------------------------------------------- */

  function utf8(text) {
    return encoder.encode(text);
  }

  function hex(bytes) {
    var out = "";
    for (var i = 0; i < bytes.length; i++) out += HEXDIGITS[bytes[i]];
    return out;
  }

  function fromHex(text) {
    var out = new Uint8Array(text.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 * i, 2), 16);
    return out;
  }

  function concat(parts) {
    var size = 0;
    parts.forEach(function (p) { size += p.length; });
    var out = new Uint8Array(size);
    var at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }

  function u32(n) {
    var b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, false);
    return b;
  }

  function lp(bytes) {
    return concat([u32(bytes.length), bytes]);
  }

  function lps(text) {
    return lp(utf8(text));
  }

  function sha256(bytes) {
    return root.crypto.subtle.digest("SHA-256", bytes).then(function (d) {
      return new Uint8Array(d);
    });
  }

  /* SHA-256 of every item of `list` (Uint8Arrays), a batch at a time; `tick(done)` after each. */
  async function sha256All(list, tick) {
    var out = new Array(list.length);
    for (var start = 0; start < list.length; start += BATCH) {
      var stop = Math.min(list.length, start + BATCH);
      var pending = [];
      for (var i = start; i < stop; i++) pending.push(sha256(list[i]));
      var got = await Promise.all(pending);
      for (var j = 0; j < got.length; j++) out[start + j] = got[j];
      if (tick) tick(stop);
    }
    return out;
  }

  /* -- canonical encodings (spec §2) -------------------------------------------------------- */

  var REGNO_RE = /^[0-9A-Z][0-9A-Z._-]{0,63}$/;
  var POOL_RE = /^[a-z][a-z0-9_]{0,31}$/;
  var HEX64_RE = /^[0-9a-f]{64}$/;

  function trimBlanks(text) {
    return text.replace(/^[ \t]+|[ \t]+$/g, "");
  }

  function canonicalRegno(value) {
    var text = /^[\x00-\x7f]*$/.test(value) ? trimBlanks(value).toUpperCase() : value;
    if (!REGNO_RE.test(text)) throw problem("registration_number", "invalid registration number " + JSON.stringify(value), "无效的登记号 " + JSON.stringify(value));
    return text;
  }

  function byCodePoint(a, b) {
    /* Python's str order (code points), not UTF-16 code units */
    var ia = 0, ib = 0;
    while (ia < a.length && ib < b.length) {
      var ca = a.codePointAt(ia), cb = b.codePointAt(ib);
      if (ca !== cb) return ca < cb ? -1 : 1;
      ia += ca > 0xffff ? 2 : 1;
      ib += cb > 0xffff ? 2 : 1;
    }
    return (a.length - ia) - (b.length - ib) > 0 ? 1 : (a.length - ia) === (b.length - ib) ? 0 : -1;
  }

  /* Canonical JSON (spec §2.3): keys sorted by code point, no white space, minimal escapes.
     JSON.stringify escapes exactly as Python's json.dumps(ensure_ascii=False) does. */
  function canonicalJson(value) {
    if (value === null || typeof value === "boolean") return JSON.stringify(value);
    if (typeof value === "number") {
      if (!Number.isSafeInteger(value)) throw problem("json", "non-integer number " + value, "非整数数字 " + value);
      return String(value);
    }
    if (typeof value === "string") return JSON.stringify(value);
    if (Array.isArray(value)) return "[" + value.map(canonicalJson).join(",") + "]";
    var keys = Object.keys(value).sort(byCodePoint);
    return "{" + keys.map(function (k) { return JSON.stringify(k) + ":" + canonicalJson(value[k]); }).join(",") + "}";
  }

  function problem(subject, en, zh) {
    var error = new Error(en);
    error.subject = subject;
    error.en = en;
    error.zh = zh;
    return error;
  }

  /* -- identity, roster, Merkle tree (spec §3, §4) ------------------------------------------ */

  function identityCommitment(identity, salt) {
    return sha256(concat([lps(SPEC + "/identity"), lps(salt), lps(identity.normalize("NFC"))])).then(hex);
  }

  /* The housing application's identity string (docs/housing.md): the household's ID numbers,
     cleaned as the registration cleans them, the principal applicant's first, the others sorted,
     joined by "|". */
  function householdIdentity(applicantId, otherIds) {
    function clean(v) { return v.trim().replace(/[ \u3000]/g, "").toUpperCase(); }
    var others = otherIds.map(clean).filter(function (v) { return v; }).sort();
    return [clean(applicantId)].concat(others).join("|");
  }

  function leafInput(line) {
    var data = utf8(line);
    var out = new Uint8Array(data.length + 1);
    out.set(data, 1);
    return out;
  }

  function nodeHash(left, right) {
    var data = new Uint8Array(65);
    data[0] = 1;
    data.set(left, 1);
    data.set(right, 33);
    return sha256(data);
  }

  /* Every level of the tree, bottom-up (levels[0] = leaf hashes); the root is the last. */
  async function merkleLevels(leaves, tick) {
    var levels = [leaves];
    var level = leaves;
    while (level.length > 1) {
      var inputs = [];
      for (var i = 0; i + 1 < level.length; i += 2) {
        var data = new Uint8Array(65);
        data[0] = 1;
        data.set(level[i], 1);
        data.set(level[i + 1], 33);
        inputs.push(data);
      }
      var next = await sha256All(inputs);
      if (level.length % 2) next.push(level[level.length - 1]);
      levels.push(next);
      level = next;
      if (tick) tick(levels.length);
    }
    return levels;
  }

  async function merkleRoot(leaves) {
    if (leaves.length === 0) return hex(await sha256(new Uint8Array(0)));
    var levels = await merkleLevels(leaves);
    return hex(levels[levels.length - 1][0]);
  }

  function auditPath(levels, index) {
    var path = [];
    var i = index;
    for (var l = 0; l < levels.length - 1; l++) {
      var sibling = i ^ 1;
      if (sibling < levels[l].length) path.push(hex(levels[l][sibling]));
      i = Math.floor(i / 2);
    }
    return path;
  }

  /* RFC 9162 §2.1.3.2 (spec §4): the root the path leads to, or null. */
  async function rootFromAuditPath(leaf, index, size, path) {
    if (!(index >= 0 && index < size)) return null;
    var fn = index, sn = size - 1, r = leaf;
    for (var k = 0; k < path.length; k++) {
      var p = fromHex(path[k]);
      if (sn === 0) return null;
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(p, r);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 ? hex(r) : null;
  }

  /* Roster CSV reader, spec §3.4; feed it text as it arrives (push), then finish(). */
  function RosterReader(knownPools) {
    this.rest = "";
    this.lineNo = 0;
    this.header = null;
    this.entries = []; // {regno, pools (canonical text), commitment, line}
    this.sorted = true;
    this.first = true;
    this.known = knownPools || null;
    this.seen = null;
  }

  RosterReader.prototype.push = function (text) {
    if (this.first && text.length) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.first = false;
    }
    var lines = (this.rest + text).split("\n");
    this.rest = lines.pop();
    for (var i = 0; i < lines.length; i++) this.line(lines[i]);
  };

  RosterReader.prototype.finish = function () {
    if (this.rest !== "") this.line(this.rest);
    this.rest = "";
    if (this.header === null) throw problem("roster", "roster.csv: file is empty", "roster.csv：文件为空");
    var entries = this.entries;
    if (!this.sorted) entries.sort(function (a, b) { return a.regno < b.regno ? -1 : a.regno > b.regno ? 1 : 0; });
    for (var i = 1; i < entries.length; i++) {
      if (entries[i].regno === entries[i - 1].regno) {
        throw problem("roster", "roster.csv: duplicate registration number " + entries[i].regno, "roster.csv：登记号重复 " + entries[i].regno);
      }
    }
    return entries;
  };

  RosterReader.prototype.line = function (raw) {
    var number = ++this.lineNo;
    var at = "roster.csv line " + number + ": ";
    var zat = "roster.csv 第 " + number + " 行：";
    var line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.indexOf("\r") >= 0) throw problem("roster", at + "a CR that does not end a line", zat + "行内出现不作为行尾的 CR");
    if (line.indexOf('"') >= 0) throw problem("roster", at + "a double quote", zat + "出现双引号");
    var fields = line.split(",").map(trimBlanks);
    if (this.header === null) {
      this.header = fields;
      var self = this;
      this.idx = ["registration_number", "pools", "identity_commitment"].map(function (c) {
        var count = fields.filter(function (f) { return f === c; }).length;
        if (count !== 1) throw problem("roster", at + "column " + c + " appears " + count + " times in the header", zat + "表头中列 " + c + " 出现 " + count + " 次");
        return self.header.indexOf(c);
      });
      return;
    }
    if (!fields.some(function (f) { return f; })) return;
    if (fields.length !== this.header.length) throw problem("roster", at + "expected " + this.header.length + " fields, found " + fields.length, zat + "应有 " + this.header.length + " 个字段，实际 " + fields.length + " 个");
    var regno, pools, commitment;
    try {
      regno = canonicalRegno(fields[this.idx[0]]);
    } catch (e) {
      throw problem("roster", at + e.en, zat + e.zh);
    }
    var names = fields[this.idx[1]].split(/[;, \t]+/).filter(function (p) { return p; });
    var set = {};
    for (var i = 0; i < names.length; i++) {
      if (!POOL_RE.test(names[i])) throw problem("roster", at + "invalid pool name " + JSON.stringify(names[i]), zat + "无效的资格池名称 " + JSON.stringify(names[i]));
      if (this.known && this.known.indexOf(names[i]) < 0) throw problem("roster", at + "unknown pool " + JSON.stringify(names[i]), zat + "未知的资格池 " + JSON.stringify(names[i]));
      set[names[i]] = true;
    }
    pools = Object.keys(set).sort().join(";");
    if (!pools) throw problem("roster", at + "entry must be eligible for at least one pool", zat + "每个登记必须至少属于一个资格池");
    commitment = fields[this.idx[2]].toLowerCase();
    if (!HEX64_RE.test(commitment)) throw problem("roster", at + "expected 64 hexadecimal characters", zat + "应为 64 位十六进制字符");
    var entries = this.entries;
    if (entries.length && entries[entries.length - 1].regno >= regno) this.sorted = false;
    entries.push({ regno: regno, pools: pools, commitment: commitment, line: regno + "," + pools + "," + commitment });
  };

  /* Fetch a roster and read it as it streams in; `tick(bytes)` as bytes arrive. */
  async function fetchRoster(url, knownPools, tick) {
    var response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw problem("roster", "roster.csv: HTTP " + response.status, "roster.csv：HTTP " + response.status);
    var reader = new RosterReader(knownPools);
    var decoder = new TextDecoder("utf-8", { fatal: true });
    var received = 0;
    if (response.body && response.body.getReader) {
      var stream = response.body.getReader();
      for (;;) {
        var chunk = await stream.read();
        if (chunk.done) break;
        received += chunk.value.length;
        reader.push(decoder.decode(chunk.value, { stream: true }));
        if (tick) tick(received);
      }
      reader.push(decoder.decode());
    } else {
      reader.push(decoder.decode(new Uint8Array(await response.arrayBuffer())));
    }
    return reader.finish();
  }

  function readRosterText(text, knownPools) {
    var reader = new RosterReader(knownPools);
    reader.push(text);
    return reader.finish();
  }

  async function leafHashes(entries, tick) {
    return sha256All(entries.map(function (e) { return leafInput(e.line); }), tick);
  }

  /* -- configuration, entropy, seed (spec §5, §6) ------------------------------------------- */

  var COUNT_RE = /^(0|[1-9][0-9]*)$/;
  var PERCENT_RE = /^(0|[1-9][0-9]*)(\.[0-9]*[1-9])?%$/;

  /* Reserved seats of a quota for `units` (exact: BigInt), or null for "remainder". */
  function reservedSeats(quota, units) {
    if (quota === "remainder") return null;
    if (COUNT_RE.test(quota)) return Number(quota);
    var m = PERCENT_RE.exec(quota);
    if (!m) throw problem("config", "invalid quota " + JSON.stringify(quota), "无效的名额 " + JSON.stringify(quota));
    var fraction = m[2] ? m[2].slice(1) : "";
    var num = BigInt(m[1] + fraction);
    var den = BigInt(100) * BigInt(10) ** BigInt(fraction.length);
    if (num > den) throw problem("config", "quota above 100%", "名额超过 100%");
    var a = num * BigInt(units);
    return Number((a + den - BigInt(1)) / den);
  }

  function readConfig(config) {
    if (!config || typeof config !== "object" || !Array.isArray(config.rounds) || !config.rounds.length) {
      throw problem("config", "config: no rounds", "配置：没有轮次");
    }
    var units = config.units;
    if (!Number.isSafeInteger(units) || units < 1) throw problem("config", "config: units must be a positive integer", "配置：套数必须是正整数");
    if (config.key_mode !== "per_round" && config.key_mode !== "shared") throw problem("config", "config: key_mode must be per_round or shared", "配置：key_mode 必须是 per_round 或 shared");
    if (!Number.isSafeInteger(config.waitlist_length) || config.waitlist_length < 0) throw problem("config", "config: waitlist_length must be an integer of at least 0", "配置：waitlist_length 必须是不小于 0 的整数");
    var names = {};
    var reserved = 0;
    var remainders = 0;
    var rounds = config.rounds.map(function (r, i) {
      var at = "config: rounds[" + i + "] ";
      if (!r || typeof r.name !== "string" || !POOL_RE.test(r.name) || r.name === "waitlist" || r.name === "choice" || names[r.name]) {
        throw problem("config", at + "name: invalid, reserved or repeated", "配置：第 " + (i + 1) + " 轮的名称无效、保留或重复");
      }
      if (typeof r.pool !== "string" || !POOL_RE.test(r.pool)) throw problem("config", at + "pool: invalid", "配置：第 " + (i + 1) + " 轮的资格池无效");
      if (typeof r.quota !== "string") throw problem("config", at + "quota: must be a string", "配置：第 " + (i + 1) + " 轮的名额必须是字符串");
      names[r.name] = true;
      var seats = reservedSeats(r.quota, units);
      if (seats === null) remainders++;
      else reserved += seats;
      return { name: r.name, pool: r.pool, quota: r.quota, reserved: seats };
    });
    if (remainders > 1) throw problem("config", "config: more than one remainder round", "配置：remainder 轮多于一个");
    if (reserved > units) throw problem("config", "config: the reserved seats exceed the units", "配置：预留名额之和超过套数");
    return { units: units, key_mode: config.key_mode, waitlist_length: config.waitlist_length, rounds: rounds };
  }

  function seatsOf(cfg, index, allocated) {
    var left = cfg.units - allocated;
    var r = cfg.rounds[index];
    if (r.reserved === null) {
      var later = 0;
      for (var j = index + 1; j < cfg.rounds.length; j++) later += cfg.rounds[j].reserved || 0;
      return Math.max(0, left - later);
    }
    return Math.max(0, Math.min(r.reserved, left));
  }

  /* Python's str.isspace() characters (spec §6.2) and the comma separate a source's integers. */
  var SOURCE_SPLIT = /[,\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

  function canonicalSourceValue(value) {
    var parts = value.split(SOURCE_SPLIT).filter(function (p) { return p; });
    if (!parts.length) throw problem("entropy", "source value is empty", "随机源取值为空");
    var numbers = parts.map(function (p) {
      if (!/^[0-9]+$/.test(p)) throw problem("entropy", "source value " + JSON.stringify(p) + " is not a non-negative whole number", "随机源取值 " + JSON.stringify(p) + " 不是非负整数");
      return BigInt(p);
    });
    numbers.sort(function (a, b) { return a < b ? -1 : a > b ? 1 : 0; });
    return numbers.map(function (n) { return n.toString() + "."; }).join("") + "/";
  }

  function keyString(values) {
    return values.map(canonicalSourceValue).join("");
  }

  function deriveSeed(keyStr, secret, rosterRoot, configDigest) {
    return sha256(concat([lps(SPEC + "/seed"), lps(keyStr), lps(secret || ""), lp(fromHex(rosterRoot)), lp(fromHex(configDigest))])).then(hex);
  }

  /* -- keys and orders (spec §7) ------------------------------------------------------------ */

  function keyPrefix(seedHex, name) {
    return concat([lps(SPEC + "/key"), lp(fromHex(seedHex)), lps(name)]);
  }

  function keyInputs(prefix, regnos) {
    return regnos.map(function (r) {
      var tail = utf8(r);
      var data = new Uint8Array(prefix.length + tail.length);
      data.set(prefix, 0);
      data.set(tail, prefix.length);
      return data;
    });
  }

  async function entryKey(seedHex, name, regno) {
    return hex((await sha256All(keyInputs(keyPrefix(seedHex, name), [regno])))[0]);
  }

  /* The key names an entry has keys for (as `fairdraw`/the applicant's page list them). */
  function keyNames(cfg) {
    var names = cfg.rounds.map(function (r) { return r.name; }).concat(["waitlist", "choice"]);
    var seen = {};
    var out = [];
    names.forEach(function (n) {
      var k = n === "choice" ? "choice" : cfg.key_mode === "shared" ? "*" : n;
      if (!seen[k]) { seen[k] = true; out.push(k); }
    });
    return out;
  }

  /* Hex keys of `positions` under key name `name` (ties: hex order equals byte order). */
  async function keysFor(seedHex, name, regnos, positions, tick) {
    var hashes = await sha256All(keyInputs(keyPrefix(seedHex, name), positions.map(function (i) { return regnos[i]; })), tick);
    return hashes.map(hex);
  }

  /* Positions of `keys` sorted by key ascending; equal keys keep their (registration) order. */
  function order(keys) {
    var idx = keys.map(function (_, i) { return i; });
    idx.sort(function (a, b) { return keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b; });
    return idx;
  }

  /* -- allocation (spec §8) and the results file (spec §9) ---------------------------------- */

  async function allocate(entries, cfg, seedHex, progress) {
    var n = entries.length;
    var regnos = entries.map(function (e) { return e.regno; });
    var poolsOf = entries.map(function (e) { return e.pools.split(";"); });
    var R = cfg.rounds.length;
    var won = new Uint8Array(n);
    var decided = new Int32Array(n).fill(-1);
    var rank = new Int32Array(n);
    var keyOf = new Array(n);
    var lastRound = new Int32Array(n).fill(-1);
    for (var i = 0; i < n; i++) {
      for (var r = 0; r < R; r++) if (poolsOf[i].indexOf(cfg.rounds[r].pool) >= 0) lastRound[i] = r;
    }
    var shared = null;
    var all = regnos.map(function (_, k) { return k; });
    if (cfg.key_mode === "shared") {
      shared = await keysFor(seedHex, "*", regnos, all, function (d) { progress("keys *", d, n); });
    }
    var outcomes = [];
    var allocated = 0;
    var remainder = null;
    for (r = 0; r < R; r++) {
      var spec = cfg.rounds[r];
      var parts = [];
      for (i = 0; i < n; i++) if (!won[i] && poolsOf[i].indexOf(spec.pool) >= 0) parts.push(i);
      var keys = shared ? parts.map(function (p) { return shared[p]; })
        : await keysFor(seedHex, spec.name, regnos, parts, function (d) { progress("keys " + spec.name, d, parts.length); });
      var seats = seatsOf(cfg, r, allocated);
      var take = Math.min(seats, parts.length);
      var ord = order(keys);
      var outcome = { name: spec.name, pool: spec.pool, quota: spec.quota, seats: seats, participants: parts.length, winners: [] };
      for (var pos = 0; pos < ord.length; pos++) {
        var e = parts[ord[pos]];
        if (pos < take || lastRound[e] === r) {
          rank[e] = pos + 1;
          keyOf[e] = keys[ord[pos]];
        }
        if (pos < take) {
          won[e] = 1;
          decided[e] = r;
          outcome.winners.push(e);
        } else if (lastRound[e] === r) {
          decided[e] = r;
        }
      }
      if (spec.reserved === null) remainder = { r: r, parts: parts, ord: ord, keys: keys };
      allocated += take;
      outcomes.push(outcome);
    }
    if (remainder && allocated < cfg.units) { // spec §8.3
      var o = outcomes[remainder.r];
      for (pos = o.seats; pos < remainder.ord.length && allocated < cfg.units; pos++) {
        e = remainder.parts[remainder.ord[pos]];
        if (won[e]) continue;
        won[e] = 1;
        decided[e] = remainder.r;
        rank[e] = pos + 1;
        keyOf[e] = remainder.keys[remainder.ord[pos]];
        o.winners.push(e);
        allocated += 1;
      }
    }
    var waitlist = [];
    if (cfg.waitlist_length > 0) {
      var losers = all.filter(function (k) { return !won[k]; });
      var wkeys = shared ? losers.map(function (k) { return shared[k]; })
        : await keysFor(seedHex, "waitlist", regnos, losers, function (d) { progress("keys waitlist", d, losers.length); });
      waitlist = order(wkeys).slice(0, cfg.waitlist_length).map(function (j) { return losers[j]; });
    }
    var winners = all.filter(function (k) { return won[k]; });
    var ckeys = await keysFor(seedHex, "choice", regnos, winners, function (d) { progress("keys choice", d, winners.length); });
    var choice = order(ckeys).map(function (j) { return winners[j]; });
    return { rounds: outcomes, won: won, decided: decided, rank: rank, key: keyOf, waitlist: waitlist, choice: choice, allocated: allocated, unfilled: cfg.units - allocated };
  }

  var RESULTS_HEADER = "registration_number,pools,identity_commitment,round,rank,outcome,key,waitlist,choice";

  function resultLines(entries, alloc, cfg) {
    var n = entries.length;
    var wl = new Int32Array(n), ch = new Int32Array(n);
    alloc.waitlist.forEach(function (i, p) { wl[i] = p + 1; });
    alloc.choice.forEach(function (i, p) { ch[i] = p + 1; });
    var lines = new Array(n);
    for (var i = 0; i < n; i++) {
      var d = alloc.decided[i];
      lines[i] = entries[i].line + "," + cfg.rounds[d].name + "," + alloc.rank[i] + "," + (alloc.won[i] ? "won" : "lost") + "," + alloc.key[i] + "," + (wl[i] || "") + "," + (ch[i] || "");
    }
    return lines;
  }

  function summaryOf(alloc) {
    return {
      rounds: alloc.rounds.map(function (o) {
        return { name: o.name, pool: o.pool, quota: o.quota, seats: o.seats, participants: o.participants, winners: o.winners.length };
      }),
      allocated: alloc.allocated,
      unfilled: alloc.unfilled,
      waitlisted: alloc.waitlist.length,
    };
  }

  /* -- verification (spec §11) -------------------------------------------------------------- */

  var RESULT_FIELDS = RESULTS_HEADER.split(",");

  /* The first member where two JSON values differ: "a.b[2].c", or null when equal. */
  function firstDifference(a, b, path) {
    path = path || "";
    if (canonicalJson(a) === canonicalJson(b)) return null;
    if (a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
      if (Array.isArray(a)) {
        for (var i = 0; i < Math.max(a.length, b.length); i++) {
          if (i >= a.length || i >= b.length) return path + "[" + i + "]";
          var d = firstDifference(a[i], b[i], path + "[" + i + "]");
          if (d) return d;
        }
      } else {
        var keys = Object.keys(Object.assign({}, a, b)).sort(byCodePoint);
        for (var k = 0; k < keys.length; k++) {
          var sub = (path ? path + "." : "") + keys[k];
          if (!(keys[k] in a) || !(keys[k] in b)) return sub;
          var dd = firstDifference(a[keys[k]], b[keys[k]], sub);
          if (dd) return dd;
        }
      }
    }
    return path || "(document)";
  }

  /* Re-run the whole draw. `files`: {protocol: text, roster: entries (or text), results: text
     or null}. `progress(stage, done, total)`. Returns a report: {ok, problems: [{subject, en,
     zh}] (the first is the first mismatch), checks: [...], values: {...}}. */
  async function verifyDraw(files, progress) {
    progress = progress || function () {};
    var problems = [];
    var checks = [];
    var values = {};
    function fail(subject, en, zh) { problems.push({ subject: subject, en: en, zh: zh }); }
    function report() { return { ok: problems.length === 0, problems: problems, checks: checks, values: values }; }

    var protocol;
    try {
      protocol = JSON.parse(files.protocol.charCodeAt(0) === 0xfeff ? files.protocol.slice(1) : files.protocol);
    } catch (e) {
      fail("protocol", "protocol.json is not JSON: " + e.message, "protocol.json 不是 JSON：" + e.message);
      return report();
    }
    if (!protocol || typeof protocol !== "object" || Array.isArray(protocol)) {
      fail("protocol", "protocol.json is not a JSON object", "protocol.json 不是 JSON 对象");
      return report();
    }
    progress("protocol", 0, 1);
    // 1. spec and protocol digest
    if (protocol.spec !== SPEC) fail("spec", "spec is " + JSON.stringify(protocol.spec) + ", not fairdraw/1", "规范版本不是 fairdraw/1");
    var body = Object.assign({}, protocol);
    delete body.protocol_digest;
    var digest;
    try {
      digest = hex(await sha256(utf8(canonicalJson(body))));
    } catch (e) {
      fail("protocol", e.en, e.zh);
      return report();
    }
    values.protocol_digest = digest;
    if (digest !== protocol.protocol_digest) {
      fail("protocol_digest", "protocol_digest: recomputed " + digest + ", published " + protocol.protocol_digest, "协议摘要：重新计算为 " + digest + "，公布的是 " + protocol.protocol_digest);
    } else checks.push("protocol_digest");
    // 2. configuration
    var cfg;
    try {
      cfg = readConfig(protocol.config);
    } catch (e) {
      fail("config", e.en, e.zh);
      return report();
    }
    var configDigest = hex(await sha256(utf8(canonicalJson(protocol.config))));
    values.config_digest = configDigest;
    if (configDigest !== protocol.config_digest) {
      fail("config_digest", "config_digest: recomputed " + configDigest + ", published " + protocol.config_digest, "配置摘要：重新计算为 " + configDigest + "，公布的是 " + protocol.config_digest);
    } else checks.push("config_digest");
    // 3. entropy
    var entropy = protocol.entropy || {};
    var sources = Array.isArray(entropy.sources) ? entropy.sources : [];
    var keyStr;
    try {
      if (!sources.length) throw problem("entropy", "no entropy source", "没有随机源");
      keyStr = keyString(sources.map(function (s) { return String(s.value); }));
    } catch (e) {
      fail("entropy", e.en, e.zh);
      return report();
    }
    values.key_string = keyStr;
    if (keyStr !== protocol.key_string) {
      fail("key_string", "key_string: recomputed " + keyStr + ", published " + protocol.key_string, "随机源密钥串：重新计算为 " + keyStr + "，公布的是 " + protocol.key_string);
    } else checks.push("key_string");
    var secret = entropy.notary_secret;
    if (entropy.notary_commitment != null) {
      var commitment = hex(await sha256(utf8(String(secret == null ? "" : secret))));
      if (secret == null || commitment !== entropy.notary_commitment) {
        fail("notary_secret", "the notary secret does not match its commitment", "公证密钥与其承诺值不符");
      } else checks.push("notary_secret");
    } else if (secret != null) {
      fail("notary_secret", "a notary secret without a declared commitment", "未声明承诺值却有公证密钥");
    }
    // 4. roster
    var entries = files.roster;
    var known = cfg.rounds.map(function (r) { return r.pool; });
    try {
      if (typeof entries === "string") entries = readRosterText(entries, known);
      else {
        entries.forEach(function (e) {
          e.pools.split(";").forEach(function (p) {
            if (known.indexOf(p) < 0) throw problem("roster", "entry " + e.regno + ": unknown pool " + JSON.stringify(p), "登记 " + e.regno + "：未知的资格池 " + JSON.stringify(p));
          });
        });
      }
    } catch (e) {
      fail("roster", e.en, e.zh);
      return report();
    }
    var leaves = await leafHashes(entries, function (d) { progress("roster", d, entries.length); });
    var rootHex = await merkleRoot(leaves);
    values.roster_root = rootHex;
    values.roster_size = entries.length;
    var published = protocol.roster || {};
    var resultsLines = null;
    if (files.results != null) {
      resultsLines = files.results.split("\n");
      if (resultsLines[resultsLines.length - 1] === "") resultsLines.pop();
    }
    if (rootHex !== published.root || entries.length !== published.size) {
      fail("roster", "roster: recomputed root " + rootHex + " and size " + entries.length + ", published " + published.root + " and " + published.size, "名单：重新计算的根哈希 " + rootHex + "、条数 " + entries.length + "，公布的是 " + published.root + "、" + published.size);
      if (resultsLines) { // name the changed entries (spec §11 step 4)
        var inResults = {};
        resultsLines.slice(1).forEach(function (l) { var f = l.split(","); inResults[f[0]] = f.slice(0, 3).join(","); });
        var named = 0;
        for (var k = 0; k < entries.length && named < 10; k++) {
          var want = inResults[entries[k].regno];
          if (want !== entries[k].line) {
            named++;
            fail("roster", want === undefined ? "entry " + entries[k].regno + " is not in the results file" : "entry " + entries[k].regno + " differs: roster " + entries[k].line + ", results file " + want,
              want === undefined ? "登记 " + entries[k].regno + " 不在结果文件中" : "登记 " + entries[k].regno + " 不一致：名单为 " + entries[k].line + "，结果文件为 " + want);
          }
        }
      }
    } else checks.push("roster");
    // 5. seed from the recomputed values
    var seed = await deriveSeed(keyStr, secret, rootHex, configDigest);
    values.seed = seed;
    if (seed !== protocol.seed) {
      fail("seed", "seed: recomputed " + seed + ", published " + protocol.seed, "随机种子：重新计算为 " + seed + "，公布的是 " + protocol.seed);
    } else checks.push("seed");
    // 6. the draw, the results file, the summary
    var alloc = await allocate(entries, cfg, seed, progress);
    var lines = resultLines(entries, alloc, cfg);
    var text = RESULTS_HEADER + "\n" + (lines.length ? lines.join("\n") + "\n" : "");
    progress("results", 0, 1);
    var resultsDigest = hex(await sha256(utf8(text)));
    values.results_digest = resultsDigest;
    values.winners = alloc.rounds.map(function (o) { return o.winners.map(function (i) { return entries[i].regno; }); });
    values.waitlist = alloc.waitlist.map(function (i) { return entries[i].regno; });
    values.choice = alloc.choice.map(function (i) { return entries[i].regno; });
    values.results_text = files.keepResults ? text : undefined;
    var pr = protocol.results || {};
    if (resultsDigest !== pr.digest || entries.length !== pr.rows) {
      fail("results", "results digest: recomputed " + resultsDigest + " (" + entries.length + " rows), published " + pr.digest + " (" + pr.rows + " rows)", "结果摘要：重新计算为 " + resultsDigest + "（" + entries.length + " 行），公布的是 " + pr.digest + "（" + pr.rows + " 行）");
    } else checks.push("results_digest");
    if (resultsLines) {
      var expected = [RESULTS_HEADER].concat(lines);
      var same = files.results === text;
      if (!same) {
        for (var j = 0; j < Math.max(expected.length, resultsLines.length); j++) {
          if (expected[j] === resultsLines[j]) continue;
          if (j >= resultsLines.length || j >= expected.length) {
            fail("results.csv", "results.csv line " + (j + 1) + ": " + (j >= resultsLines.length ? "missing" : "one line too many"), "results.csv 第 " + (j + 1) + " 行：" + (j >= resultsLines.length ? "缺少该行" : "多出该行"));
            break;
          }
          var got = resultsLines[j].split(","), want2 = expected[j].split(",");
          var field = 0;
          while (field < Math.max(got.length, want2.length) && got[field] === want2[field]) field++;
          var fname = RESULT_FIELDS[field] || "field " + (field + 1);
          fail("results.csv", "results.csv line " + (j + 1) + " (" + (want2[0] || got[0]) + "), field " + fname + ": published " + JSON.stringify(got[field] === undefined ? "" : got[field]) + ", recomputed " + JSON.stringify(want2[field] === undefined ? "" : want2[field]),
            "results.csv 第 " + (j + 1) + " 行（" + (want2[0] || got[0]) + "），字段 " + fname + "：公布的是 " + JSON.stringify(got[field] === undefined ? "" : got[field]) + "，重新计算为 " + JSON.stringify(want2[field] === undefined ? "" : want2[field]));
          break;
        }
        if (problems.length === 0 || problems[problems.length - 1].subject !== "results.csv") {
          fail("results.csv", "results.csv differs from the recomputed file (line ends or encoding)", "results.csv 与重新计算的文件不同（行尾或编码）");
        }
      } else checks.push("results.csv");
    }
    var summary = summaryOf(alloc);
    var sdiff = firstDifference(protocol.summary, summary, "summary");
    if (sdiff) fail("summary", "summary differs at " + sdiff, "摘要不一致：" + sdiff);
    else checks.push("summary");
    // 7. the published document is exactly the one these values make
    var rebuilt = {
      spec: SPEC,
      publisher: protocol.publisher,
      config: { units: cfg.units, key_mode: cfg.key_mode, waitlist_length: cfg.waitlist_length, rounds: cfg.rounds.map(function (r) { return { name: r.name, pool: r.pool, quota: r.quota }; }) },
      config_digest: configDigest,
      entropy: { sources: sources.map(function (s) { return { name: s.name, declared: s.declared, value: s.value }; }), notary_commitment: entropy.notary_commitment === undefined ? null : entropy.notary_commitment, notary_secret: secret === undefined ? null : secret },
      key_string: keyStr,
      roster: { root: rootHex, size: entries.length },
      seed: seed,
      results: { digest: resultsDigest, rows: entries.length },
      summary: summary,
      protocol_digest: protocol.protocol_digest,
    };
    if (!protocol.publisher || typeof protocol.publisher !== "object" || Array.isArray(protocol.publisher)) {
      fail("publisher", "publisher must be a JSON object", "publisher 必须是 JSON 对象");
    }
    var pdiff = firstDifference(protocol, rebuilt);
    if (pdiff) fail("protocol", "the protocol document differs from the recomputed one at " + pdiff, "协议文件与重新计算的不一致：" + pdiff);
    else checks.push("protocol");
    progress("done", 1, 1);
    return report();
  }

  /* -- one's own entry ---------------------------------------------------------------------- */

  /* Everything `fairdraw prove` and `check-proof` print for one entry, its keys once drawn,
     and (given the identity) the recomputed commitment. */
  async function checkEntry(input, progress) {
    progress = progress || function () {};
    var regno = canonicalRegno(input.regno);
    var entries = input.entries;
    var leaves = await leafHashes(entries, function (d) { progress("roster", d, entries.length); });
    var index = -1;
    for (var i = 0; i < entries.length; i++) if (entries[i].regno === regno) { index = i; break; }
    var out = { registration_number: regno, found: index >= 0, tree_size: entries.length };
    if (index < 0) return out;
    var levels = await merkleLevels(leaves);
    out.entry = entries[index].line;
    out.identity_commitment = entries[index].commitment;
    out.leaf_index = index;
    out.audit_path = auditPath(levels, index);
    out.root = hex(levels[levels.length - 1][0]);
    var size = input.publishedSize == null ? entries.length : input.publishedSize;
    var reached = await rootFromAuditPath(leaves[index], index, size, out.audit_path);
    out.published_root = input.publishedRoot;
    out.published_size = size;
    out.verified = reached !== null && reached === input.publishedRoot && entries.length === size;
    if (input.salt && input.identity) {
      out.recomputed_commitment = await identityCommitment(input.identity, input.salt);
      out.commitment_matches = out.recomputed_commitment === out.identity_commitment;
    }
    if (input.protocol && input.protocol.seed) {
      var cfg = readConfig(input.protocol.config);
      out.seed = input.protocol.seed;
      out.keys = [];
      for (var k = 0, names = keyNames(cfg); k < names.length; k++) {
        out.keys.push([names[k], await entryKey(out.seed, names[k], regno)]);
      }
    }
    return out;
  }

  root.FairdrawCore = {
    SPEC: SPEC,
    hex: hex,
    sha256: sha256,
    canonicalJson: canonicalJson,
    identityCommitment: identityCommitment,
    householdIdentity: householdIdentity,
    readRosterText: readRosterText,
    fetchRoster: fetchRoster,
    leafHashes: leafHashes,
    merkleRoot: merkleRoot,
    merkleLevels: merkleLevels,
    auditPath: auditPath,
    rootFromAuditPath: rootFromAuditPath,
    canonicalSourceValue: canonicalSourceValue,
    keyString: keyString,
    reservedSeats: reservedSeats,
    deriveSeed: deriveSeed,
    keyPrefix: function (seedHex, name) { return hex(keyPrefix(seedHex, name)); },
    entryKey: entryKey,
    keyNames: keyNames,
    verifyDraw: verifyDraw,
    checkEntry: checkEntry,
  };
})(typeof self !== "undefined" ? self : this);
