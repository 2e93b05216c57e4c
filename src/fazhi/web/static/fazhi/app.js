/* The back office's few behaviours: the left menu's collapse, searchable selects (Tom Select), and the
   officers a case may take marked by certificate on the chosen day. Pages work without it. */
(function () {
  "use strict";
  var SEARCHABLE_OVER = 20;

  var toggle = document.getElementById("menu-toggle");
  if (toggle) {
    var sync = function () {
      toggle.setAttribute("aria-expanded", document.body.classList.contains("side-collapsed") ? "false" : "true");
    };
    sync();
    toggle.addEventListener("click", function () {
      var collapsed = document.body.classList.toggle("side-collapsed");
      localStorage.setItem("fazhi-side", collapsed ? "collapsed" : "open");
      sync();
    });
  }

  /* 执法人员: an option's data-certificates lists its 执法证 as "from..to" ranges (ISO dates); an officer with
     none covering the day is marked. Display only: the step checks the rule. */
  var MARK = "（当日无有效执法证）";
  function certified(option, day) {
    var ranges = (option.dataset.certificates || "").split(";");
    return ranges.some(function (range) {
      var parts = range.split("..");
      return parts.length === 2 && parts[0] <= day && day <= parts[1];
    });
  }
  function markOfficers(select, day) {
    Array.prototype.forEach.call(select.options, function (option) {
      var name = option.dataset.name || option.text.replace(MARK, "");
      option.dataset.name = name;
      var ok = !day || certified(option, day);
      option.text = ok ? name : name + MARK;
      option.classList.toggle("uncertified", !ok);
      if (select.tomselect) {
        select.tomselect.updateOption(option.value, { value: option.value, text: option.text, uncertified: !ok });
      }
    });
  }

  function searchable(select) {
    if (select.tomselect || select.hasAttribute("data-plain")) return false;
    return select.hasAttribute("data-searchable") || select.options.length > SEARCHABLE_OVER;
  }

  function enhance(select) {
    var multiple = select.multiple;
    var options = {
      maxOptions: null,
      allowEmptyOption: true,
      create: false,
      hidePlaceholder: !multiple,
      placeholder: multiple ? "输入姓名或名称搜索" : "输入搜索",
      plugins: multiple ? ["remove_button"] : [],
      render: {
        no_results: function () { return '<div class="no-results">没有匹配的选项</div>'; },
        option: function (data, escape) {
          return '<div class="' + (data.uncertified ? "uncertified" : "") + '">' + escape(data.text) + "</div>";
        },
        item: function (data, escape) {
          return '<div class="' + (data.uncertified ? "uncertified" : "") + '">' + escape(data.text) + "</div>";
        },
      },
      onInitialize: function () {
        var ts = this;
        Array.prototype.forEach.call(select.options, function (option) {
          if (option.classList.contains("uncertified") && ts.options[option.value]) {
            ts.options[option.value].uncertified = true;
          }
        });
      },
    };
    new TomSelect(select, options);
  }

  document.querySelectorAll("select[data-certificate-day]").forEach(function (select) {
    var input = document.getElementById(select.dataset.certificateDay);
    if (!input) return;
    markOfficers(select, input.value);
    input.addEventListener("change", function () { markOfficers(select, input.value); });
  });
  if (typeof TomSelect !== "undefined") {
    document.querySelectorAll("select").forEach(function (select) {
      if (searchable(select)) enhance(select);
    });
  }
})();
