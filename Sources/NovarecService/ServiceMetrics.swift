import NovarecHTTP

/// What `/metrics` shows, as metric families: the serving model and live state, what was
/// actually served (coverage, long tail, novelty over the last lists), the model lifecycle and
/// the HTTP server's counters. The engine and the coordinator expose plain figures; only this
/// file knows their Prometheus names, and only `PrometheusText` renders text.
enum ServiceMetrics {
    static func families(engine: RecommendationEngine, embedder: ItemEmbedder?, coordinator: ModelCoordinator?, http: ServerMetrics?) -> [MetricFamily] {
        engineFamilies(engine) + itemTextFamilies(engine.itemText, embedder) + servedFamilies(engine.served.figures)
            + (coordinator.map(trainingFamilies) ?? []) + (http?.metricFamilies() ?? [])
    }

    private static func itemTextFamilies(_ index: ItemTextIndex, _ embedder: ItemEmbedder?) -> [MetricFamily] {
        guard let embedder else { return [] }
        return [
            MetricFamily("novarec_item_text_vectors", .gauge, help: "Items with a text vector in memory.", .integer(index.count)),
            MetricFamily("novarec_item_text_pending", .gauge, help: "Items waiting for the text encoder.", .integer(index.pendingCount)),
            MetricFamily("novarec_item_text_embedded_total", .counter, help: "Item texts encoded since start.", .integer(embedder.embedded))
        ]
    }

    private static func engineFamilies(_ engine: RecommendationEngine) -> [MetricFamily] {
        let model = engine.model
        let reads = engine.histories.storeReadCounts
        let scoring = engine.batcher.figures
        return [
            MetricFamily(
                "novarec_model_info", .gauge, help: "The serving model (value 1).",
                samples: [.init(labels: [("version", model.version), ("kind", model.model?.name ?? "popularity")], .integer(1))]),
            MetricFamily("novarec_catalogue_items", .gauge, help: "Items the serving model scores.", .integer(model.items.count)),
            MetricFamily("novarec_known_users", .gauge, help: "Users with an in-memory history.", .integer(engine.histories.userCount)),
            MetricFamily(
                "novarec_history_users_budget", .gauge, help: "Users whose history may be kept in memory (--history-users).",
                .integer(engine.histories.maxUsers)),
            MetricFamily(
                "novarec_history_store_reads_total", .counter,
                help: "Histories read from the database for one user (dropped from memory or incomplete).",
                samples: [
                    .init(labels: [("outcome", "read")], .integer(reads.reads - reads.failed)),
                    .init(labels: [("outcome", "failed")], .integer(reads.failed))
                ]),
            MetricFamily(
                "novarec_scoring_batches_total", .counter, help: "Batches of fresh scorings (requests without cached candidates).",
                .integer(scoring.batches)),
            MetricFamily(
                "novarec_scoring_requests_total", .counter, help: "Requests scored in those batches (÷ batches: the mean batch size).",
                .integer(scoring.requests)),
            MetricFamily("novarec_popularity_items", .gauge, help: "Distinct item ids live popularity counts.", .integer(engine.popularity.countedItems)),
            MetricFamily(
                "novarec_popularity_items_budget", .gauge, help: "Distinct item ids live popularity may count (--popularity-items).",
                .integer(engine.popularity.maxItems)),
            MetricFamily(
                "novarec_handover_seconds_left", .gauge,
                help: "Seconds the previous model may still answer cached users not yet re-scored (0: no handover).",
                .real((engine.handoverSecondsLeft * 10).rounded() / 10))
        ]
    }

    static func servedFamilies(_ figures: ServedListMetrics.Figures) -> [MetricFamily] {
        [
            MetricFamily(
                "novarec_served_catalogue_coverage", .gauge, help: "Distinct items served in the window / items in the serving catalogue.",
                .real(figures.coverage)),
            MetricFamily(
                "novarec_served_long_tail_share", .gauge, help: "Share of the items served in the window that are long-tail items.",
                .real(figures.longTailShare)),
            MetricFamily(
                "novarec_served_mean_novelty", .gauge, help: "Mean normalised novelty of the lists served in the window.",
                .real(figures.meanNovelty)),
            MetricFamily("novarec_served_window_lists", .gauge, help: "Recommendation lists the served-list figures cover.", .integer(figures.windowLists)),
            MetricFamily("novarec_served_lists_total", .counter, help: "Recommendation lists served since start.", .integer(figures.listsTotal))
        ]
    }

    private static func trainingFamilies(_ coordinator: ModelCoordinator) -> [MetricFamily] {
        let status = coordinator.status
        let (outcomes, lastRunSeconds) = coordinator.runFigures
        return [
            MetricFamily("novarec_trainer", .gauge, help: "1 when this replica holds the trainer role.", .integer(status.role == .trainer ? 1 : 0)),
            MetricFamily("novarec_training_running", .gauge, help: "1 while a run is in progress here.", .integer(status.state == .running ? 1 : 0)),
            MetricFamily(
                "novarec_training_runs_total", .counter, help: "Runs finished here, by outcome.",
                samples: [RunState.accepted, .rejected, .failed].map { .init(labels: [("outcome", $0.rawValue)], .integer(outcomes[$0] ?? 0)) }),
            MetricFamily("novarec_training_last_run_seconds", .gauge, help: "Wall time of the last run here.", .real(lastRunSeconds))
        ]
    }
}
