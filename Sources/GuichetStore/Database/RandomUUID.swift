import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension UUID {
    /// A version 4 UUID, like `UUID()`, from the kernel's random bytes read 4 KiB at a time.
    ///
    /// On Linux, Foundation's `UUID()` opens, reads and closes `/dev/urandom` for every identifier: 6.3 µs
    /// each measured on the benchmark machine, where intake makes six per contact. Here `/dev/urandom` stays
    /// open and one read serves 256 identifiers. (The buffer is per process: Guichet spawns helpers, it never
    /// forks.) It lives in the store, which gives rows their ids: the pure domain takes its randomness as a
    /// parameter and reads no device.
    public static func random() -> UUID {
        var raw = RandomBytes.shared.take16()
        raw.6 = (raw.6 & 0x0F) | 0x40  // version 4
        raw.8 = (raw.8 & 0x3F) | 0x80  // RFC 4122 variant
        return UUID(uuid: raw)
    }
}

/// The kernel's random bytes, handed out 16 at a time.
private final class RandomBytes: Sendable {
    static let shared = RandomBytes()
    private static let size = 4096

    private struct Buffer {
        var bytes = [UInt8](repeating: 0, count: RandomBytes.size)
        var used = RandomBytes.size
    }

    private let buffer = Mutex(Buffer())
    /// `/dev/urandom`, opened once (-1 if it cannot be).
    private let source = open("/dev/urandom", O_RDONLY | O_CLOEXEC)

    func take16() -> uuid_t {
        var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        buffer.withLock { buffer in
            if buffer.used + 16 > buffer.bytes.count {
                buffer.bytes.withUnsafeMutableBytes(fill)
                buffer.used = 0
            }
            let start = buffer.used
            withUnsafeMutableBytes(of: &raw) { target in
                buffer.bytes.withUnsafeBytes { source in
                    target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<start + 16]))
                }
            }
            buffer.used += 16
        }
        return raw
    }

    private func fill(_ target: UnsafeMutableRawBufferPointer) {
        var filled = 0
        while source >= 0, filled < target.count {
            let count = read(source, target.baseAddress! + filled, target.count - filled)
            if count > 0 {
                filled += count
            } else if count < 0, errno == EINTR {
                continue
            } else {
                break
            }
        }
        // Should the device fail: the standard library's generator (the kernel's, a system call per 8 bytes).
        var generator = SystemRandomNumberGenerator()
        while filled < target.count {
            target[filled] = generator.next()
            filled += 1
        }
    }
}
