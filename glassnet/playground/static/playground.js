// glassnet's Neural Network Playground: the page.
//
// Every number is computed by the server (glassnet/playground/server.py); this file draws them and sends the
// user's actions.  The URL hash is the configuration, as in the original: the server answers every action with
// the canonical hash, which is written into the URL with history.replaceState; opening a URL with a hash (or
// editing it: "hashchange") opens that configuration.
//
// Drawing follows the original (spec §5): 30 px nodes 55 px apart, inputs at x = 65, hidden layers spread by
// d3's rangePoints([118, width - 30], 0.7), links as horizontal Bézier curves whose width is |w| on [0, 5] →
// [1, 10] px and whose colour is w on [-1, 0, 1] → orange, grey, blue, dashed "9 1" with the dash moving by
// epoch / 3; the 100×100 heatmap in 31 quantized colours with alpha 160.
"use strict";

const RECT_SIZE = 30;
const BIAS_SIZE = 5;
const NODE_SPACING = RECT_SIZE + 25;
const INPUT_CX = RECT_SIZE / 2 + 50;
const FEATURE_WIDTH = 118;
const HEATMAP_SIZE = 260;          // the 300 px heatmap less its 20 px axes on each side
const DENSITY = 100;
const ALPHA = 160;

const INPUTS = [
  ["x", "X₁"], ["y", "X₂"], ["xSquared", "X₁²"], ["ySquared", "X₂²"], ["xTimesY", "X₁X₂"],
  ["sinX", "sin(X₁)"], ["sinY", "sin(X₂)"],
];
const INPUT_NAMES = INPUTS.map(([name]) => name);
const HIDABLE = [
  ["showTestData", "Show test data"], ["discretize", "Discretize output"], ["playButton", "Play button"],
  ["stepButton", "Step button"], ["resetButton", "Reset button"], ["learningRate", "Learning rate"],
  ["activation", "Activation"], ["regularization", "Regularization"], ["regularizationRate", "Regularization rate"],
  ["problem", "Problem type"], ["dataset", "Which dataset"], ["percTrainData", "Ratio train data"],
  ["noise", "Noise level"], ["batchSize", "Batch size"], ["numHiddenLayers", "# of hidden layers"],
];
const CLASS_COLOURS = ["#f59322", "#0877bd", "#2ca25f", "#8e44ad", "#d7301f", "#e7298a", "#66a61e", "#a6761d",
                       "#1b9e77", "#555555"];
const ORANGE = [0xf5, 0x93, 0x22], GREY = [0xe8, 0xea, 0xeb], BLUE = [0x08, 0x77, 0xbd];
const SVG_NS = "http://www.w3.org/2000/svg";

const $ = (selector) => document.querySelector(selector);
const $$ = (selector) => Array.from(document.querySelectorAll(selector));

// ------------------------------------------------------------------ state
const page = {
  ws: null,
  hello: null,
  palette: [],             // [r, g, b] per palette index; index 31 (NaN) is black
  state: null,             // the last "state" message
  structureKey: "",
  nodes: {},               // node id -> {div, canvas, ctx, image}
  links: [],               // flat weight index -> {path, hover, layer, dest, source}
  biases: {},              // flat bias index -> rect
  layerOffsets: null,      // {weights: [...], biases: [...]} per layer (1-based layers at index l - 1)
  points: null,            // {train, test}
  history: [],             // [[train, test], ...] since the last reset
  frame: null,             // the newest frame not yet drawn
  lastFrame: null,         // the newest frame drawn (for the hover card)
  drawScheduled: false,
  hover: null,             // hovered node id
  card: null,              // {kind: "weight"|"bias", index, editing}
  openPending: false,      // the next state answers an "open": apply the *_hide keys then
  reconnectDelay: 500,
};

// ------------------------------------------------------------- colours
function hexToRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function mix(a, b, t) {
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * t));
}

