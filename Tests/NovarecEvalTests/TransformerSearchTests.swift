import NovarecCore
import NovarecML
import Testing
@testable import NovarecEval

struct TransformerSearchTests {
    let defaults = TransformerSearch.Setting(dropout: 0.3, dimension: 64, layers: 2, logitAdjustment: 0)

    @Test func settingsStartWithTheDefaultsAndAreDistinctAndSeeded() {
        let search = TransformerSearch(budgetSeconds: 60)
        let settings = search.settings(defaults: defaults)
        #expect(settings.count == 4 && settings.first == defaults)
        #expect(Set(settings.map(\.description)).count == settings.count)
        #expect(search.settings(defaults: defaults) == settings, "same seed, same draws")
        var other = search
        other.seed = 2
        #expect(other.settings(defaults: defaults) != settings)
        for setting in settings.dropFirst() {
            #expect(TransformerSearch.dropouts.contains(setting.dropout) && TransformerSearch.dimensions.contains(setting.dimension))
            #expect(TransformerSearch.depths.contains(setting.layers) && TransformerSearch.logitAdjustments.contains(setting.logitAdjustment))
        }
    }

    @Test func theChosenModelIsAtLeastAsGoodAsEveryScreenedSetting() throws {
        var configuration = SyntheticShopGenerator.Configuration()
        configuration.users = 150
        configuration.items = 60
        let context = EvaluationContext(dataset: SyntheticShopGenerator(configuration: configuration).generate())
        var trainer = ModelTrainer(context: context)
        trainer.sasrecConfiguration.dimension = 16
        trainer.sasrecConfiguration.innerDimension = 32
        trainer.sasrecOptions.epochs = 3
        var search = TransformerSearch(budgetSeconds: 4)
        search.settingCount = 2
        let result = try search.run(trainer)
        #expect(result.trials.count == 2 && result.trials.first?.setting.dimension == 16)
        #expect(result.model.validationNDCG >= result.trials.map(\.validationNDCG).max()! - 1e-12)
        #expect(result.trials.contains { $0.setting == result.setting })
    }
}
