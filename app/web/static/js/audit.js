// The audit view: the case's own BPMN version in a bpmn-js NavigatedViewer, and the path the
// case took, stepped event by event (markers on the elements its audit events name; the
// sequence flows between two of them when exactly one way leads there).
(function () {
  'use strict';
  var steps = JSON.parse(document.getElementById('steps-data').textContent);
  // the whole path the stored workflow took (up to its end event) and where it stands now
  var pathData = document.getElementById('path-data');
  var taken = pathData ? JSON.parse(pathData.textContent) : { elements: [], current: [] };
  var timeline = document.getElementById('timeline');
  var range = document.getElementById('step-range');
  var label = document.getElementById('step-label');
  var container = document.getElementById('diagram');
  var viewer = null;
  var current = steps.length - 1;
  var drawn = [];

  function marksUpTo(index) {
    var order = [];
    for (var i = 0; i <= index; i++) {
      steps[i].marks.forEach(function (id) { if (order[order.length - 1] !== id) order.push(id); });
    }
    return order;
  }

  // The only shortest way from one marked element to the next over sequence flows, through
  // elements that record no event of their own (gateways, scripts); null when not unique.
  function uniquePath(registry, from, to) {
    var queue = [from], seen = {}, via = {}, count = {};
    seen[from] = 0; count[from] = 1;
    while (queue.length) {
      var id = queue.shift();
      if (id === to) break;
      var element = registry.get(id);
      if (!element || (id !== from && element.type === 'bpmn:UserTask')) continue;
      (element.outgoing || []).forEach(function (flow) {
        if (flow.type !== 'bpmn:SequenceFlow') return;
        var next = flow.target.id;
        if (!(next in seen)) {
          seen[next] = seen[id] + 1; count[next] = count[id]; via[next] = flow; queue.push(next);
        } else if (seen[next] === seen[id] + 1) {
          count[next] += count[id];
        }
      });
    }
    if (count[to] !== 1) return null;
    var path = [], at = to;
    while (at !== from) { path.push(via[at]); path.push(at); at = via[at].source.id; }
    return path;
  }

  function paint(index) {
    if (!viewer) return;
    var canvas = viewer.get('canvas');
    var registry = viewer.get('elementRegistry');
    drawn.forEach(function (d) { canvas.removeMarker(d[0], d[1]); });
    drawn = [];
    function mark(item, cls) {
      var id = typeof item === 'string' ? item : item.id;
      if (registry.get(id)) { canvas.addMarker(id, cls); drawn.push([id, cls]); }
    }
    var order = marksUpTo(index);
    order.forEach(function (id) { mark(id, 'dsf-visited'); });
    for (var i = 1; i < order.length; i++) {
      (uniquePath(registry, order[i - 1], order[i]) || []).forEach(function (item) { mark(item, 'dsf-visited'); });
    }
    if (index === steps.length - 1 && taken.elements.length) {
      // the last step: light everything the workflow completed, and the flows between them
      var done = {};
      taken.elements.forEach(function (id) { done[id] = true; mark(id, 'dsf-visited'); });
      registry.filter(function (e) { return e.type === 'bpmn:SequenceFlow'; }).forEach(function (flow) {
        if (done[flow.source.id] && (done[flow.target.id] || taken.current.indexOf(flow.target.id) >= 0)) {
          mark(flow, 'dsf-visited');
        }
      });
      taken.current.forEach(function (id) { mark(id, 'dsf-current'); });
      return;
    }
    steps[index].marks.forEach(function (id) { mark(id, 'dsf-current'); });
  }

  function show(index) {
    current = Math.max(0, Math.min(steps.length - 1, index));
    var step = steps[current];
    range.value = current;
    label.textContent = '#' + step.seq + ' ' + step.what + (step.where ? ' · ' + step.where : '');
    Array.prototype.forEach.call(timeline.children, function (li, i) {
      li.classList.toggle('current', i === current);
      li.classList.toggle('past', i < current);
    });
    paint(current);
  }

  document.getElementById('step-first').addEventListener('click', function () { show(0); });
  document.getElementById('step-prev').addEventListener('click', function () { show(current - 1); });
  document.getElementById('step-next').addEventListener('click', function () { show(current + 1); });
  document.getElementById('step-last').addEventListener('click', function () { show(steps.length - 1); });
  range.addEventListener('input', function () { show(parseInt(range.value, 10)); });
  timeline.addEventListener('click', function (event) {
    var li = event.target.closest('li');
    if (li) show(parseInt(li.dataset.index, 10));
  });
  window.dsfAudit = { show: show, steps: steps };

  if (container && window.BpmnJS) {
    viewer = new window.BpmnJS({ container: container });
    window.dsfAudit.viewer = viewer;
    fetch(container.dataset.xmlUrl, { headers: { Accept: 'application/xml' } })
      .then(function (response) { return response.text(); })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        viewer.get('canvas').zoom('fit-viewport', 'auto');
        show(current);
        container.dataset.ready = 'true';
      });
  } else if (steps.length) {
    show(current);
  }
})();
