import Foundation
import Vapor

/// Prints an HTML page to PDF with headless Chromium, when it is installed.
///
/// The page is written to a private temporary file with its stylesheet inlined, so Chromium needs no
/// session and no network. Without Chromium the answer is 503 with a hint: the HTML page prints
/// cleanly from any browser anyway.
enum PDFPrinter {
    static let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]

    static var chromium: String? {
        if let configured = ProcessInfo.processInfo.environment["GUICHET_CHROMIUM"] { return configured }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func print(html: String, logger: Logger) async throws -> Data {
        guard let chromium else {
            throw AppError(
                .serviceUnavailable,
                detail: "PDF needs Chromium (Debian: apt-get install chromium); print the page instead")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "guichet-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("report.html")
        let output = directory.appendingPathComponent("report.pdf")
        try Data(html.utf8).write(to: page)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--disable-dev-shm-usage",
            "--user-data-dir=\(directory.appendingPathComponent("profile").path)",
            "--print-to-pdf=\(output.path)", page.absoluteString,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Chromium prints in about a second; never let a stuck one hold the request forever.
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                throw AppError(.serviceUnavailable, detail: "PDF printing timed out")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard process.terminationStatus == 0, let data = try? Data(contentsOf: output), data.count > 0 else {
            logger.error("chromium --print-to-pdf failed with status \(process.terminationStatus)")
            throw AppError(.serviceUnavailable, detail: "PDF printing failed")
        }
        return data
    }
}
