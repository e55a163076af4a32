import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A blocking HTTP call with URLSession, returning the status and the JSON object body; shared by
/// the tests that talk to a live server (in-process or a `novarec serve` process).
public enum HTTPClient {
    public static func send(_ request: URLRequest) throws -> (status: Int, body: [String: Any]) {
        final class Box: @unchecked Sendable {
            var result: (Int, Data)?
            var error: (any Error)?
        }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            box.result = ((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data())
            box.error = error
            done.signal()
        }.resume()
        done.wait()
        if let error = box.error { throw error }
        let (status, data) = box.result!
        let body = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        return (status, body)
    }
}
