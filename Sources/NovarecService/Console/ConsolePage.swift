/// The console's page: four tab panels (Shopper, Item, Models, Live) that `app.js` fills from
/// the public API. Plain HTML first: every control has a label, the tabs follow the WAI-ARIA tab
/// pattern, and results are announced through live regions.
enum ConsolePage {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Novarec console</title>
        <link rel="icon" href="data:,">
        <link rel="stylesheet" href="/console/style.css">
        <script src="/console/charts.js" defer></script>
        <script src="/console/app.js" defer></script>
        </head>
        <body>
        <header>
          <h1>Novarec console</h1>
          <div class="key">
            <label for="key">API key <span class="hint">(kept in this tab only; needed once keys are configured)</span></label>
            <input id="key" type="password" autocomplete="off" spellcheck="false">
          </div>
          <nav role="tablist" aria-label="Console pages">
            <button type="button" role="tab" id="tab-shopper" aria-controls="shopper">Shopper</button>
            <button type="button" role="tab" id="tab-item" aria-controls="item">Item</button>
            <button type="button" role="tab" id="tab-models" aria-controls="models">Models</button>
            <button type="button" role="tab" id="tab-live" aria-controls="live">Live</button>
          </nav>
        </header>
        <main>
          <section id="shopper" role="tabpanel" aria-labelledby="tab-shopper" hidden>
            <form id="shopper-form" class="query">
              <label for="user-id">User id</label>
              <input id="user-id" name="user" required autocomplete="off">
              <label for="shopper-k">Items per list</label>
              <input id="shopper-k" name="k" type="number" min="1" max="100" value="10">
              <button type="submit">Show lists</button>
            </form>
            <p id="shopper-error" class="error" role="alert"></p>
            <div id="shopper-lists" class="lists" aria-live="polite"></div>
            <section class="dial" aria-labelledby="dial-heading">
              <h2 id="dial-heading">Try the dial</h2>
              <label for="dial">Novelty <output id="dial-value" for="dial">0.5</output></label>
              <input id="dial" type="range" min="0" max="1" step="0.1" value="0.5">
              <div id="dial-list" aria-live="polite"></div>
            </section>
          </section>

          <section id="item" role="tabpanel" aria-labelledby="tab-item" hidden>
            <form id="item-form" class="query">
              <label for="item-id">Item id</label>
              <input id="item-id" name="item" required autocomplete="off">
              <button type="submit">Look up</button>
            </form>
            <p id="item-error" class="error" role="alert"></p>
            <div class="lists" aria-live="polite">
              <div id="item-details" class="panel"></div>
              <div id="item-similar" class="panel"></div>
            </div>
          </section>

          <section id="models" role="tabpanel" aria-labelledby="tab-models" hidden>
            <p id="models-error" class="error" role="alert"></p>
            <div class="lists">
              <div id="model-serving" class="panel"></div>
              <div id="model-training" class="panel"></div>
            </div>
            <form id="train-form" class="query">
              <label for="train-minutes">Longest run (minutes)</label>
              <input id="train-minutes" name="minutes" type="number" min="0.1" step="0.1" value="5">
              <button type="submit">Start training</button>
              <button type="button" id="rollback">Roll back the served model</button>
            </form>
            <p id="admin-result" role="status" aria-live="polite"></p>
            <div id="model-runs" class="panel wide"></div>
          </section>

          <section id="live" role="tabpanel" aria-labelledby="tab-live" hidden>
            <p>What this replica served recently, from <code>/metrics</code>, every 5 s while this page is open.</p>
            <p id="live-error" class="error" role="alert"></p>
            <div id="live-charts" class="lists"></div>
          </section>
        </main>
        </body>
        </html>
        """#
}