function rgb(c) {
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** The original's linear colour scale: [-1, 0, 1] → orange, grey, blue, clamped (links and biases). */
function linearColour(v) {
  if (!(v === v)) return "#000";
  const t = Math.max(-1, Math.min(1, v));
  return rgb(t < 0 ? mix(GREY, ORANGE, -t) : mix(GREY, BLUE, t));
}

/** The heatmaps' quantize scale: 31 colours over [-1, 1] (points are filled with it). */
function quantizedColour(v) {
  if (!(v === v)) return "#000";
  const index = Math.max(0, Math.min(30, Math.floor(31 * (v + 1) / 2)));
  return rgb(page.palette[index]);
}

function labelColour(label) {
  return page.state && page.state.multiclass ? CLASS_COLOURS[label % CLASS_COLOURS.length] : quantizedColour(label);
}

// ------------------------------------------------------------- formatting
function zeroPad(n) {
  const text = "000000" + Math.floor(n);
  return text.slice(-6);
}

function addCommas(text) {
  return text.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function formatLoss(v) {
  return typeof v === "number" ? v.toFixed(3) : String(v);
}

function formatPercent(v) {
  return typeof v === "number" ? (100 * v).toFixed(1) + "%" : String(v);
}

/** A control's value as the hash writes it (JavaScript's String(); the server sends NaN as "NaN"). */
function jsString(v) {
  return String(v);
}

// ------------------------------------------------------------ connection
function connect() {
  const ws = new WebSocket(`ws://${location.host}/ws`);
  ws.binaryType = "arraybuffer";
  page.ws = ws;
  ws.onopen = () => {
    page.reconnectDelay = 500;
    $("#connection").hidden = true;
    openHash(location.hash.slice(1));
  };
  ws.onmessage = (event) => {
    if (typeof event.data === "string") onJson(JSON.parse(event.data));
    else onBinary(event.data);
  };
  ws.onclose = (event) => {
    const banner = $("#connection");
    banner.textContent = (event.reason || "Disconnected from the playground server") + "; reconnecting…";
    banner.hidden = false;
    setTimeout(connect, page.reconnectDelay);
    page.reconnectDelay = Math.min(page.reconnectDelay * 2, 5000);
  };
}

function send(message) {
  if (page.ws && page.ws.readyState === WebSocket.OPEN) page.ws.send(JSON.stringify(message));
}

function openHash(hash) {
  page.openPending = true;
  send({type: "open", hash});
}

function setControl(name, value) {
  send({type: "set", name, value});
}

function onJson(message) {
  switch (message.kind) {
    case "hello": onHello(message); break;
    case "state": onState(message); break;
    case "playing": setPlaying(message.playing); break;
    case "error": showError(message.message); break;
  }
}

function onBinary(buffer) {
  const length = new DataView(buffer).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, length)));
  const base = 4 + length;
  const arrays = {};
  for (const [name, offset, count, dtype] of header.layout) {
    const Type = dtype === "float64" ? Float64Array : Uint8Array;
    arrays[name] = new Type(buffer, base + offset, count);
  }
  if (header.kind === "export") {
    download(new Blob([arrays.zip], {type: "application/zip"}), header.filename);
    return;
  }
  // The chart's points: every frame carries those added since the previous one.
  page.history.length = Math.min(page.history.length, header.historyStart);
  for (const point of header.history) page.history.push(point);
  page.frame = {header, arrays};
  scheduleDraw();
}

function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

let errorTimer = null;
function showError(text) {
  console.warn("playground:", text);
  let toast = $("#toast");
  if (!toast) {
    toast = document.createElement("div");
    toast.id = "toast";
    document.body.appendChild(toast);
  }
  toast.textContent = text;
  toast.className = "visible";
  clearTimeout(errorTimer);
  errorTimer = setTimeout(() => { toast.className = ""; }, 5000);
}

// ----------------------------------------------------------------- hello
function onHello(message) {
  page.hello = message;
  page.palette = message.palette.map(hexToRgb);
  page.palette.push([0, 0, 0]);
  const select = $("#activation");
  if (!select.querySelector("optgroup")) {
    const group = document.createElement("optgroup");
    group.label = "More (beyond the original)";
    for (const name of message.activations) {
      if (message.originalActivations.includes(name)) continue;
      const option = document.createElement("option");
      option.value = name;
      option.textContent = name === "leakyrelu" ? "Leaky ReLU" : name[0].toUpperCase() + name.slice(1);
      group.appendChild(option);
    }
    select.appendChild(group);
  }
  for (const div of $$(".dataset")) {
    const name = div.dataset.dataset || div.dataset.regdataset;
    drawDatasetThumbnail(div.querySelector("canvas"), message.datasets[name], name);
  }
}

function drawDatasetThumbnail(canvas, points, name) {
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  const multiclass = name === "blobs" || name === "spirals";
  for (const [x, y, label] of points) {
    ctx.fillStyle = multiclass ? CLASS_COLOURS[label] : linearColour(label);
    // As the original: y is not flipped in the thumbnails.
    ctx.fillRect(w * (x + 6) / 12, h * (y + 6) / 12, 4, 4);
  }
}

