import COpenSSL
import Foundation

/// SHA-256 through OpenSSL's libcrypto (EVP interface), as lowercase hex.
public enum SHA256 {
    public static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = EVP_Digest(bytes.baseAddress, bytes.count, &digest, &length, EVP_sha256(), nil)
        precondition(ok == 1, "EVP_Digest failed")
        return digest.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
    }

    public static func hex(_ data: Data) -> String {
        data.withUnsafeBytes { hex($0) }
    }
}
