import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import NovarecStore
import NovarecTestSupport
import Testing

/// `novarec train --model pop|itemknn|ease` writes checkpoints that `novarec serve --checkpoint`
/// answers recommendations from, as it does the Transformer's.
struct BaselineServingTests {
    @Test func everyBaselineTrainsToACheckpointThatServeAnswersFrom() throws {
        let directory = try CommandLineTests.temporaryDirectory()
        let data = directory.path + "/shop"
        #expect(try CommandLineTests.run(["generate", "--out", data, "--users", "60", "--items", "30"]).status == 0)
        #expect(try CommandLineTests.run(["import", "--dataset", data, "--data-dir", directory.path + "/state"]).status == 0)
        let events = try String(contentsOfFile: data + "/events.tsv", encoding: .utf8)
        let user = try #require(events.split(separator: "\n").dropFirst().first?.split(separator: "\t").first.map(String.init))
        // One cluster for the three servers, each serving its own checkpoint.
        let cluster = try EmbeddedPostgres(directory: directory.appendingPathComponent("state/postgres"))
        try cluster.start()
        defer { try? cluster.stop() }
        let kinds = ["pop", "itemknn", "ease"]
        for kind in kinds {
            let trained = try CommandLineTests.run([
                "train", "--model", kind, "--dataset", data + "/events.tsv", "--out", "\(directory.path)/\(kind).safetensors"
            ])
            #expect(trained.status == 0 && trained.stdout.hasPrefix("\(kind): best valid NDCG@10"), "\(trained.stdout)\(trained.stderr)")
        }
        let servers = try kinds.map { kind in
            try ReplicaProcessTests.Server(
                [
                    "--data-dir", "\(directory.path)/\(kind)", "--database-url", cluster.connectionString(database: "novarec"),
                    "--checkpoint", "\(directory.path)/\(kind).safetensors"
                ], log: directory.appendingPathComponent("\(kind).log"))
        }
        for (kind, server) in zip(kinds, servers) {
            let url = try #require(URL(string: "http://127.0.0.1:\(server.port)/v1/recommendations?user_id=\(user)"))
            let (status, body) = try HTTPClient.send(URLRequest(url: url))
            #expect(status == 200, "\(kind): \(body)")
            #expect(body["fallback"] as? Bool == false, "\(kind) answers \(user) from the model: \(body)")
            #expect((body["model_version"] as? String)?.isEmpty == false, "\(kind): \(body)")
            #expect((body["items"] as? [Any])?.isEmpty == false, "\(kind): \(body)")
            #expect(server.json("/v1/model")["kind"] as? String == kind)
        }
    }
}