// ----------------------------------------------------------------- state
function onState(message) {
  const previous = page.state;
  page.state = message;
  page.frame = null;                                       // a frame of the old network must not be drawn
  if (message.hash !== location.hash.slice(1)) {
    history.replaceState(null, "", "#" + message.hash);
  }
  updateControls(message);
  if (message.points) {
    page.points = message.points;
    drawPoints();
  } else if (!previous || previous.values.showTestData !== message.values.showTestData ||
             previous.multiclass !== message.multiclass) {
    drawPoints();
  }
  buildNetwork(false);
  if (page.openPending) {
    page.openPending = false;
    applyHiding(message);
  }
  setPlaying(message.playing);
}

function setSelect(select, value) {
  const text = jsString(value);
  let option = Array.from(select.options).find((o) => o.value === text);
  if (!option) {                                           // a link may hold a value the menu lacks
    option = document.createElement("option");
    option.value = text;
    option.textContent = text;
    option.dataset.extra = "true";
    select.appendChild(option);
  }
  select.value = text;
}

function updateControls(message) {
  const v = message.values;
  setSelect($("#learningRate"), v.learningRate);
  setSelect($("#activation"), v.activation);
  setSelect($("#regularization"), v.regularization === null ? "none" : v.regularization);
  setSelect($("#regularizationRate"), v.regularizationRate);
  setSelect($("#problem"), v.problem);
  // Many classes always use softmax and cross-entropy; regression always the square loss.
  const loss = $("#loss");
  const square = v.problem === "regression" || v.loss === null;
  setSelect(loss, message.multiclass ? "crossEntropy" : square ? "square" : v.loss);
  loss.disabled = message.multiclass || v.problem === "regression";
  $("#showAccuracy").checked = v.showAccuracy === true;
  $("#show-test-data").checked = v.showTestData === true;
  $("#discretize").checked = v.discretize === true;

  const noise = $("#noise");
  noise.max = message.noiseMax;
  for (const [id, value] of [["percTrainData", v.percTrainData], ["noise", v.noise], ["batchSize", v.batchSize]]) {
    $("#" + id).value = typeof value === "number" ? value : 0;
    $(`#${id}-value`).textContent = jsString(value);
  }
  const classes = v.numClasses === null ? 3 : Math.min(10, Math.max(2, Math.floor(v.numClasses)));
  $("#numClasses").value = classes;
  $("#numClasses-value").textContent = classes;

  const regression = v.problem === "regression";
  $(".classification-list").hidden = regression;
  $(".regression-list").hidden = !regression;
  for (const div of $$(".dataset")) {
    const selected = !message.customData && (div.dataset.dataset !== undefined
      ? !regression && div.dataset.dataset === v.dataset
      : regression && div.dataset.regdataset === v.regDataset);
    div.classList.toggle("selected", selected);
  }
  $(".custom-data-note").hidden = !message.customData;

  const layers = v.networkShape.length;
  $("#num-layers").textContent = layers;
  $("#layers-label").textContent = layers === 1 ? "hidden layer" : "hidden layers";
  for (const stat of $$(".stat.accuracy")) stat.hidden = !(v.showAccuracy === true && v.problem !== "regression");
  for (const [name] of HIDABLE) {
    const box = document.getElementById(`hide-${name}`);
    if (box) box.checked = !message.hide[name + "_hide"];
  }
}

/** The original hides controls once, when a link is opened (hideControls); so do we. */
function applyHiding(message) {
  for (const el of $$(".hidden-control")) el.classList.remove("hidden-control");
  for (const name of message.hidden) {
    for (const el of $$(`.ui-${CSS.escape(name)}`)) el.classList.add("hidden-control");
  }
  const hideText = message.values.hideText === true;
  $("#header").hidden = hideText;
  $("#article-text").hidden = hideText;
  $("#more-button").parentElement.hidden = hideText;
}

function setPlaying(playing) {
  $("#play-pause-button").classList.toggle("playing", playing);
  if (page.state) page.state.playing = playing;
}

// --------------------------------------------------------------- network
function networkGeometry() {
  const main = $("#main-part").getBoundingClientRect();
  const features = $(".column.features").getBoundingClientRect();
  const output = $(".column.output").getBoundingClientRect();
  const heatmap = $("#heatmap").getBoundingClientRect();
  const question = $(".column.features p").getBoundingClientRect();
  const left = features.left - main.left;
  return {
    left,
    top: question.bottom - main.top + 16,
    width: output.left - features.left,
    heatmapX: heatmap.left - features.left,
    heatmapY: heatmap.top - main.top,
  };
}

