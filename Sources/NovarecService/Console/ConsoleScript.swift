/// `app.js`: the console's behaviour, on the public API only. Everything the server sends is
/// put on the page as text (never as markup), and the key typed in lives in one variable: it is
/// sent as `Authorization: Bearer` and gone when the tab closes.
enum ConsoleScript {
    static let source = #"""
        "use strict";
        (() => {
          const $ = (id) => document.getElementById(id);
          const state = { key: "", titles: new Map(), poll: null, samples: [], lastRequests: null };
          const NOVELTIES = [0, 0.5, 1];
          const fmt = (value, digits = 3) => (typeof value === "number" ? value.toFixed(digits) : "–");

          // An element with attributes and children; strings become text nodes, never markup.
          function el(tag, attributes = {}, ...children) {
            const node = document.createElement(tag);
            for (const [name, value] of Object.entries(attributes)) {
              if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? "" : String(value));
            }
            fill(node, ...children);
            return node;
          }

          // Replaces a node's children; absent ones (undefined, null) are left out, not shown as text.
          function fill(node, ...children) {
            node.replaceChildren(...children.filter((child) => child !== undefined && child !== null));
          }

          class ApiError extends Error {
            constructor(status, problem) {
              const detail = problem && typeof problem === "object" ? [problem.title, problem.detail].filter(Boolean).join(": ") : "";
              const hint = status === 401 ? " — type a key of the right scope above" : status === 403 ? " — this key's scope does not allow it" : "";
              super(`${status} ${detail || "request failed"}${hint}`);
              this.status = status;
            }
          }

          // One API call: JSON in and out, the typed key as a bearer token, problem+json as ApiError.
          async function api(path, { method = "GET", body } = {}) {
            const headers = {};
            if (state.key) headers.Authorization = `Bearer ${state.key}`;
            if (body !== undefined) headers["Content-Type"] = "application/json";
            const response = await fetch(path, { method, headers, cache: "no-store", body: body === undefined ? undefined : JSON.stringify(body) });
            const type = response.headers.get("Content-Type") || "";
            const payload = type.includes("json") ? await response.json() : await response.text();
            if (!response.ok) throw new ApiError(response.status, payload);
            return payload;
          }

          // Runs `work`, showing its failure in the page's alert region `errorId`.
          async function guarded(errorId, work) {
            $(errorId).textContent = "";
            try { await work(); } catch (error) { $(errorId).textContent = error.message; }
          }

          // ---- tabs (WAI-ARIA tab pattern: arrow keys, Home, End) --------------------------------
          const tabs = [...document.querySelectorAll('[role="tab"]')];
          function show(page, focus = false) {
            if (!tabs.some((tab) => tab.getAttribute("aria-controls") === page)) page = "shopper";
            for (const tab of tabs) {
              const selected = tab.getAttribute("aria-controls") === page;
              tab.setAttribute("aria-selected", String(selected));
              tab.tabIndex = selected ? 0 : -1;
              $(tab.getAttribute("aria-controls")).hidden = !selected;
              if (selected && focus) tab.focus();
            }
            if (location.hash !== `#${page}`) history.replaceState(null, "", `#${page}`);
            if (page === "models") loadModels();
            if (page === "live") startLive(); else stopLive();
          }
          tabs.forEach((tab, index) => {
            tab.addEventListener("click", () => show(tab.getAttribute("aria-controls")));
            tab.addEventListener("keydown", (event) => {
              const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
              if (next === undefined) return;
              event.preventDefault();
              show(tabs[(next + tabs.length) % tabs.length].getAttribute("aria-controls"), true);
            });
          });
          window.addEventListener("hashchange", () => show(location.hash.slice(1)));
          $("key").addEventListener("input", (event) => { state.key = event.target.value.trim(); });

          // ---- items as the lists show them -------------------------------------------------------
          // Titles come from GET /v1/items/{id}, once per item; an item without a record keeps its id.
          async function titles(ids) {
            const missing = [...new Set(ids)].filter((id) => !state.titles.has(id));
            await Promise.all(missing.map(async (id) => {
              try { state.titles.set(id, (await api(`/v1/items/${encodeURIComponent(id)}`)).title || ""); } catch { state.titles.set(id, ""); }
            }));
          }

          function itemButton(id) {
            const title = state.titles.get(id);
            const button = el("button", { type: "button", class: "linkish", "data-item-id": id }, title ? `${title} (${id})` : id);
            button.addEventListener("click", () => { $("item-id").value = id; show("item"); lookUpItem(id); });
            return button;
          }

          // "Rarely bought" is the service's own long-tail test (outside the popularity head, novelty ≥ 0.6).
          const isTail = (item) => /rarely bought/.test(item.reason);

          function listPanel(heading, answer) {
            const tail = answer.items.filter(isTail).length;
            const facts = `mean novelty ${fmt(answer.novelty)} · ${tail} of ${answer.items.length} long-tail (rarely bought)` +
              (answer.fallback ? " · popularity fallback" : "");
            return el("div", { class: "panel", "data-novelty": answer.requestedNovelty },
              el("h3", {}, heading), el("p", { class: "facts" }, facts),
              el("ol", { class: "items" }, ...answer.items.map((item) => el("li", { "data-item-id": item.item_id },
                el("div", { class: "item-line" }, itemButton(item.item_id),
                  el("meter", { min: 0, max: 1, value: item.novelty, "aria-label": `novelty ${fmt(item.novelty, 2)}` }),
                  el("span", {}, `novelty ${fmt(item.novelty, 2)}`)),
                el("div", { class: "reason" }, item.reason)))));
          }

          // ---- Shopper ------------------------------------------------------------------------------
          async function recommendations(user, k, novelty) {
            const answer = await api(`/v1/recommendations?user_id=${encodeURIComponent(user)}&k=${k}&novelty=${novelty}`);
            answer.requestedNovelty = novelty;
            return answer;
          }

          async function showShopper() {
            const user = $("user-id").value.trim(), k = Number($("shopper-k").value) || 10;
            await guarded("shopper-error", async () => {
              const answers = await Promise.all(NOVELTIES.map((novelty) => recommendations(user, k, novelty)));
              await titles(answers.flatMap((answer) => answer.items.map((item) => item.item_id)));
              fill($("shopper-lists"), ...answers.map((answer) => listPanel(`novelty ${answer.requestedNovelty}`, answer)));
              await showDial();
            });
          }

          async function showDial() {
            const user = $("user-id").value.trim(), novelty = Number($("dial").value);
            $("dial-value").textContent = novelty.toFixed(1);
            if (!user) return;
            await guarded("shopper-error", async () => {
              const answer = await recommendations(user, Number($("shopper-k").value) || 10, novelty);
              await titles(answer.items.map((item) => item.item_id));
              fill($("dial-list"), listPanel(`dial at ${novelty.toFixed(1)}`, answer));
            });
          }

          $("shopper-form").addEventListener("submit", (event) => { event.preventDefault(); showShopper(); });
          let dialTimer = null;
          $("dial").addEventListener("input", () => {
            $("dial-value").textContent = Number($("dial").value).toFixed(1);
            clearTimeout(dialTimer);
            dialTimer = setTimeout(showDial, 150);
          });

          // ---- Item ---------------------------------------------------------------------------------
          function facts(pairs) {
            return el("dl", {}, ...pairs.flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, String(value ?? "–"))]));
          }

          async function lookUpItem(id) {
            await guarded("item-error", async () => {
              const [item, similar] = await Promise.all([
                api(`/v1/items/${encodeURIComponent(id)}`),
                api(`/v1/items/${encodeURIComponent(id)}/similar?k=10`),
              ]);
              await titles(similar.items.map((entry) => entry.item_id));
              fill($("item-details"), el("h3", {}, item.title || id), facts([
                ["id", item.item_id], ["description", item.description || "–"], ["categories", (item.categories || []).join(", ") || "–"],
                ["available", item.available === false ? "no" : "yes"]]));
              fill($("item-similar"), el("h3", {}, "Similar items"),
                el("p", { class: "facts" }, similar.fallback ? "popular items of the same category (no model embedding)" : `model ${similar.model_version}`),
                el("ol", { class: "items" }, ...similar.items.map((entry) => el("li", { "data-item-id": entry.item_id },
                  el("div", { class: "item-line" }, itemButton(entry.item_id),
                    entry.similarity == null ? undefined : el("span", {}, `similarity ${fmt(entry.similarity, 2)}`))))));
            });
          }
          $("item-form").addEventListener("submit", (event) => { event.preventDefault(); lookUpItem($("item-id").value.trim()); });

          // ---- Models -------------------------------------------------------------------------------
          function metrics(record) {
            const figures = record && record.candidate_metrics;
            return figures ? Object.entries(figures).map(([name, value]) => `${name} ${fmt(value)}`).join(" · ") : "–";
          }

          async function loadModels() {
            await guarded("models-error", async () => {
              const [model, training] = await Promise.all([api("/v1/model"), api("/v1/admin/train")]);
              const scale = model.dial_scale || [];
              fill($("model-serving"), el("h3", {}, "Serving"), facts([
                ["version", model.version], ["kind", model.kind], ["items", model.items], ["re-ranker", model.reranker],
                ["figures", metrics(model.serving)], ["newest run", model.latest_run ? `${model.latest_run.version}: ${model.latest_run.state}` : "–"]]),
                scale.length ? el("p", { class: "facts" }, "dial scale: the re-ranker's strength at novelty 0, 0.1, …, 1") : undefined,
                scale.length ? NovarecCharts.line(scale, { min: 0, max: 1, label: `dial scale: strength ${scale.map((v) => v.toFixed(2)).join(", ")} at novelty 0 to 1` }) : undefined);
              fill($("model-training"), el("h3", {}, "Training on this replica"), facts([
                ["role", training.role], ["state", training.state], ["run", training.version], ["epoch", `${training.epoch} of ${training.epochs}`],
                ["validation NDCG@10", fmt(training.validation_ndcg10)], ["error", training.error]]));
              const runs = training.recent_runs || [];
              const table = el("table", {},
                el("thead", {}, el("tr", {}, ...["version", "state", "trigger", "trainer", "figures", "reason"].map((name) => el("th", { scope: "col" }, name)))),
                el("tbody", {}, ...runs.map((run) => el("tr", {}, ...[run.version, run.state, run.trigger, run.trainer, metrics(run), run.reason]
                  .map((value) => el("td", {}, String(value ?? "–")))))));
              fill($("model-runs"), el("h3", {}, "Recent runs"), runs.length ? table : el("p", { class: "facts" }, "no training run recorded yet"));
            });
          }

          async function admin(path, body, describe) {
            $("admin-result").textContent = "";
            await guarded("models-error", async () => {
              $("admin-result").textContent = describe(await api(path, { method: "POST", body }));
              await loadModels();
            });
          }
          $("train-form").addEventListener("submit", (event) => {
            event.preventDefault();
            admin("/v1/admin/train", { max_minutes: Number($("train-minutes").value) }, (status) => `training: ${status.state} (${status.role})`);
          });
          $("rollback").addEventListener("click", () => {
            if (!confirm("Take the served model out of service and serve the previous accepted one?")) return;
            admin("/v1/admin/rollback", { reason: "rolled back from the console" }, (record) => `now serving ${record.version}`);
          });

          // ---- Live ---------------------------------------------------------------------------------
          const LIVE = [
            { name: "novarec_served_mean_novelty", title: "Served mean novelty", min: 0, max: 1 },
            { name: "novarec_served_catalogue_coverage", title: "Catalogue coverage", min: 0, max: 1 },
            { name: "novarec_served_long_tail_share", title: "Long-tail share", min: 0, max: 1 },
            { name: "requests_per_second", title: "Requests per second", min: 0 },
          ];

          // Sums every sample of each metric in Prometheus text (labels ignored).
          function parseMetrics(text) {
            const sums = {};
            for (const line of text.split("\n")) {
              const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
              if (match) sums[match[1]] = (sums[match[1]] || 0) + Number(match[2]);
            }
            return sums;
          }

          async function sample() {
            await guarded("live-error", async () => {
              const sums = parseMetrics(await api("/metrics")), now = Date.now();
              const requests = sums.http_requests_total || 0, last = state.lastRequests;
              sums.requests_per_second = last ? Math.max(0, (requests - last.count) / ((now - last.at) / 1000)) : 0;
              state.lastRequests = { count: requests, at: now };
              state.samples = [...state.samples, sums].slice(-60);
              fill($("live-charts"), ...LIVE.map((chart) => {
                const values = state.samples.map((s) => s[chart.name] || 0), latest = values[values.length - 1];
                return el("div", { class: "panel", "data-metric": chart.name }, el("h3", {}, chart.title),
                  el("p", { class: "figure" }, fmt(latest)),
                  NovarecCharts.line(values, { min: chart.min, max: chart.max ?? Math.max(...values, 1e-9), label: `${chart.title}: ${fmt(latest)} now, last ${values.length} samples` }));
              }));
            });
          }
          function startLive() { if (!state.poll) { sample(); state.poll = setInterval(sample, 5000); } }
          function stopLive() { clearInterval(state.poll); state.poll = null; }

          show(location.hash.slice(1) || "shopper");
        })();
        """#
}
