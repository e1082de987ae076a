// The latent explorer of lesson 04 without Python: the trained decoder (exported by helpers/web_export.py
// into window.courseLatentExplorer) runs here in plain JavaScript. Two sliders or a tap on the map set
// z = (z1, z2); the decoder's layers (Linear, ReLU, Sigmoid) turn it into a 28×28 digit.
"use strict";

const TAB10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
               "#17becf"];

function float32s(base64) {
  // base64 of little-endian float32 → Float32Array (byte order checked, so a big-endian CPU reads it right too)
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (littleEndian) return new Float32Array(bytes.buffer);
  const view = new DataView(bytes.buffer);
  return Float32Array.from({ length: bytes.length / 4 }, (_, i) => view.getFloat32(4 * i, true));
}

function makeDecoder(layers) {
  // A function z → Float32Array of pixels; buffers are allocated once, so a redraw allocates nothing.
  const steps = layers.map((layer) => layer.type === "linear"
    ? { type: "linear", n: layer.in, m: layer.out, w: float32s(layer.weight), b: float32s(layer.bias),
        y: new Float32Array(layer.out), active: new Int32Array(layer.in) }
    : { type: layer.type });
  const input = new Float32Array(2);
  return function decode(z1, z2) {
    input[0] = z1;
    input[1] = z2;
    let x = input;
    for (const step of steps) {
      if (step.type === "linear") {
        // y = W x + b, W stored (out, in) row-major; inputs that are exactly 0 (after a ReLU) are skipped.
        let count = 0;
        for (let k = 0; k < step.n; k++) if (x[k] !== 0) step.active[count++] = k;
        const { w, b, y, n, active } = step;
        for (let o = 0; o < step.m; o++) {
          let sum = b[o];
          const row = o * n;
          for (let j = 0; j < count; j++) {
            const k = active[j];
            sum += w[row + k] * x[k];
          }
          y[o] = sum;
        }
        x = y;
      } else if (step.type === "relu") {
        for (let i = 0; i < x.length; i++) if (x[i] < 0) x[i] = 0;
      } else if (step.type === "sigmoid") {
        for (let i = 0; i < x.length; i++) x[i] = 1 / (1 + Math.exp(-x[i]));
      } else {
        throw new Error(`unknown layer type ${step.type}`);
      }
    }
    return x;
  };
}