/** (Re)build the SVG links, node boxes and per-layer controls when the network's structure changed. */
function buildNetwork(force) {
  const s = page.state;
  const hiddenProps = new Set(s.hidden);
  const drawn = INPUT_NAMES.filter((name) => !hiddenProps.has(name));
  const geometry = networkGeometry();
  const key = JSON.stringify([drawn, s.features, s.shape, s.multiclass, geometry]);
  if (!force && key === page.structureKey) return;
  page.structureKey = key;

  const container = $("#network");
  const top = geometry.top;
  container.style.left = geometry.left + "px";
  container.style.top = top + "px";
  const svg = $("#network-svg");
  const nodesDiv = $("#network-nodes");
  svg.replaceChildren();
  nodesDiv.replaceChildren();
  page.nodes = {};
  page.links = [];
  page.biases = {};

  const ids = s.nodeIds;
  const numLayers = ids.length;
  const width = geometry.width;
  const coords = {};
  // Inputs: every feature is drawn; inactive ones are faded and have no links.
  drawn.forEach((name, i) => {
    coords[name] = {cx: INPUT_CX, cy: i * NODE_SPACING + RECT_SIZE / 2};
    addNode(name, coords[name], "input", s.features.includes(name));
  });
  // Hidden layers: d3.scale.ordinal().rangePoints([118, width - 30], 0.7).
  const hiddenCount = numLayers - 2;
  const step = (width - RECT_SIZE - FEATURE_WIDTH) / Math.max(hiddenCount - 1 + 0.7, 1e-9);
  const layerX = (l) => FEATURE_WIDTH + step * 0.35 + (l - 1) * step;
  let maxNodes = drawn.length;
  for (let l = 1; l <= hiddenCount; l++) {
    const cx = layerX(l) + RECT_SIZE / 2;
    ids[l].forEach((id, i) => {
      coords[id] = {cx, cy: i * NODE_SPACING + RECT_SIZE / 2};
      addNode(id, coords[id], "hidden", true);
    });
    maxNodes = Math.max(maxNodes, ids[l].length);
    addLayerControls(l, cx, ids[l].length);
  }
  // The output: no node in the original (the big heatmap stands in); its links end at the heatmap.
  const outputs = ids[numLayers - 1];
  const outY = geometry.heatmapY - top + HEATMAP_SIZE / 2;
  outputs.forEach((id, i) => {
    const cy = outY + (i - (outputs.length - 1) / 2) * 34;
    if (outputs.length > 1) {
      coords[id] = {cx: geometry.heatmapX - 34, cy, half: 13};
      addNode(id, coords[id], "output", true);
      page.nodes[id].div.style.borderColor = CLASS_COLOURS[i % CLASS_COLOURS.length];
      page.nodes[id].div.title = `Class ${i}: its probability`;
    } else {
      coords[id] = {cx: geometry.heatmapX + RECT_SIZE / 2, cy: outY};
    }
  });
  const height = Math.max(maxNodes * NODE_SPACING, outY + 40);
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  $("#main-part").style.minHeight = top + height + 70 + "px";       // room for the callouts below

  // Links, in the weights' draw order: layer by layer, destination by destination, source by source.
  page.layerOffsets = {weights: [], biases: []};
  let flat = 0, flatBias = 0;
  for (let l = 1; l < numLayers; l++) {
    page.layerOffsets.weights.push(flat);
    page.layerOffsets.biases.push(flatBias);
    const sources = ids[l - 1], dests = ids[l];
    dests.forEach((dest, i) => {
      sources.forEach((source, j) => {
        addLink(flat, coords[source], coords[dest], j, sources.length, l, i);
        flat++;
      });
      if (l < numLayers - 1) addBias(flatBias, coords[dest], l, i);
      flatBias++;
    });
  }
  drawCallouts(coords, ids, geometry);
  if (page.lastFrame) drawFrame(page.lastFrame);
}

function addNode(id, {cx, cy}, type, active) {
  const div = document.createElement("div");
  const size = type === "output" ? 22 : RECT_SIZE;
  div.className = `node ${type}` + (active ? "" : " inactive");
  div.style.left = cx - size / 2 + "px";
  div.style.top = cy - size / 2 + "px";
  div.dataset.node = id;
  const canvas = document.createElement("canvas");
  canvas.width = DENSITY / 10;
  canvas.height = DENSITY / 10;
  div.appendChild(canvas);
  $("#network-nodes").appendChild(div);
  const ctx = canvas.getContext("2d");
  page.nodes[id] = {div, ctx, image: ctx.createImageData(10, 10)};
  div.addEventListener("mouseenter", () => setHover(id));
  div.addEventListener("mouseleave", () => setHover(null));
  if (type === "input") {
    div.title = "Click to turn this feature " + (active ? "off" : "on");
    div.addEventListener("click", () => setControl(id, !active));
    const label = document.createElement("div");
    label.className = "node-label" + (active ? "" : " inactive");
    label.textContent = INPUTS.find(([name]) => name === id)[1];
    label.style.left = cx - RECT_SIZE / 2 - 70 + "px";
    label.style.top = cy - RECT_SIZE / 2 + "px";
    $("#network-nodes").appendChild(label);
  }
}

