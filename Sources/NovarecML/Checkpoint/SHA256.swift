import COpenSSL
import Foundation

/// SHA-256 through OpenSSL's libcrypto (EVP interface): the digest bytes, or lowercase hex.
public enum SHA256 {
    public static func digest(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = EVP_Digest(bytes.baseAddress, bytes.count, &digest, &length, EVP_sha256(), nil)
        precondition(ok == 1, "EVP_Digest failed")
        return Array(digest.prefix(Int(length)))
    }

    public static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in digest(bytes) { text += [digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
        return String(decoding: text, as: UTF8.self)
    }

    public static func hex(_ data: Data) -> String {
        data.withUnsafeBytes { hex($0) }
    }
}
