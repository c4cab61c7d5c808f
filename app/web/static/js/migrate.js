// The migration page: the mapping is built by clicking the two diagrams (bpmn-js viewers).
// Click a waiting element of the old version that has no counterpart, then its counterpart
// in the new version: the element's select takes that value. The selects remain the form
// (they work without the diagrams); the server checks the mapping again on the dry run.
const selects = new Map([...document.querySelectorAll('select[data-element]')].map((s) => [s.dataset.element, s]));
let picking = null; // the old element whose counterpart is being chosen

async function viewer(id) {
  const container = document.getElementById(id);
  const view = new BpmnJS({ container });
  const response = await fetch(container.dataset.xmlUrl, { headers: { Accept: 'application/xml' } });
  await view.importXML(await response.text());
  view.get('canvas').zoom('fit-viewport');
  return view;
}

const [before, after] = await Promise.all([viewer('diagram-from'), viewer('diagram-to')]);
window.dsfMigration = { before, after }; // the browser tests look at the markers through it

function mark(view, id, marker, on) {
  const shape = view.get('elementRegistry').get(id);
  if (!shape) return;
  if (on) view.get('canvas').addMarker(shape, marker);
  else view.get('canvas').removeMarker(shape, marker);
}

function refresh() {
  before.get('elementRegistry').forEach((e) => ['dsf-unmatched', 'dsf-mapped', 'dsf-picking']
    .forEach((m) => before.get('canvas').removeMarker(e, m)));
  after.get('elementRegistry').forEach((e) => after.get('canvas').removeMarker(e, 'dsf-mapped'));
  for (const [element, select] of selects) {
    mark(before, element, select.value ? 'dsf-mapped' : 'dsf-unmatched', true);
    if (select.value) mark(after, select.value, 'dsf-mapped', true);
  }
  if (picking) mark(before, picking, 'dsf-picking', true);
}

before.on('element.click', (event) => {
  const id = event.element.id;
  if (!selects.has(id)) return;
  picking = id;
  selects.get(id).focus();
  refresh();
});

after.on('element.click', (event) => {
  if (!picking) return;
  const select = selects.get(picking);
  if (![...select.options].some((o) => o.value === event.element.id)) return; // not of the same type
  select.value = event.element.id;
  picking = null;
  refresh();
});

for (const [element, select] of selects) {
  select.addEventListener('focus', () => { picking = element; refresh(); });
  select.addEventListener('change', refresh);
}
refresh();
document.querySelector('.diagrams').dataset.ready = 'true';