function setHover(id) {
  page.hover = id;
  for (const node of Object.values(page.nodes)) node.div.classList.remove("hovered");
  if (id && page.nodes[id]) page.nodes[id].div.classList.add("hovered");
  send({type: "hover", node: id});
}

function addLayerControls(layer, cx, count) {
  const div = document.createElement("div");
  div.className = `layer-controls ui-numNodes${layer}`;
  div.style.left = cx - 40 + "px";
  div.style.top = "-46px";
  const buttons = document.createElement("div");
  buttons.className = "buttons";
  for (const [text, change, title] of [["+", 1, "Add neuron"], ["−", -1, "Remove neuron"]]) {
    const button = document.createElement("button");
    button.className = "button round small";
    button.textContent = text;
    button.title = title;
    button.addEventListener("click", () => send({type: "neuron", layer, change}));
    buttons.appendChild(button);
  }
  const label = document.createElement("div");
  label.textContent = count === 1 ? "1 neuron" : `${count} neurons`;
  div.append(buttons, label);
  $("#network-nodes").appendChild(div);
}

/** The link from source node number `position` of `count` into node `destIndex` of `layer` (d3.svg.diagonal). */
function addLink(index, source, dest, position, count, layer, destIndex) {
  const sx = source.cx + RECT_SIZE / 2 + 2, sy = source.cy;
  const tx = dest.cx - (dest.half || RECT_SIZE / 2);
  const ty = dest.cy + ((position - (count - 1) / 2) / count) * 12;
  const mx = (sx + tx) / 2;
  const d = `M${sx},${sy}C${mx},${sy} ${mx},${ty} ${tx},${ty}`;
  const svg = $("#network-svg");
  const hover = document.createElementNS(SVG_NS, "path");
  hover.setAttribute("class", "link-hover");
  hover.setAttribute("d", d);
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("class", "link");
  path.setAttribute("d", d);
  svg.append(hover, path);
  hover.addEventListener("mouseenter", (e) => showCard("weight", index, e));
  hover.addEventListener("mouseleave", hideCardUnlessEditing);
  hover.addEventListener("click", (e) => { e.stopPropagation(); editCard("weight", index, e); });
  page.links[index] = {path, hover, layer, dest: destIndex, source: position};
}

function addBias(index, node, layer, nodeIndex) {
  const rect = document.createElementNS(SVG_NS, "rect");
  rect.setAttribute("class", "bias");
  rect.setAttribute("x", node.cx - RECT_SIZE / 2 - BIAS_SIZE - 2);
  rect.setAttribute("y", node.cy - RECT_SIZE / 2 + RECT_SIZE - BIAS_SIZE + 3);
  rect.setAttribute("width", BIAS_SIZE);
  rect.setAttribute("height", BIAS_SIZE);
  $("#network-svg").appendChild(rect);
  rect.addEventListener("mouseenter", (e) => showCard("bias", index, e));
  rect.addEventListener("mouseleave", hideCardUnlessEditing);
  rect.addEventListener("click", (e) => { e.stopPropagation(); editCard("bias", index, e); });
  page.biases[index] = {rect, layer, node: nodeIndex};
}

/** The original's two callouts: under the first hidden layer, and under the links into the output. */
function drawCallouts(coords, ids, geometry) {
  if (ids.length < 3 || !ids[1].length) return;
  const add = (text, left, top) => {
    const callout = document.createElement("div");
    callout.className = "callout";
    callout.style.left = left + "px";
    callout.style.top = top + "px";
    callout.textContent = text;
    $("#network-nodes").appendChild(callout);
  };
  const first = coords[ids[1][ids[1].length - 1]];
  add("This is the output from one neuron. Hover to see it larger.", first.cx - 55, first.cy + RECT_SIZE / 2 + 18);
  const lastHidden = ids[ids.length - 2];
  const from = coords[lastHidden[lastHidden.length - 1]];
  const left = Math.min((from.cx + geometry.heatmapX) / 2 - 60, geometry.heatmapX - 132);
  if (ids.length > 3 || left > first.cx + 70) {
    add("The outputs are mixed with varying weights, shown by the thickness of the lines.",
        left, from.cy + RECT_SIZE / 2 + 18);
  }
}

// ------------------------------------------------------------- hover card
function currentValue(kind, index) {
  const frame = page.lastFrame;
  if (!frame) return NaN;
  return kind === "weight" ? frame.arrays.weights[index] : frame.arrays.biases[index];
}