function setUpExplorer(box, data) {
  const limit = data.limit;
  const [height, width] = data.image_shape;
  const decode = makeDecoder(data.layers);
  const means = float32s(data.means);
  const labels = data.labels;
  const sliders = [...box.querySelectorAll("input[type=range]")];
  const readouts = [...box.querySelectorAll(".slider output")];
  const mapCanvas = box.querySelector(".explorer-map");
  const digitCanvas = box.querySelector(".explorer-digit");
  const digit = digitCanvas.getContext("2d");
  const picture = digit.createImageData(width, height);
  let extent = limit;
  for (const value of means) extent = Math.max(extent, Math.abs(value));
  extent *= 1.05;
  let pending = false;
  const star = box.querySelector(".explorer-star");
  const state = { z1: 0, z2: 0, redraws: 0 };

  function toCanvas(z1, z2, size) {
    return [(z1 + extent) / (2 * extent) * size, (extent - z2) / (2 * extent) * size];
  }

  let mapSize = 0;  // the map's width in CSS pixels, measured only when it changes (no layout per redraw)

  function drawMap() {
    // The scatter is drawn once per size; the star on top is an element moved by a CSS transform, so
    // a redraw touches neither the map's pixels nor the page's layout.
    const ratio = window.devicePixelRatio || 1;
    const size = Math.max(1, Math.round(mapSize * ratio));
    mapCanvas.width = size;
    mapCanvas.height = size;
    const g = mapCanvas.getContext("2d");
    g.fillStyle = "#fff";
    g.fillRect(0, 0, size, size);
    const dot = Math.max(1.5, size / 160);
    g.globalAlpha = 0.55;
    for (let i = 0; i < labels.length; i++) {
      const [x, y] = toCanvas(means[2 * i], means[2 * i + 1], size);
      g.fillStyle = TAB10[labels[i] % 10];
      g.fillRect(x - dot / 2, y - dot / 2, dot, dot);
    }
    g.globalAlpha = 1;
    g.setLineDash([3 * ratio, 3 * ratio]);
    g.strokeStyle = "#888";
    const [x0, y0] = toCanvas(-limit, limit, size);
    const [x1, y1] = toCanvas(limit, -limit, size);
    g.strokeRect(x0, y0, x1 - x0, y1 - y0);
    g.setLineDash([]);
    g.font = `${Math.round(11 * ratio)}px sans-serif`;
    g.textAlign = "center";
    g.textBaseline = "middle";
    for (const label of [...new Set(labels)].sort()) {  // each digit written at the median of its points
      const xs = [], ys = [];
      labels.forEach((l, i) => { if (l === label) { xs.push(means[2 * i]); ys.push(means[2 * i + 1]); } });
      const median = (v) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
      const [x, y] = toCanvas(median(xs), median(ys), size);
      g.fillStyle = "rgba(255,255,255,0.75)";
      g.fillRect(x - 7 * ratio, y - 8 * ratio, 14 * ratio, 16 * ratio);
      g.fillStyle = "#000";
      g.fillText(String(label), x, y);
    }
  }

  function redraw() {
    pending = false;
    const pixels = decode(state.z1, state.z2);
    const rgba = picture.data;
    for (let i = 0; i < pixels.length; i++) {
      const v = Math.round(255 * pixels[i]);
      rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = v;
      rgba[4 * i + 3] = 255;
    }
    digit.putImageData(picture, 0, 0);
    const [x, y] = toCanvas(state.z1, state.z2, mapSize);
    star.style.transform = `translate(${x.toFixed(1)}px, ${y.toFixed(1)}px)`;
    const z1 = state.z1.toFixed(2), z2 = state.z2.toFixed(2);
    if (readouts[0].value !== z1) readouts[0].value = z1;
    if (readouts[1].value !== z2) readouts[1].value = z2;
    state.redraws += 1;
  }

  function set(z1, z2, now) {
    state.z1 = Math.min(limit, Math.max(-limit, z1));
    state.z2 = Math.min(limit, Math.max(-limit, z2));
    sliders[0].value = state.z1;
    sliders[1].value = state.z2;
    if (now) redraw();
    else if (!pending) {  // at most one redraw per frame, however many input events come
      pending = true;
      requestAnimationFrame(redraw);
    }
  }

  sliders.forEach((slider) => slider.addEventListener("input", () => {
    set(Number(sliders[0].value), Number(sliders[1].value), false);
  }));
  function tap(event) {
    const rect = mapCanvas.getBoundingClientRect();
    const z1 = ((event.clientX - rect.left) / rect.width) * 2 * extent - extent;
    const z2 = extent - ((event.clientY - rect.top) / rect.height) * 2 * extent;
    set(z1, z2, false);
  }
  mapCanvas.addEventListener("pointerdown", (event) => {
    mapCanvas.setPointerCapture(event.pointerId);
    tap(event);
  });
  mapCanvas.addEventListener("pointermove", (event) => {
    if (mapCanvas.hasPointerCapture(event.pointerId)) tap(event);
  });
  new ResizeObserver(() => {
    const width = mapCanvas.clientWidth;
    if (width > 0 && width !== mapSize) {
      mapSize = width;
      drawMap();
      set(state.z1, state.z2, true);
    }
  }).observe(mapCanvas);
  mapSize = mapCanvas.clientWidth;
  drawMap();
  set(0, 0, true);

  // For the site's tests and for the curious: the decoder, the exported test vectors, the current state.
  window.courseExplorer = {
    state, decode, set, redraw,
    testDifference() {
      const expected = float32s(data.tests.pixels);
      const size = width * height;
      let worst = 0;
      data.tests.z.forEach(([z1, z2], t) => {
        const pixels = decode(z1, z2);
        for (let i = 0; i < size; i++) worst = Math.max(worst, Math.abs(pixels[i] - expected[t * size + i]));
      });
      return worst;
    },
    expected(t) {
      const size = width * height;
      return { z: data.tests.z[t], pixels: Array.from(float32s(data.tests.pixels).subarray(t * size, (t + 1) * size)) };
    },
  };
}

if (window.courseLatentExplorer) {
  document.querySelectorAll(".explorer").forEach((box) => setUpExplorer(box, window.courseLatentExplorer));
}
