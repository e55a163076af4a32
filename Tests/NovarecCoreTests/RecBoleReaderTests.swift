import Testing
@testable import NovarecCore

struct RecBoleReaderTests {
    /// User 0 has sequence 0 1 2 3 4 (train rows in descending k, as UniSRec writes them); user 1
    /// has 3 4 0 (no train row).
    private func writeSplit(trainHistoryOfK2: String = "0 1") throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        let header = "user_id:token\titem_id_list:token_seq\titem_id:token\n"
        try directory.write("Shop.train.inter", header + "0\t\(trainHistoryOfK2)\t2\n0\t0\t1\n")
        try directory.write("Shop.valid.inter", header + "0\t0 1 2\t3\n1\t3\t4\n")
        try directory.write("Shop.test.inter", header + "0\t0 1 2 3\t4\n1\t3 4\t0\n")
        try directory.write("Shop.item2index", "A0\t0\nA1\t1\nA2\t2\nA3\t3\nA4\t4\n")
        try directory.write("Shop.user2index", "alice\t0\nbob\t1\n")
        try directory.write("Shop.text", "item_id:token\ttext:token_seq\nA0\tRed kettle. Kitchen.\nA4\tBlue pan.\n")
        return directory
    }

    @Test func rebuildsFullSequencesWithOriginalIDs() throws {
        let directory = try writeSplit()
        let dataset = try DatasetLoader.load(path: directory.path)
        let alice = try #require(dataset.users.index(of: "alice"))
        let bob = try #require(dataset.users.index(of: "bob"))
        #expect(dataset.sequences[Int(alice)].map { dataset.items.id(at: $0) } == ["A0", "A1", "A2", "A3", "A4"])
        #expect(dataset.sequences[Int(bob)].map { dataset.items.id(at: $0) } == ["A3", "A4", "A0"])
        let kettle = try #require(dataset.items.index(of: "A0"))
        #expect(dataset.itemMetadata[kettle]?.title == "Red kettle. Kitchen.")
        #expect(dataset.name == "Shop")
    }

    @Test func inconsistentHistoryNamesTheRow() throws {
        let directory = try writeSplit(trainHistoryOfK2: "0 3")
        #expect(throws: DatasetError(file: directory.path + "/Shop.train.inter", line: 2, reason: "history does not match the user's other rows")) {
            try DatasetLoader.load(path: directory.path + "/Shop.test.inter", format: .recbole)
        }
    }
}