function placeCard(event) {
  const card = $("#hovercard");
  const main = $("#main-part").getBoundingClientRect();
  card.style.left = event.clientX - main.left + 14 + "px";
  card.style.top = event.clientY - main.top - 10 + "px";
}

function showCard(kind, index, event) {
  if (page.card && page.card.editing) return;
  page.card = {kind, index, editing: false};
  const card = $("#hovercard");
  card.querySelector(".type").textContent = kind === "weight" ? "Weight" : "Bias";
  card.querySelector(".hovercard-value").textContent = currentValue(kind, index).toPrecision(2);
  card.querySelector(".hovercard-hint").hidden = false;
  card.querySelector(".hovercard-text").hidden = false;
  card.querySelector(".hovercard-input").hidden = true;
  placeCard(event);
  card.hidden = false;
  if (kind === "weight") page.links[index].path.classList.add("highlight");
}

function showCardText() {
  if (!page.card) return;
  page.card.editing = false;
  const card = $("#hovercard");
  card.querySelector(".hovercard-value").textContent = currentValue(page.card.kind, page.card.index).toPrecision(2);
  card.querySelector(".hovercard-text").hidden = false;
  card.querySelector(".hovercard-hint").hidden = false;
  card.querySelector(".hovercard-input").hidden = true;
}

function hideCardUnlessEditing() {
  if (page.card && page.card.editing) return;
  hideCard();
}

function hideCard() {
  if (page.card && page.card.kind === "weight" && page.links[page.card.index]) {
    page.links[page.card.index].path.classList.remove("highlight");
  }
  page.card = null;
  $("#hovercard").hidden = true;
}

function editCard(kind, index, event) {
  if (!page.card || page.card.kind !== kind || page.card.index !== index) showCard(kind, index, event);
  page.card.editing = true;
  const card = $("#hovercard");
  card.querySelector(".hovercard-hint").hidden = true;
  card.querySelector(".hovercard-text").hidden = true;
  const input = card.querySelector(".hovercard-input");
  input.hidden = false;
  input.value = +currentValue(kind, index).toPrecision(4);
  input.focus();
  input.select();
}

function sendCardValue() {
  const card = page.card;
  const value = +$("#hovercard .hovercard-input").value;
  if (!card || !Number.isFinite(value)) return;
  if (card.kind === "weight") {
    const link = page.links[card.index];
    send({type: "weight", layer: link.layer, dest: link.dest, source: link.source, value});
  } else {
    const bias = page.biases[card.index];
    send({type: "bias", layer: bias.layer, node: bias.node, value});
  }
}

// ---------------------------------------------------------------- drawing
function scheduleDraw() {
  if (page.drawScheduled) return;
  page.drawScheduled = true;
  requestAnimationFrame(() => {
    page.drawScheduled = false;
    const frame = page.frame;
    if (!frame) return;
    page.frame = null;
    drawFrame(frame);
    send({type: "ack", seq: frame.header.seq});
  });
}

function drawFrame(frame) {
  const {header, arrays} = frame;
  page.lastFrame = frame;
  $("#iter-number").textContent = addCommas(zeroPad(header.epoch));
  $("#loss-train").textContent = formatLoss(header.loss[0]);
  $("#loss-test").textContent = formatLoss(header.loss[1]);
  if (header.accuracy[0] !== null) {
    $("#accuracy-train").textContent = formatPercent(header.accuracy[0]);
    $("#accuracy-test").textContent = formatPercent(header.accuracy[1]);
  }
  drawHeatmap(arrays.heatmap, header.heatmapMode);
  header.thumbIds.forEach((id, k) => {
    const node = page.nodes[id];
    if (node) paintPalette(node.image, arrays.thumbs.subarray(k * 100, k * 100 + 100), 255);
    if (node) node.ctx.putImageData(node.image, 0, 0);
  });
  if (arrays.weights.length === page.links.length) {
    const offset = -header.epoch / 3;
    page.links.forEach((link, k) => {
      const w = arrays.weights[k];
      link.path.style.stroke = linearColour(w);
      link.path.style.strokeWidth = Math.max(1, Math.min(10, 1 + 9 * Math.abs(w) / 5)) + "px";
      link.path.style.strokeDashoffset = offset;
      link.path.classList.toggle("dead", arrays.dead[k] === 1);
    });
  }
  for (const [index, bias] of Object.entries(page.biases)) {
    bias.rect.style.fill = linearColour(arrays.biases[index]);
  }
  if (page.card && !page.card.editing) {
    $("#hovercard .hovercard-value").textContent = currentValue(page.card.kind, page.card.index).toPrecision(2);
  }
  drawChart();
}

