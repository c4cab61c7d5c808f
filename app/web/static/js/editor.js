// The BPMN editor: bpmn-js Modeler (served from app/web/node_modules), Chinese labels from
// bpmn-js-i18n, validation and deployment by the server's own deploy checks.
const canvas = document.getElementById('canvas');
const data = canvas.dataset;
const result = document.getElementById('result');

// Terms of this service's models that the community translation does not have.
const EXTRA_ZH = {
  'User task': '用户任务', 'Script task': '脚本任务', 'Exclusive gateway': '排他网关',
  'Timer boundary event (non-interrupting)': '定时边界事件(非中断)', 'Lane': '泳道',
  'Delete': '删除', 'Connect using sequence/message flow or association': '连线',
  'Change element': '更改元素类型', 'Activate lasso tool': '启动套索工具', 'Align elements': '对齐元素',
  'Distribute elements horizontally': '水平分布元素', 'Distribute elements vertically': '垂直分布元素',
  'Toggle non-interrupting': '切换中断/非中断', 'Search in diagram': '在图中搜索',
};
window.dsfUntranslated = new Set(); // texts bpmn-js asked for that have no Chinese yet (tests read it)

function translateModule(dictionary) {
  function translate(template, replacements) {
    if (!dictionary[template]) window.dsfUntranslated.add(template);
    const text = dictionary[template] || template;
    return text.replace(/{([^}]+)}/g, (match, key) => (replacements && key in replacements ? replacements[key] : match));
  }
  return { translate: ['value', translate] };
}

async function chineseModules() {
  if (data.lang === 'en') return [];
  const { default: zn } = await import(data.translations);
  return [translateModule({ ...zn, ...EXTRA_ZH })];
}

function say(text, kind) {
  result.textContent = text;
  result.className = 'result ' + (kind || '');
}

const modeler = new BpmnJS({ container: canvas, additionalModules: await chineseModules() });
window.dsfModeler = modeler; // the browser tests drive the modeler through it

async function open() {
  say(data.textLoading);
  const response = await fetch(data.xmlUrl, { headers: { Accept: 'application/xml' } });
  await modeler.importXML(await response.text());
  fitToFrame();
  say('');
}

// Fitted to the frame: the whole height of the model (every lane) fills the frame, and the
// model is read from its start to the right; fitting the whole width too would make a wide
// model's labels unreadably small.
function fitToFrame() {
  const view = modeler.get('canvas');
  view.zoom('fit-viewport');
  const { inner, outer } = view.viewbox();
  const margin = 24;
  const scale = Math.min(1, outer.height / (inner.height + 2 * margin));
  const palette = canvas.querySelector('.djs-palette'); // keep the start clear of the palette
  const left = margin + (palette ? palette.offsetWidth + 16 : 0) / scale;
  view.viewbox({ x: inner.x - left, y: inner.y - margin, width: outer.width / scale, height: outer.height / scale });
}

function clearProblems() {
  const registry = modeler.get('elementRegistry');
  modeler.get('overlays').remove({ type: 'dsf-problem' });
  registry.forEach((element) => modeler.get('canvas').removeMarker(element, 'dsf-invalid'));
}

function showProblem(body) {
  const element = body.details && body.details.element;
  const shape = element && modeler.get('elementRegistry').get(element);
  if (!shape) return;
  modeler.get('canvas').addMarker(shape, 'dsf-invalid');
  const note = document.createElement('div');
  note.className = 'dsf-problem-note';
  note.textContent = body.details.problem || body.message;
  modeler.get('overlays').add(shape, 'dsf-problem', { position: { bottom: -4, left: 0 }, html: note });
  modeler.get('canvas').scrollToElement(shape);
}

async function send(url, busyText) {
  clearProblems();
  say(busyText, 'busy');
  const { xml } = await modeler.saveXML({ format: true });
  let body;
  try {
    const response = await fetch(url, {
      method: 'POST', body: xml,
      headers: { 'Content-Type': 'application/xml', Accept: 'application/json', 'X-CSRFToken': data.csrf },
    });
    body = await response.json();
  } catch (error) {
    say(data.textFailed, 'error');
    return null;
  }
  if (body.ok) {
    say(body.message, 'ok');
  } else {
    const where = body.details && body.details.element ? ` (${data.textElement}: ${body.details.element})` : '';
    say(body.message + where, 'error');
    showProblem(body);
  }
  return body;
}

