// Dashboard charts drawn with ECharts (served locally) from the figures the server computed.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('dashboard-data').textContent);
  var t = document.getElementById('dashboard-texts').dataset;
  var colors = { onTime: '#2e7d32', late: '#ef6c00', openLate: '#c62828', days: '#1f4e8c' };

  function stacked(id, series) {
    var node = document.getElementById(id);
    if (!node || !series.names.length) return;
    window.echarts.init(node).setOption({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 8, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: 'category', data: series.names, axisLabel: { interval: 0, rotate: series.names.length > 4 ? 30 : 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: t.onTime, type: 'bar', stack: 'all', data: series.on_time, color: colors.onTime, barMaxWidth: 56 },
        { name: t.late, type: 'bar', stack: 'all', data: series.late, color: colors.late },
        { name: t.openLate, type: 'bar', stack: 'all', data: series.open_late, color: colors.openLate },
      ],
    });
  }

  stacked('chart-departments', data.departments);
  stacked('chart-paths', data.paths);
  var days = document.getElementById('chart-days');
  if (days && data.answer_days.names.length) {
    window.echarts.init(days).setOption({
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 16, bottom: 8, top: 16, containLabel: true },
      xAxis: { type: 'value', name: t.days },
      yAxis: { type: 'category', data: data.answer_days.names },
      series: [{ name: t.days, type: 'bar', data: data.answer_days.days, color: colors.days, label: { show: true, position: 'right' } }],
    });
  }
  document.body.dataset.chartsReady = 'true';
})();
