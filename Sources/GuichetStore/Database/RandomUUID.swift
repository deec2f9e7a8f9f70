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

    /// A row's id: a version 7 UUID (RFC 9562) — the Unix time in milliseconds in its first 48 bits, big-endian,
    /// then 74 random bits (from the same buffer as `random()`).
    ///
    /// Rows made together sort together, so their ids, and the indexes that lead with a parent's id (a contact's
    /// events and messages, a customer's contacts and identities), take new entries at their right-hand end: a
    /// group of contacts dirties a few index pages instead of one page per contact per index. On SQLite, whose
    /// write-ahead log holds whole pages, version 4 ids made the log take about ten 4-KiB pages per contact.
    /// The time it carries is the row's creation, which the row records anyway; the ids stay unguessable.
    public static func rowID(at date: Date = Date()) -> UUID {
        var raw = RandomBytes.shared.take16()
        let milliseconds = UInt64(max(0, (date.timeIntervalSince1970 * 1_000).rounded(.down)))
        raw.0 = UInt8(truncatingIfNeeded: milliseconds >> 40)
        raw.1 = UInt8(truncatingIfNeeded: milliseconds >> 32)
        raw.2 = UInt8(truncatingIfNeeded: milliseconds >> 24)
        raw.3 = UInt8(truncatingIfNeeded: milliseconds >> 16)
        raw.4 = UInt8(truncatingIfNeeded: milliseconds >> 8)
        raw.5 = UInt8(truncatingIfNeeded: milliseconds)
        raw.6 = (raw.6 & 0x0F) | 0x70  // version 7
        raw.8 = (raw.8 & 0x3F) | 0x80  // RFC 9562 variant
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
