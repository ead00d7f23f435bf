/* The browser checks on the results page and the applicant's page (housing/_browser_check.html):
   "check my entry" and "re-run the whole draw". The work runs in fairdraw-worker.js on the
   published files of this site; the page only shows progress and the outcome. No inline
   script (CSP); Chinese by default, English when the page is English. */
(function () {
  "use strict";

  var TEXT = {
    zh: {
      running: "正在计算……", download: "下载名单", roster: "名单默克尔树", keys: "计算密钥", results: "结果文件", protocol: "协议", done: "完成",
      notFound: "名单中没有登记号 {n}", entry: "名单条目", leaf: "位置（leaf_index / tree_size）", path: "包含证明（审计路径）", rootCalc: "由证明算出的根哈希", rootPub: "公布的根哈希",
      verified: "验证通过：登记 {n} 是名单（共 {s} 条，根哈希 {r}）的第 {i} 个叶子", failed: "验证失败：证明与公布的根哈希或条数不符",
      commitment: "身份承诺值", recomputed: "由盐值和身份证号重新计算", matches: "一致：名单中的这一条属于该身份", differs: "不一致：名单中的这一条不是由这个盐值和身份证号算出的",
      keysTitle: "您在各轮的密钥（由公布的种子计算）",
      drawOk: "全部核验通过：重新计算的种子、每一户的结果、结果文件和协议与公布的完全一致。", drawBad: "核验未通过。第一处不一致：", more: "其余不一致之处", checks: "已核对", seconds: "用时 {t} 秒", seed: "种子", resultsDigest: "结果文件摘要", protocolDigest: "协议摘要", error: "出错：",
      needNumber: "请输入登记号。", needIdentity: "填入盐值和家庭成员的身份证号，即可重新计算身份承诺值，确认名单中的这一条属于您家。",
    },
    en: {
      running: "Computing…", download: "downloading the roster", roster: "roster Merkle tree", keys: "keys", results: "results file", protocol: "protocol", done: "done",
      notFound: "Registration number {n} is not in the roster", entry: "Roster entry", leaf: "Position (leaf_index / tree_size)", path: "Inclusion proof (audit path)", rootCalc: "Root the proof leads to", rootPub: "Published root",
      verified: "VERIFIED: entry {n} is leaf {i} of the roster of {s} entries with root {r}", failed: "FAILED: the proof does not lead to the published root and size",
      commitment: "Identity commitment", recomputed: "Recomputed from the salt and ID numbers", matches: "Matches: this roster entry belongs to that identity", differs: "Differs: this roster entry was not made from this salt and these ID numbers",
      keysTitle: "Your keys in each round (from the published seed)",
      drawOk: "VERIFIED: the recomputed seed, every entry's result, the results file and the protocol are exactly the published ones.", drawBad: "NOT VERIFIED. First mismatch:", more: "Other mismatches", checks: "Checked", seconds: "{t} s", seed: "seed", resultsDigest: "results digest", protocolDigest: "protocol digest", error: "Error: ",
      needNumber: "Enter a registration number.", needIdentity: "Enter the salt and the household's ID numbers to recompute the identity commitment and confirm that this roster entry is your household's.",
    },
  };

  function lang() {
    return (document.documentElement.lang || "zh").toLowerCase().indexOf("en") === 0 ? "en" : "zh";
  }

  function t(key, values) {
    var s = TEXT[lang()][key];
    Object.keys(values || {}).forEach(function (k) { s = s.split("{" + k + "}").join(values[k]); });
    return s;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.append(c); });
    return node;
  }

  function row(label, value, testid) {
    return el("p", {}, [label + (lang() === "zh" ? "：" : ": "), el("code", { class: "hash", "data-testid": testid || "" }, [String(value)])]);
  }

  function stageName(stage) {
    var first = String(stage).split(" ")[0];
    return (TEXT[lang()][first] || first) + (stage.indexOf(" ") > 0 ? " " + stage.slice(stage.indexOf(" ") + 1) : "");
  }

  function run(box, job, show) {
    var bar = box.querySelector("progress");
    var status = box.querySelector("[data-role=status]");
    var out = box.querySelector("[data-role=output]");
    out.replaceChildren();
    bar.hidden = false;
    bar.removeAttribute("value");
    status.textContent = t("running");
    var worker = new Worker(box.dataset.worker);
    worker.onmessage = function (event) {
      var m = event.data;
      if (m.type === "progress") {
        if (m.total) { bar.max = m.total; bar.value = m.done; } else bar.removeAttribute("value");
        status.textContent = stageName(m.stage) + (m.total ? " " + m.done + " / " + m.total : m.done ? " " + Math.round(m.done / 1024) + " KiB" : "");
        return;
      }
      worker.terminate();
      bar.hidden = true;
      status.textContent = "";
      if (m.type === "error") out.append(el("p", { class: "errorlist", "data-testid": "check-error" }, [t("error") + m[lang()]]));
      else show(out, m.answer);
    };
    worker.postMessage(job);
  }

  function showEntry(out, a) {
    if (!a.found) {
      out.append(el("p", { class: "errorlist", "data-testid": "entry-verdict" }, [t("notFound", { n: a.registration_number })]));
      return;
    }
    out.append(el("p", { "data-testid": "entry-verdict", class: a.verified ? "verdict ok" : "verdict bad" }, [
      el("strong", {}, [a.verified ? t("verified", { n: a.registration_number, i: a.leaf_index, s: a.published_size, r: a.published_root }) : t("failed")]),
    ]));
    out.append(row(t("entry"), a.entry, "entry-line"));
    out.append(row(t("leaf"), a.leaf_index + " / " + a.tree_size, "entry-leaf"));
    out.append(row(t("rootCalc"), a.root, "entry-root"));
    out.append(row(t("rootPub"), a.published_root, "entry-published-root"));
    var path = el("ol", { "data-testid": "entry-path" }, a.audit_path.map(function (h) { return el("li", {}, [el("code", { class: "hash" }, [h])]); }));
    out.append(el("details", {}, [el("summary", {}, [t("path") + " (" + a.audit_path.length + ")"]), path]));
    out.append(row(t("commitment"), a.identity_commitment, "entry-commitment"));
    if (!a.recomputed_commitment) out.append(el("p", { class: "muted", "data-testid": "entry-need-identity" }, [t("needIdentity")]));
    if (a.recomputed_commitment) {
      out.append(row(t("recomputed"), a.recomputed_commitment, "entry-recomputed"));
      out.append(el("p", { "data-testid": "entry-commitment-verdict", class: a.commitment_matches ? "verdict ok" : "verdict bad" }, [t(a.commitment_matches ? "matches" : "differs")]));
    }
    if (a.keys) {
      out.append(el("p", {}, [t("keysTitle")]));
      out.append(el("ul", { "data-testid": "entry-keys" }, a.keys.map(function (k) {
        return el("li", { "data-key-name": k[0] }, [k[0] + " ", el("code", { class: "hash" }, [k[1]])]);
      })));
    }
  }

  function showDraw(out, a) {
    var verdict = el("p", { "data-testid": "draw-verdict", class: a.ok ? "verdict ok" : "verdict bad" }, [el("strong", {}, [a.ok ? t("drawOk") : t("drawBad")])]);
    out.append(verdict);
    if (!a.ok) {
      var first = a.problems[0];
      out.append(el("p", { "data-testid": "draw-first-mismatch", "data-subject": first.subject }, [first[lang()]]));
      if (a.problems.length > 1) {
        out.append(el("details", {}, [el("summary", {}, [t("more") + " (" + (a.problems.length - 1) + ")"]),
          el("ul", {}, a.problems.slice(1).map(function (p) { return el("li", {}, [p[lang()]]); }))]));
      }
    }
    var v = a.values || {};
    if (v.seed) out.append(row(t("seed"), v.seed, "draw-seed"));
    if (v.results_digest) out.append(row(t("resultsDigest"), v.results_digest, "draw-results-digest"));
    if (v.protocol_digest) out.append(row(t("protocolDigest"), v.protocol_digest, "draw-protocol-digest"));
    out.append(el("p", { class: "muted", "data-testid": "draw-checks" }, [t("checks") + (lang() === "zh" ? "：" : ": ") + (a.checks.join(", ") || "—") + " · " + t("seconds", { t: a.seconds.toFixed(1) })]));
  }

  function urls(box) {
    return { protocol: box.dataset.protocol || null, roster: box.dataset.roster, results: box.dataset.results || null };
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-fairdraw-check]").forEach(function (box) {
      var form = box.querySelector("form[data-role=entry]");
      if (form) {
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          var data = new FormData(form);
          var regno = String(data.get("regno") || "").trim();
          if (!regno) { box.querySelector("[data-role=status]").textContent = t("needNumber"); return; }
          var ids = String(data.get("ids") || "").split(/[\s,;|，；]+/).filter(function (v) { return v; });
          var applicant = String(data.get("applicant_id") || "").trim();
          run(box, {
            cmd: "entry",
            urls: urls(box),
            regno: regno,
            salt: String(data.get("salt") || "").trim(),
            identity: applicant ? self.FairdrawCore.householdIdentity(applicant, ids) : "",
            publishedRoot: box.dataset.root,
            publishedSize: box.dataset.size ? Number(box.dataset.size) : null,
          }, showEntry);
        });
      }
      var whole = box.querySelector("button[data-role=draw]");
      if (whole) whole.addEventListener("click", function () { run(box, { cmd: "draw", urls: urls(box) }, showDraw); });
    });
  });
})();
