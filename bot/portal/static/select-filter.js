// Entry choosers searchable by Chinese title: every <select data-filter> gets a search box
// above it that hides the options whose text does not contain what was typed. Without
// JavaScript the select works as it is (every entry listed by title).
(function () {
  'use strict';
  function attach(select) {
    var box = document.createElement('input');
    box.type = 'search';
    box.className = 'select-filter';
    box.placeholder = '输入标题中的字筛选条目…';
    box.setAttribute('aria-label', '按标题筛选条目');
    var count = document.createElement('span');
    count.className = 'hint select-filter-count';
    count.setAttribute('aria-live', 'polite');
    box.addEventListener('input', function () {
      var words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) return;  // the "请选择…" placeholder stays
        var text = option.textContent.toLowerCase();
        var match = words.every(function (word) { return text.indexOf(word) >= 0; });
        option.hidden = !match;
        option.disabled = !match;
        if (match) shown += 1;
      });
      if (select.selectedOptions.length && select.selectedOptions[0].hidden) select.value = '';
      count.textContent = words.length ? '找到 ' + shown + ' 个条目，请在下面选择' : '';
    });
    // Never inside a wrapping <label>: a label names its first control, which must stay the select.
    var anchor = select.closest('label') || select;
    anchor.parentNode.insertBefore(box, anchor);
    anchor.parentNode.insertBefore(count, anchor);
  }
  document.addEventListener('DOMContentLoaded', function () {
    Array.prototype.forEach.call(document.querySelectorAll('select[data-filter]'), attach);
  });
})();
