/* 企业投保查询: reads the static JSON files under lookup/data/ written by the build (no server, no
   third-party code). A code is looked up in the shard of its last character(s); a part of a name in
   the shard of its rarest two-character piece, then matched in full. */
(function () {
  "use strict";
  var form = document.getElementById("azx-lookup");
  if (!form) { return; }
  var base = form.getAttribute("data-base");
  var out = document.getElementById("azx-lookup-result");
  var input = form.querySelector("input");
  var index = null;
  form.hidden = false;
  document.getElementById("azx-lookup-nojs").hidden = true;

  function get(path) {
    return fetch(base + path).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    });
  }
  function el(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function departments(found) {
    var seen = {}, names = [];
    index.industries.forEach(function (ind, i) {
      if ((!found || found.indexOf(i) >= 0) && !seen[ind[1]]) { seen[ind[1]] = 1; names.push(ind[1]); }
    });
    return names.join("、");
  }
  function show(query, rows, note) {
    out.textContent = "";
    if (note) { out.appendChild(el("p", note)); return; }
    if (!rows.length) {
      out.appendChild(el("p", "没有找到“" + query + "”。名单为 " + index.as_of +
        " 统计的应投保企业;如果贵单位应当投保却不在名单中,或信息有误,请联系所在县区的行业主管部门(" +
        departments(null) + "在各县区的对应部门)。"));
      return;
    }
    out.appendChild(el("p", "找到 " + rows.length + " 家" + (rows.length > 50 ? ",显示前 50 家,请输入更完整的名称" : "") + ":"));
    var list = el("ul");
    rows.slice(0, 50).forEach(function (r) {
      var item = el("li");
      item.appendChild(el("strong", r[1]));
      var industry = index.industries[r[3]] || ["", ""];
      var status = r[4] === 1 ? "已投保" : (r[4] === 0 ? "未投保" : "");
      var lines = [
        "统一社会信用代码:" + r[0],
        "所属县区:" + (index.regions[r[2]] || "") + ";行业:" + industry[0],
        "投保情况:" + status + (r[4] === 1 && r[5] !== null ? ",承保机构:" + index.insurers[r[5]] : "") +
          (r[6] ? ",保险期间 " + r[6] + " 至 " + r[7] : "") +
          (r[4] === 0 && r[8] ? ",自 " + r[8] + " 起应投保" : ""),
        "信息有误?请联系" + industry[1] + "或所在县区的行业主管部门。"
      ];
      lines.forEach(function (line) { item.appendChild(el("br")); item.appendChild(document.createTextNode(line)); });
      list.appendChild(item);
    });
    out.appendChild(list);
  }
  function key(piece) {
    return piece.charCodeAt(0).toString(16) + "-" + piece.charCodeAt(1).toString(16);
  }
  function lookup(query) {
    var code = query.toUpperCase();
    if (/^[0-9A-Z]{18}$/.test(code)) {
      return get("code-" + code.slice(18 - index.code_width) + ".json").catch(function () { return []; })
        .then(function (rows) { show(query, rows.filter(function (r) { return r[0] === code; })); });
    }
    if (query.length < 2) {
      show(query, [], "请输入完整的 18 位统一社会信用代码,或企业名称中连续的至少两个字。");
      return Promise.resolve();
    }
    var best = null;
    for (var i = 0; i + 1 < query.length; i++) {
      var piece = query.substr(i, 2), count = index.pieces[piece] || 0;
      if (count === 0) { show(query, []); return Promise.resolve(); }
      if (best === null || count < best[1]) { best = [piece, count]; }
    }
    if (best[1] > index.limit) {
      show(query, [], "“" + query + "”出现在 " + best[1] + " 家企业的名称中,请输入更具体的名称,或输入统一社会信用代码。");
      return Promise.resolve();
    }
    return get("name-" + key(best[0]) + ".json").then(function (rows) {
      show(query, rows.filter(function (r) { return r[1].indexOf(query) >= 0; }));
    });
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = input.value.replace(/\s+/g, "");
    if (!query) { return; }
    out.textContent = "正在查询……";
    var ready = index ? Promise.resolve() : get("index.json").then(function (i) { index = i; });
    ready.then(function () { return lookup(query); }).catch(function () {
      out.textContent = "查询文件读取失败,请稍后再试,或在各县区页面和数据下载中查看名单。";
    });
  });
}());