// A small properties sidebar: name, script, condition, and a user task's dsf:clock and dsf:form
// (where this service's models keep their logic, their deadlines and their forms).
const USER_TASK_ATTRS = ['clock', 'form'];
const props = {
  box: document.getElementById('props'), id: document.getElementById('prop-id'),
  name: document.getElementById('prop-name'), script: document.getElementById('prop-script'),
  condition: document.getElementById('prop-condition'), clock: document.getElementById('prop-clock'),
  form: document.getElementById('prop-form'), element: null,
};

function showField(which, visible) {
  props.box.querySelector(`[data-for=${which}]`).hidden = !visible;
}

function inspect(element) {
  props.element = element && element.type !== 'label' ? element : null;
  if (props.box.hidden !== !props.element) {
    props.box.hidden = !props.element;
    modeler.get('canvas').resized(); // the canvas got narrower or wider
  }
  if (!props.element) return;
  const bo = props.element.businessObject;
  props.id.textContent = `${bo.id} · ${props.element.type.replace('bpmn:', '')}`;
  props.name.value = bo.name || '';
  props.script.value = bo.script || '';
  props.condition.value = bo.conditionExpression ? bo.conditionExpression.body || '' : '';
  showField('script', props.element.type === 'bpmn:ScriptTask');
  showField('condition', props.element.type === 'bpmn:SequenceFlow');
  USER_TASK_ATTRS.forEach((name) => {
    props[name].value = bo.get(`dsf:${name}`) || '';
    showField(name, props.element.type === 'bpmn:UserTask');
  });
}

function apply() {
  const element = props.element;
  if (!element) return;
  const modeling = modeler.get('modeling');
  const bo = element.businessObject;
  if ((bo.name || '') !== props.name.value) modeling.updateLabel(element, props.name.value);
  const changes = {};
  if (element.type === 'bpmn:ScriptTask' && props.script.value !== (bo.script || '')) changes.script = props.script.value;
  if (element.type === 'bpmn:SequenceFlow') {
    const body = props.condition.value.trim();
    const current = bo.conditionExpression ? bo.conditionExpression.body : '';
    if (body !== (current || '')) {
      changes.conditionExpression = body ? modeler.get('moddle').create('bpmn:FormalExpression', { body }) : undefined;
    }
  }
  if (element.type === 'bpmn:UserTask') {
    USER_TASK_ATTRS.forEach((name) => {
      const value = props[name].value.trim();
      if (value !== (bo.get(`dsf:${name}`) || '')) changes[`dsf:${name}`] = value || undefined;
    });
  }
  if (Object.keys(changes).length) modeling.updateProperties(element, changes);
}

modeler.get('eventBus').on('selection.changed', (event) => inspect(event.newSelection[0]));
document.getElementById('prop-apply').addEventListener('click', apply);
document.getElementById('validate').addEventListener('click', () => send(data.validateUrl, data.textChecking));
const note = document.getElementById('deploy-note');
document.getElementById('deploy').addEventListener('click', async () => {
  if (!note.value.trim()) {
    say(data.textNoteRequired, 'error');
    note.focus();
    return;
  }
  // a new version governs every case filed from now on: confirm first
  if (!window.confirm(data.textConfirmDeploy)) return;
  const body = await send(`${data.deployUrl}?note=${encodeURIComponent(note.value.trim())}`, data.textDeploying);
  if (body && body.ok) deployed(body.items.find((item) => item.key === data.key) || body.items[0]);
});

// After a deployment the editor shows the version it now holds (the newest), and reopening
// the page opens that version.
function deployed(item) {
  document.getElementById('version-header').textContent = `v${item.version}`;
  data.xmlUrl = data.xmlUrl.replace(/([?&]version=)\d+/, `$1${item.version}`);
  window.history.replaceState(null, '', window.location.pathname);
  note.value = '';
}
await open();
canvas.dataset.ready = 'true';