function paintPalette(image, indices, alpha) {
  const data = image.data;
  for (let p = 0; p < indices.length; p++) {
    const c = page.palette[indices[p]];
    data[4 * p] = c[0];
    data[4 * p + 1] = c[1];
    data[4 * p + 2] = c[2];
    data[4 * p + 3] = alpha;
  }
}

const heatmapCtx = () => $("#heatmap-canvas").getContext("2d");
let heatmapImage = null;

function drawHeatmap(values, mode) {
  const ctx = heatmapCtx();
  heatmapImage = heatmapImage || ctx.createImageData(DENSITY, DENSITY);
  if (mode === "palette") {
    paintPalette(heatmapImage, values, ALPHA);
  } else {                                                 // multi-class: (class, confidence) pairs
    const data = heatmapImage.data;
    const colours = CLASS_COLOURS.map(hexToRgb);
    for (let p = 0; p < DENSITY * DENSITY; p++) {
      const c = mix(GREY, colours[values[2 * p] % colours.length], values[2 * p + 1] / 255);
      data[4 * p] = c[0];
      data[4 * p + 1] = c[1];
      data[4 * p + 2] = c[2];
      data[4 * p + 3] = ALPHA;
    }
  }
  ctx.putImageData(heatmapImage, 0, 0);
}

