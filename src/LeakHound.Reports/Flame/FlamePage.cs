namespace LeakHound.Reports.Flame;

/// <summary>
/// The style sheet and script of the interactive flame graph page (<see cref="FlameHtml"/>). The
/// script reads the tree from the page's JSON, draws it on a canvas (only frames at least a
/// fraction of a pixel wide are visited, so large trees stay quick), and handles zoom,
/// breadcrumbs, search, hover details and the callers view. No libraries, no network.
/// It exposes <c>window.leakhoundFlame</c> (state and frame positions) for tests.
/// </summary>
internal static class FlamePage
{
    public const string Style = """
        :root{--fg:#1d1d1f;--muted:#5f6368;--line:#d9d9d9;--accent:#1a73e8}
        *{box-sizing:border-box}
        body{margin:0;font:13px/1.45 system-ui,"DejaVu Sans",sans-serif;color:var(--fg);background:#fbfbf8}
        header{padding:10px 16px 4px}
        h1{font-size:17px;margin:0;font-weight:600;overflow-wrap:anywhere}
        #subtitle{color:var(--muted)}
        #toolbar{display:flex;flex-wrap:wrap;gap:6px 10px;align-items:center;padding:6px 16px;border-bottom:1px solid var(--line);position:sticky;top:0;background:#fbfbf8;z-index:2}
        button{font:inherit;padding:2px 10px;border:1px solid #bbb;border-radius:4px;background:#fff;cursor:pointer}
        button:hover:not(:disabled){border-color:var(--accent);color:var(--accent)}
        button:disabled{color:#aaa;cursor:default}
        #crumbs{display:flex;flex-wrap:wrap;align-items:center;gap:2px;min-width:0;flex:1 1 300px}
        #crumbs button{border:none;background:none;padding:0 3px;color:var(--accent);max-width:28em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
        #crumbs button.current{color:var(--fg);font-weight:600;cursor:default}
        #crumbs .sep{color:#999}
        #crumbs .mode{font-weight:600;margin-right:4px}
        #search{font:inherit;padding:3px 6px;width:22em;border:1px solid #bbb;border-radius:4px}
        #search.bad{border-color:#d93025;background:#fdecea}
        #matches{color:#7b1fa2;font-weight:600;min-width:8em}
        #legend{padding:4px 16px;color:var(--muted);display:flex;flex-wrap:wrap;gap:4px 16px;align-items:center}
        .sw{display:inline-block;width:12px;height:11px;border-radius:2px;vertical-align:-1px;margin-right:4px}
        #chart{padding:6px 16px 16px}
        canvas{display:block;width:100%;cursor:pointer}
        #tip{position:fixed;pointer-events:none;background:#fff;border:1px solid #bbb;border-radius:5px;box-shadow:0 2px 8px rgba(0,0,0,.18);padding:6px 9px;max-width:640px;z-index:5;font-size:12.5px}
        #tip b{display:block;overflow-wrap:anywhere;margin-bottom:2px}
        #tip .k{color:var(--muted)}
        #status{padding:0 16px;color:var(--muted);min-height:1.45em}
        """;

    public const string Script = """
        (() => {
        'use strict';
        const D = JSON.parse(document.getElementById('flame-data').textContent);
        const ROW = 18, BOX = 17, FONT = '12px system-ui, "DejaVu Sans", sans-serif';
        const MATCH = '#d152e6', UNCHANGED = 0xd0d0d0, GREW = 0xeb5546, SHRANK = 0x4a86eb, NOISE = 0.001;
        const $ = id => document.getElementById(id);
        const canvas = $('flame'), ctx = canvas.getContext('2d');
        const names = D.names, labels = D.labels, colors = D.colors;

        // ---- trees: preorder arrays; a node's children follow it, each after the previous one's subtree.
        function makeTree(frame, nchild, value, base, self, baseSelf) {
          const n = frame.length;
          const parent = new Int32Array(n), size = new Int32Array(n), depth = new Int32Array(n), width = new Float64Array(n);
          parent[0] = -1;
          const open = [], left = [];
          for (let i = 0; i < n; i++) {
            if (i > 0) {
              while (left[left.length - 1] === 0) { open.pop(); left.pop(); }
              const p = open[open.length - 1];
              parent[i] = p; depth[i] = depth[p] + 1; left[left.length - 1]--;
            }
            if (nchild[i] > 0) { open.push(i); left.push(nchild[i]); }
          }
          for (let i = n - 1; i > 0; i--) size[parent[i]] += ++size[i];
          if (n > 0) size[0]++;
          let maxDepth = 0;
          for (let i = n - 1; i >= 0; i--) {
            let kids = 0;
            for (let c = i + 1, k = 0; k < nchild[i]; k++, c += size[c]) kids += width[c];
            width[i] = Math.max(0, value[i], base ? base[i] : 0, kids);
            if (depth[i] > maxDepth) maxDepth = depth[i];
          }
          // What the page left out under each node (callees under the pruning threshold): value − self − callees.
          const omitted = new Float64Array(n);
          if (!self) {
            self = new Float64Array(n);
            for (let i = 0; i < n; i++) {
              let s = value[i];
              for (let c = i + 1, k = 0; k < nchild[i]; k++, c += size[c]) s -= value[c];
              self[i] = s;
            }
          } else {
            for (let i = 0; i < n; i++) {
              let o = value[i] - self[i], ob = base ? base[i] - baseSelf[i] : 0;
              for (let c = i + 1, k = 0; k < nchild[i]; k++, c += size[c]) { o -= value[c]; if (base) ob -= base[c]; }
              omitted[i] = Math.max(0, o, ob);
            }
          }
          return { n, frame, nchild, value, base, self, omitted, parent, size, depth, width, maxDepth };
        }

        const main = makeTree(D.f, D.c, D.v, D.diff ? D.b : null, D.s, D.diff ? D.bs : null);

        // Callers of a frame: the paths above each outermost occurrence, inverted and merged.
        function callersTree(t, fr) {
          const tf = [fr], tv = [0], tb = [0], kids = [new Map()];
          for (let i = 1; i < t.n; i++) {
            if (t.frame[i] !== fr) continue;
            let a = t.parent[i], inner = false;
            for (; a > 0; a = t.parent[a]) if (t.frame[a] === fr) { inner = true; break; }
            if (inner) continue;
            const v = t.value[i], b = t.base ? t.base[i] : 0;
            tv[0] += v; tb[0] += b;
            let cur = 0;
            for (a = t.parent[i]; a > 0; a = t.parent[a]) {
              const f = t.frame[a];
              let c = kids[cur].get(f);
              if (c === undefined) { c = tf.length; tf.push(f); tv.push(0); tb.push(0); kids.push(new Map()); kids[cur].set(f, c); }
              tv[c] += v; tb[c] += b; cur = c;
            }
          }
          const f = [], c = [], v = [], b = [];
          const todo = [0];
          while (todo.length) {
            const x = todo.pop();
            const ch = [...kids[x].values()].sort((p, q) => tf[p] - tf[q]);
            f.push(tf[x]); c.push(ch.length); v.push(tv[x]); b.push(tb[x]);
            for (let k = ch.length - 1; k >= 0; k--) todo.push(ch[k]);
          }
          return makeTree(f, c, v, t.base ? b : null, null, null);
        }

        // ---- values
        const UNITS = D.unitKind === 'bytes'
          ? [['B', 1], ['kB', 1024], ['MB', 1048576], ['GB', 1073741824], ['TB', 1099511627776], ['PB', 1125899906842624]]
          : D.unitKind === 'time'
            ? [['ns', 1], ['us', 1e3], ['ms', 1e6], ['s', 1e9], ['hrs', 3600e9]]
            : null;
        function fmt(v) {
          if (v < 0) return '-' + fmt(-v);
          if (!UNITS) return Math.round(v).toLocaleString('en-US');
          const x = v * D.unitFactor;
          let u = UNITS[0];
          for (const cand of UNITS) if (x / cand[1] >= 1) u = cand;
          let s = (x / u[1]).toFixed(2);
          if (s.endsWith('.00')) s = s.slice(0, -3);
          return s === '0' ? '0' : s + u[0];
        }
        const signed = d => d > 0 ? '+' + fmt(d) : d < 0 ? fmt(d) : '±0';
        function pct(v, of) {
          const p = of ? v / of * 100 : 0;
          if (p === 0) return '0%';
          return p.toFixed(Math.min(8, Math.max(2, 1 - Math.floor(Math.log10(Math.abs(p)))))) + '%';
        }
        const esc = s => s.replace(/[&<>"]/g, ch => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]);
        const css = rgb => '#' + rgb.toString(16).padStart(6, '0');

        function mix(a, b, t) {
          const ch = s => Math.round(((a >> s) & 255) * (1 - t) + ((b >> s) & 255) * t);
          return (ch(16) << 16) | (ch(8) << 8) | ch(0);
        }
        // As FlameColors.ForChange: strength by the ratio's logarithm, full at 4x either way.
        function changeColor(b, v) {
          if (b === v) return css(UNCHANGED);
          let strength = 1;
          if (b > 0 && v > 0) {
            const l = Math.abs(Math.log2(v / b));
            if (l < NOISE) return css(UNCHANGED);
            strength = Math.pow(Math.min(1, l / 2), 0.7);
          }
          return css(mix(UNCHANGED, v > b ? GREW : SHRANK, strength));
        }

        // ---- state
        let tree = main, zoom = 0, selected = -1, mode = 'main', callersOf = -1, hover = -1;
        let match = null;
        let rects = [], runs = [];
        const nameOf = (t, n) => t.frame[n] < 0 ? 'all' : names[t.frame[n]];
        const labelOf = (t, n) => t.frame[n] < 0 ? 'all' : labels[t.frame[n]];

        // ---- drawing
        let avgChar = 7, canvasRows = 0;
        const TINY = 1;
        function fit(label, room) {
          if (room < avgChar * 3) return null;
          if (label.length * avgChar * 0.8 <= room && ctx.measureText(label).width <= room) return label;
          let k = Math.min(label.length - 1, Math.floor(room / avgChar));
          while (k > 1 && ctx.measureText(label.slice(0, k) + '…').width > room) k--;
          return k > 1 ? label.slice(0, k) + '…' : null;
        }

        function fill(t, n) {
          if (match && t.frame[n] >= 0 && match[t.frame[n]]) return MATCH;
          if (D.diff) return changeColor(t.base[n], t.value[n]);
          return t.frame[n] < 0 ? '#c8c8c8' : css(colors[t.frame[n]]);
        }

        function box(t, n, x, w, row, dim) {
          const y = row * ROW;
          ctx.fillStyle = fill(t, n);
          ctx.fillRect(x, y, Math.max(w - 0.5, 0.5), BOX);
          if (dim) { ctx.fillStyle = 'rgba(251,251,248,0.55)'; ctx.fillRect(x, y, Math.max(w - 0.5, 0.5), BOX); }
          if (n === selected && t === tree) { ctx.strokeStyle = '#202124'; ctx.lineWidth = 1.5; ctx.strokeRect(x + 0.75, y + 0.75, Math.max(w - 2, 0.5), BOX - 1.5); }
          const text = w > avgChar * 3 ? fit(labelOf(t, n), w - 8) : null;
          if (text) { ctx.fillStyle = dim ? '#555' : '#111'; ctx.fillText(text, x + 4, y + 12.5); }
          (rects[row] || (rects[row] = [])).push(x, x + w, n);
        }

        function render() {
          const t = tree;
          const cssW = Math.max(200, $('chart').clientWidth - 32);
          const rows = canvasRows = Math.min(t.maxDepth + 1, 1800);
          const cssH = rows * ROW + 2;
          const dpr = window.devicePixelRatio || 1;
          canvas.style.height = cssH + 'px';
          canvas.width = Math.round(cssW * dpr); canvas.height = Math.round(cssH * dpr);
          ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
          ctx.clearRect(0, 0, cssW, cssH);
          ctx.font = FONT; ctx.textBaseline = 'alphabetic';
          avgChar = ctx.measureText('abcdefghijklmnopqrstuvwxyz.()*/ABCDEFGHIJ').width / 42;
          rects = []; runs = [];
          if (t.n === 0) return;
          for (let a = t.parent[zoom]; a >= 0; a = t.parent[a]) box(t, a, 0, cssW, t.depth[a], true);
          const scale = t.width[zoom] > 0 ? cssW / t.width[zoom] : 0;
          const todo = [zoom, 0];
          while (todo.length) {
            const x = todo.pop(), n = todo.pop();
            const row = t.depth[n];
            if (row >= rows) continue;
            box(t, n, x, t.width[n] * scale, row, false);
            // Siblings under a pixel wide are drawn as one grey box per run.
            let cx = x, runX = 0, runW = 0, runN = 0, runV = 0, runB = 0;
            for (let c = n + 1, k = 0; k < t.nchild[n]; k++, c += t.size[c]) {
              const w = t.width[c] * scale;
              if (w < TINY) {
                if (runN === 0) runX = cx;
                runW += w; runN++; runV += t.value[c]; if (t.base) runB += t.base[c];
              } else {
                if (runN) { run(n, runX, runW, row + 1, runN, runV, runB); runN = runW = runV = runB = 0; }
                todo.push(c, cx);
              }
              cx += w;
            }
            if (runN) run(n, runX, runW, row + 1, runN, runV, runB);
            if (t.omitted[n] > 0) run(n, cx, Math.min(t.omitted[n] * scale, x + t.width[n] * scale - cx), row + 1, 0, t.omitted[n], 0);
          }
        }

        function run(parent, x, w, row, count, value, base) {
          if (w < 0.5 || row >= canvasRows) return;
          runs.push({ parent, count, value, base });
          const y = row * ROW;
          ctx.fillStyle = '#e3e3de';
          ctx.fillRect(x, y, Math.max(w - 0.5, 0.5), BOX);
          const text = w > avgChar * 3 ? fit(count ? count + ' small frames' : 'callees under ' + fmt(D.minMagnitude) + ' each, left out', w - 8) : null;
          if (text) { ctx.fillStyle = '#666'; ctx.fillText(text, x + 4, y + 12.5); }
          (rects[row] || (rects[row] = [])).push(x, x + w, -2 - (runs.length - 1));
        }

        function hit(e) {
          const r = canvas.getBoundingClientRect();
          const x = e.clientX - r.left, y = e.clientY - r.top;
          const row = Math.floor(y / ROW);
          if (y - row * ROW > BOX) return -1;
          const rs = rects[row];
          if (!rs) return -1;
          for (let i = 0; i < rs.length; i += 3) if (x >= rs[i] && x < rs[i + 1]) return rs[i + 2];
          return -1;
        }

        // ---- text around the graph
        function crumbs() {
          const el = $('crumbs');
          el.textContent = '';
          if (mode === 'callers') {
            const m = document.createElement('span');
            m.className = 'mode';
            m.textContent = 'Callers of ' + labels[callersOf] + ' (callers below their callee):';
            el.appendChild(m);
          }
          const path = [];
          for (let a = zoom; a >= 0; a = tree.parent[a]) path.unshift(a);
          const shown = path.length > 8 ? [path[0], -1, ...path.slice(-6)] : path;
          shown.forEach((n, i) => {
            if (i > 0) { const s = document.createElement('span'); s.className = 'sep'; s.textContent = '›'; el.appendChild(s); }
            if (n < 0) { const s = document.createElement('span'); s.className = 'sep'; s.textContent = '…'; el.appendChild(s); return; }
            const b = document.createElement('button');
            b.textContent = labelOf(tree, n);
            b.title = nameOf(tree, n);
            if (n === zoom) b.className = 'current';
            else b.addEventListener('click', () => zoomTo(n));
            el.appendChild(b);
          });
          const cb = $('callers');
          const f = selected >= 0 ? tree.frame[selected] : -1;
          cb.disabled = mode !== 'main' || f < 0;
          cb.textContent = f >= 0 && mode === 'main' ? 'Callers of ' + labels[f] : 'Callers';
        }

        function runDetails(r) {
          if (r.count === 0)
            return '<b>Callees under ' + esc(fmt(D.minMagnitude)) + ' (' + pct(D.minMagnitude, D.percentOf) + ') each, left out of this page</b>'
              + '<span class="k">together:</span> ' + esc(fmt(r.value)) + ' · ' + pct(r.value, D.percentOf) + ' of total'
              + '<br><span class="k">-nodefraction and -nodecount set how much is kept</span>';
          const rows = D.diff
            ? [['base', fmt(r.base) + ' · ' + pct(r.base, D.percentOf)], ['new', fmt(r.value) + ' · ' + pct(r.value, D.percentOf)], ['change', signed(r.value - r.base)]]
            : [['together', fmt(r.value) + ' · ' + pct(r.value, D.percentOf) + ' of total']];
          return '<b>' + r.count + ' frames, each under a pixel wide</b>' + rows.map(x => '<span class="k">' + esc(x[0]) + ':</span> ' + esc(x[1])).join('<br>') + '<br><span class="k">click to zoom into their caller</span>';
        }

        function details(t, n) {
          const rows = [];
          const v = t.value[n];
          const zoomed = t.frame[zoom] >= 0 || mode === 'callers' ? labelOf(t, zoom) : null;
          if (mode === 'callers' && n !== 0) rows.push(['through this caller', fmt(v) + ' of ' + labels[callersOf] + "'s " + fmt(t.value[0])]);
          if (!D.diff) {
            rows.push(['value', fmt(v) + ' · ' + pct(v, D.percentOf) + ' of total' + (zoomed && n !== zoom ? ' · ' + pct(v, t.value[zoom]) + ' of ' + zoomed : '')]);
            rows.push(['self', fmt(t.self[n]) + ' · ' + pct(t.self[n], D.percentOf) + ' of total']);
          } else {
            const b = t.base[n], d = v - b;
            rows.push(['base', fmt(b) + ' · ' + pct(b, D.percentOf)]);
            rows.push(['new', fmt(v) + ' · ' + pct(v, D.percentOf)]);
            rows.push(['change', signed(d) + (b !== 0 ? ' · ' + (d / Math.abs(b) * 100).toFixed(1) + '% of base' : d !== 0 ? ' · new' : '')]);
            if (zoomed && n !== zoom) rows.push(['share of ' + zoomed, pct(v, t.value[zoom]) + ' (new)']);
          }
          return '<b>' + esc(nameOf(t, n)) + '</b>' + rows.map(r => '<span class="k">' + esc(r[0]) + ':</span> ' + esc(r[1])).join('<br>');
        }

        function status() {
          const t = tree, n = zoom;
          $('status').innerHTML = t.n <= 1 && t.value[0] === 0 ? 'No samples with a non-zero value.'
            : (n === 0 && mode === 'main' ? 'Click a frame to zoom in, Esc or Reset to zoom out; hover for details.' : 'Showing ' + esc(nameOf(t, n)) + ': ' + esc(D.diff ? 'base ' + fmt(t.base[n]) + ' → new ' + fmt(t.value[n]) : fmt(t.value[n]) + ' (' + pct(t.value[n], D.percentOf) + ' of total)'));
        }

        // ---- actions
        function zoomTo(n) {
          zoom = n; selected = n;
          update();
        }
        function reset() {
          tree = main; mode = 'main'; zoom = 0; selected = -1; callersOf = -1;
          update();
        }
        function showCallers() {
          if (selected < 0 || tree.frame[selected] < 0) return;
          callersOf = tree.frame[selected];
          tree = callersTree(main, callersOf); mode = 'callers'; zoom = 0; selected = -1;
          update();
        }
        function update() {
          crumbs(); search(); render(); status(); saveHash();
        }

        // The view in the address: #zoom=NODE&callers=FUNCTION&search=TERM&regex=1, so that a view can be shared.
        function saveHash() {
          const p = new URLSearchParams();
          if (mode === 'callers') p.set('callers', names[callersOf]);
          if (zoom > 0) p.set('zoom', String(zoom));
          if ($('search').value) p.set('search', $('search').value);
          if ($('regex').checked) p.set('regex', '1');
          const h = p.toString();
          if (h === location.hash.slice(1)) return;
          try { history.replaceState(null, '', h ? '#' + h : location.pathname + location.search); } catch (err) { /* some file: setups refuse it */ }
        }
        function loadHash() {
          const p = new URLSearchParams(location.hash.slice(1));
          $('search').value = p.get('search') || '';
          $('regex').checked = p.get('regex') === '1';
          const c = p.has('callers') ? names.indexOf(p.get('callers')) : -1;
          if (c >= 0) { callersOf = c; tree = callersTree(main, c); mode = 'callers'; }
          const z = parseInt(p.get('zoom') || '0', 10);
          if (z > 0 && z < tree.n) { zoom = z; selected = z; }
        }

        function search() {
          const input = $('search'), term = input.value, out = $('matches');
          input.classList.remove('bad');
          match = null;
          if (!term) { out.textContent = ''; return; }
          let test;
          if ($('regex').checked) {
            let re;
            try { re = new RegExp(term); } catch (err) { input.classList.add('bad'); out.textContent = 'invalid regular expression'; return; }
            test = s => re.test(s);
          } else {
            test = s => s.includes(term);
          }
          match = new Uint8Array(names.length);
          let functions = 0;
          for (let i = 0; i < names.length; i++) if (test(names[i])) { match[i] = 1; functions++; }
          // The share: outermost matching frames only, so that nested matches are not counted twice.
          const t = tree;
          let frames = 0, v = 0, b = 0;
          for (let i = 0; i < t.n; i++) if (t.frame[i] >= 0 && match[t.frame[i]]) frames++;
          for (let i = 0; i < t.n;) {
            if (t.frame[i] >= 0 && match[t.frame[i]]) { v += t.value[i]; if (t.base) b += t.base[i]; i += t.size[i]; } else i++;
          }
          const share = D.diff ? 'base ' + pct(b, D.percentOf) + ' → new ' + pct(v, D.percentOf) + ' of total' : pct(v, D.percentOf) + ' of total';
          out.textContent = frames === 0 ? 'no match' : frames + (frames === 1 ? ' frame' : ' frames') + ' (' + functions + (functions === 1 ? ' function' : ' functions') + ') · ' + share;
          out.dataset.share = String(D.percentOf ? v / D.percentOf * 100 : 0);
          out.dataset.frames = String(frames);
        }

        canvas.addEventListener('click', e => {
          const n = hit(e);
          if (n >= 0) zoomTo(n);
          else if (n <= -2) zoomTo(runs[-2 - n].parent);
        });
        canvas.addEventListener('mousemove', e => {
          const n = hit(e), tip = $('tip');
          if (n === -1) { tip.hidden = true; hover = -1; return; }
          if (n !== hover) { tip.innerHTML = n >= 0 ? details(tree, n) : runDetails(runs[-2 - n]); hover = n; }
          tip.hidden = false;
          const w = tip.offsetWidth, h = tip.offsetHeight;
          let x = e.clientX + 14, y = e.clientY + 16;
          if (x + w > window.innerWidth - 4) x = Math.max(4, e.clientX - w - 14);
          if (y + h > window.innerHeight - 4) y = Math.max(4, e.clientY - h - 12);
          tip.style.left = x + 'px'; tip.style.top = y + 'px';
        });
        canvas.addEventListener('mouseleave', () => { $('tip').hidden = true; hover = -1; });
        $('reset').addEventListener('click', reset);
        $('callers').addEventListener('click', showCallers);
        const searched = () => { search(); render(); saveHash(); };
        $('search').addEventListener('input', searched);
        $('regex').addEventListener('change', searched);
        document.addEventListener('keydown', e => {
          if (e.key === 'Escape') { if (document.activeElement === $('search')) { $('search').value = ''; searched(); } else reset(); }
          else if (e.key === '/' && document.activeElement !== $('search')) { e.preventDefault(); $('search').focus(); }
        });
        let pending = 0;
        window.addEventListener('resize', () => { cancelAnimationFrame(pending); pending = requestAnimationFrame(render); });

        // For tests and scripting: the state, and where a frame is drawn (client coordinates of its widest box).
        window.leakhoundFlame = {
          state: () => ({ mode, zoom: nameOf(tree, zoom), selected: selected >= 0 ? nameOf(tree, selected) : null, nodes: tree.n, matches: $('matches').textContent, crumbs: $('crumbs').textContent }),
          frame(name) {
            const r = canvas.getBoundingClientRect();
            let best = null;
            rects.forEach((rs, row) => {
              for (let i = 0; i < rs.length; i += 3) {
                const n = rs[i + 2], w = rs[i + 1] - rs[i];
                if (n >= 0 && nameOf(tree, n) === name && (!best || w > best.width))
                  best = { x: r.left + rs[i] + w / 2, y: r.top + row * ROW + BOX / 2, width: w, value: tree.value[n] };
              }
            });
            return best;
          },
          canvasWidth: () => canvas.getBoundingClientRect().width,
        };

        loadHash();
        update();
        window.addEventListener('hashchange', () => { tree = main; mode = 'main'; zoom = 0; selected = -1; callersOf = -1; loadHash(); update(); });
        })();
        """;
}