function drawChart() {
  const canvas = $("#linechart");
  const ratio = window.devicePixelRatio || 1;
  const width = 150, height = 55;
  if (canvas.width !== width * ratio) {
    canvas.width = width * ratio;
    canvas.height = height * ratio;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const points = page.history;
  const n = points.length;
  let lo = Infinity, hi = -Infinity;
  for (const pair of points) {
    for (const v of pair) {
      if (typeof v === "number") { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    }
  }
  if (n === 0 || !Number.isFinite(lo) || !Number.isFinite(hi)) return;
  if (hi === lo) { hi += 1e-9; lo -= 1e-9; }
  const every = Math.max(1, Math.floor(n / (2 * width)));
  const x = (i) => n === 1 ? 0 : (i / (n - 1)) * (width - 2) + 1;
  const y = (v) => height - 2 - ((v - lo) / (hi - lo)) * (height - 4);
  [["#777", 0], ["black", 1]].forEach(([colour, series]) => {
    ctx.beginPath();
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.5;
    let started = false;
    for (let i = 0; i < n; i += (i + every < n || i === n - 1) ? every : n - 1 - i) {
      const v = points[i][series];
      if (typeof v !== "number") { started = false; continue; }
      if (started) ctx.lineTo(x(i), y(v)); else ctx.moveTo(x(i), y(v));
      started = true;
      if (i === n - 1) break;
    }
    ctx.stroke();
  });
}

// The heatmap's axes (x along the bottom, y on the right, ticks -6…6 with a darker 0) and its points.
function drawAxes() {
  const svg = $("#heatmap-overlay");
  const axes = document.createElementNS(SVG_NS, "g");
  axes.setAttribute("class", "axis");
  const scale = (v) => (v + 6) / 12 * HEATMAP_SIZE;
  const line = (x1, y1, x2, y2, cls) => {
    const el = document.createElementNS(SVG_NS, "line");
    el.setAttribute("x1", x1); el.setAttribute("y1", y1); el.setAttribute("x2", x2); el.setAttribute("y2", y2);
    if (cls) el.setAttribute("class", cls);
    axes.appendChild(el);
  };
  const text = (x, y, anchor, content) => {
    const el = document.createElementNS(SVG_NS, "text");
    el.setAttribute("x", x); el.setAttribute("y", y); el.setAttribute("text-anchor", anchor);
    el.textContent = content;
    axes.appendChild(el);
  };
  line(0, HEATMAP_SIZE + 0.5, HEATMAP_SIZE, HEATMAP_SIZE + 0.5);
  line(HEATMAP_SIZE + 0.5, 0, HEATMAP_SIZE + 0.5, HEATMAP_SIZE);
  for (let v = -6; v <= 6; v++) {
    const p = scale(v);
    line(p, HEATMAP_SIZE, p, HEATMAP_SIZE + 5, v === 0 ? "zero" : "");
    text(p, HEATMAP_SIZE + 16, "middle", v);
    line(HEATMAP_SIZE, HEATMAP_SIZE - p, HEATMAP_SIZE + 5, HEATMAP_SIZE - p, v === 0 ? "zero" : "");
    text(HEATMAP_SIZE + 8, HEATMAP_SIZE - p + 3.5, "start", v);
  }
  svg.appendChild(axes);
  const points = document.createElementNS(SVG_NS, "g");
  points.id = "points";
  svg.appendChild(points);
}

function drawPoints() {
  const group = $("#points");
  group.replaceChildren();
  if (!page.points || !page.state) return;
  const showTest = page.state.values.showTestData === true;
  const sets = showTest ? [["train", page.points.train], ["test", page.points.test]] : [["train", page.points.train]];
  const fragment = document.createDocumentFragment();
  for (const [cls, rows] of sets) {
    for (const [x, y, label] of rows) {
      if (!(x >= -6 && x <= 6 && y >= -6 && y <= 6)) continue;
      const circle = document.createElementNS(SVG_NS, "circle");
      circle.setAttribute("class", cls);
      circle.setAttribute("r", 3);
      circle.setAttribute("cx", ((x + 6) / 12 * HEATMAP_SIZE).toFixed(1));
      circle.setAttribute("cy", ((6 - y) / 12 * HEATMAP_SIZE).toFixed(1));
      circle.style.fill = labelColour(label);
      fragment.appendChild(circle);
    }
  }
  group.appendChild(fragment);
}

// ---------------------------------------------------------------- controls
function bindControls() {
  $("#play-pause-button").addEventListener("click", () => {
    const playing = !(page.state && page.state.playing);
    setPlaying(playing);
    send({type: playing ? "play" : "pause"});
  });
  $("#next-step-button").addEventListener("click", () => send({type: "step"}));
  $("#reset-button").addEventListener("click", () => send({type: "reset"}));
  $("#data-regen-button").addEventListener("click", () => send({type: "regenerate"}));
  $("#add-layers").addEventListener("click", () => send({type: "layer", change: 1}));
  $("#remove-layers").addEventListener("click", () => send({type: "layer", change: -1}));

  for (const id of ["learningRate", "regularizationRate"]) {
    $("#" + id).addEventListener("change", (e) => setControl(id, +e.target.value));
  }
  for (const id of ["activation", "regularization", "problem", "loss"]) {
    $("#" + id).addEventListener("change", (e) => setControl(id, e.target.value));
  }
  for (const id of ["percTrainData", "noise", "batchSize", "numClasses"]) {
    $("#" + id).addEventListener("input", (e) => {
      $(`#${id}-value`).textContent = e.target.value;
      setControl(id, +e.target.value);
    });
  }
  $("#show-test-data").addEventListener("change", (e) => setControl("showTestData", e.target.checked));
  $("#discretize").addEventListener("change", (e) => setControl("discretize", e.target.checked));
  $("#showAccuracy").addEventListener("change", (e) => setControl("showAccuracy", e.target.checked));

  for (const div of $$(".dataset")) {
    div.addEventListener("click", () => {
      if (div.dataset.regdataset) {
        setControl("regDataset", div.dataset.regdataset);
        return;
      }
      if (page.state && page.state.values.problem === "regression") setControl("problem", "classification");
      setControl("dataset", div.dataset.dataset);
    });
  }

  $("#more-button").addEventListener("click", () => {
    const panel = $("#more-panel");
    panel.hidden = !panel.hidden;
    $("#more-button").setAttribute("aria-expanded", String(!panel.hidden));
    if (page.state) buildNetwork(true);
  });
  $("#csv-file").addEventListener("change", (e) => {
    const file = e.target.files[0];
    e.target.value = "";
    if (!file) return;
    const limit = page.hello ? page.hello.limits.maxMessageBytes - 1024 : 500000;
    if (file.size > limit) {
      $("#csv-status").textContent = `The file is ${file.size} bytes; the limit is ${limit}.`;
      return;
    }
    file.text().then((csv) => {
      $("#csv-status").textContent = file.name;
      send({type: "points", csv});
    });
  });
  $("#export-button").addEventListener("click", () => send({type: "export"}));

  const input = $("#hovercard .hovercard-input");
  input.addEventListener("input", sendCardValue);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") showCardText();               // back to display mode, as the original
    if (e.key === "Escape") hideCard();
  });
  $("#hovercard").addEventListener("click", (e) => e.stopPropagation());
  document.addEventListener("click", () => { if (page.card) hideCard(); });

  const list = $("#hide-controls-list");
  for (const [name, text] of HIDABLE) {
    const label = document.createElement("label");
    label.className = "checkbox";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.id = `hide-${name}`;
    box.checked = true;
    box.addEventListener("change", () => setControl(`${name}_hide`, !box.checked));
    label.append(box, " " + text);
    list.appendChild(label);
  }

  window.addEventListener("hashchange", () => openHash(location.hash.slice(1)));
  window.addEventListener("resize", () => { if (page.state) buildNetwork(false); });
}

function start() {
  drawAxes();
  bindControls();
  connect();
}

start();
